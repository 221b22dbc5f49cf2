/**
 * Every rule but the simulation's, for one role as it will be after the plan.
 * The rule table is in findings.ts; trust rules in trust-findings.ts; the fixed
 * intent of Pinpoint sending roles in pinpoint-findings.ts.
 */
import { PINPOINT_SERVICE_PRINCIPAL, SES_SEND_ACTIONS } from "../modules/policy-documents";
import { awsManagedBreadth } from "./attached-policies";
import { allowStatements, DocumentState, evidence } from "./documents";
import { Finding, finding } from "./findings";
import { pinpointFindings } from "./pinpoint-findings";
import { servicePrincipals, statementCovers } from "./policy";
import type { RoleReview } from "./roles";
import { trustFindings } from "./trust-findings";

/**
 * A role Pinpoint assumes: its trust policy (after the plan, or before a
 * delete) lets pinpoint.amazonaws.com call sts:AssumeRole.
 */
export function isPinpointSendingRole(role: RoleReview): boolean {
  const trust = role.trust.after.state === "absent" ? role.trust.before : role.trust.after;
  return trust.state === "known" && trust.policy.statements.some((statement) => statement.effect === "Allow" &&
    servicePrincipals(statement).includes(PINPOINT_SERVICE_PRINCIPAL) && statementCovers(statement, "sts:AssumeRole"));
}

function permissionFindings(address: string, label: string, document: DocumentState): Finding[] {
  if (document.state === "unreadable") {
    return [finding("unreadable-policy", address, `the planned ${label} is not a valid IAM policy`, document.problem)];
  }
  return allowStatements(document).flatMap(([statement, index]): Finding[] => {
    const found: Finding[] = [];
    const where = evidence(label, statement, index);
    if (statement.notAction || statement.action?.includes("*")) {
      found.push(finding("all-actions", address, statement.notAction
        ? "a statement allows every action except those in its NotAction list"
        : "a statement allows every action (`*`)", where));
    }
    const services = (statement.action ?? []).filter((action) => /^[a-z0-9-]+:\*$/i.test(action));
    if (services.length > 0) {
      found.push(finding("service-wildcard", address,
        `a statement allows every action of ${services.map((action) => action.split(":")[0]).join(", ")}`, where));
    }
    const sends = SES_SEND_ACTIONS.filter((action) => statementCovers(statement, action));
    if (sends.length > 0 && (statement.notResource || statement.resource?.includes("*"))) {
      found.push(finding("send-on-any-resource", address,
        `${sends.join(" and ")} ${sends.length > 1 ? "are" : "is"} allowed on ` +
        (statement.notResource ? "every resource outside a NotResource list" : "Resource `*`"), where));
    }
    return found;
  });
}

/** Every rule but the simulation's, for one role and its policies as they will be after the plan. */
export function roleFindings(role: RoleReview): Finding[] {
  if (role.change === "delete" || role.change === "forget") return [];
  const pinpoint = isPinpointSendingRole(role);
  const found = [...trustFindings(role, pinpoint)];
  if (role.trust.after.state === "unreadable") {
    found.push(finding("unreadable-policy", role.address, "the planned trust policy is not a valid IAM policy", role.trust.after.problem));
  }
  if (role.inPlan && role.trust.after.state === "unknown") {
    found.push(finding("not-reviewable", role.address, "the trust policy is known only after apply: who may assume the role is not seen",
      "assume_role_policy is (known after apply)"));
  }
  found.push(...role.policies.flatMap((policy) => permissionFindings(policy.address, `policy ${policy.name}`, policy.after)));
  for (const managed of role.awsManagedPolicies) {
    const breadth = awsManagedBreadth(managed.name);
    if (breadth) {
      found.push(finding(breadth.rule, managed.attachedBy, `AWS managed policy ${managed.name} allows ${breadth.grants}`,
        `attached: ${managed.arn}`));
    }
  }
  if (pinpoint) found.push(...pinpointFindings(role));
  found.push(...role.notReviewable.map((item) =>
    finding("not-reviewable", item.address, item.reason, `a permission source of role ${role.address}`)));
  if (role.change === "replace") {
    found.push(finding("role-replaced", role.address,
      "Terraform deletes and re-creates the role: its unique id changes (and its ARN, for a generated name), so the " +
      "Pinpoint email channel and any policy naming the role must be updated",
      `replaced because of: ${role.replacedBecause.join(", ") || "(no reason given)"}`));
  }
  return found;
}
