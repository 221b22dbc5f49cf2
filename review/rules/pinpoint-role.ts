/** Which roles are Pinpoint sending roles: held to a fixed intent and simulated. */
import { PINPOINT_SERVICE_PRINCIPAL } from "../../modules/policy-documents";
import { servicePrincipals, statementCovers } from "../policy";
import type { RoleReview } from "../roles";

export { PINPOINT_SERVICE_PRINCIPAL };

const known = new WeakMap<RoleReview, boolean>();

/**
 * Whether the role's trust policy (after the plan, or before a delete) lets pinpoint.amazonaws.com call
 * sts:AssumeRole.
 */
export function isPinpointSendingRole(role: RoleReview): boolean {
  let answer = known.get(role);
  if (answer === undefined) {
    const trust = role.trust.after.state === "absent" ? role.trust.before : role.trust.after;
    answer = trust.state === "known" && trust.policy.statements.some((statement) => statement.effect === "Allow" &&
      servicePrincipals(statement).includes(PINPOINT_SERVICE_PRINCIPAL) && statementCovers(statement, "sts:AssumeRole"));
    known.set(role, answer);
  }
  return answer;
}
