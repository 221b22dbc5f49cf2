/**
 * A Pinpoint sending role is held to a fixed intent, not to its own documents: ses:SendEmail and ses:SendRawEmail
 * on SES identity and configuration-set ARNs of its own account and partition (the plan's, never the documents'),
 * and nothing else, from every permission source (AWS managed policies included, every one of which grants more).
 */
import { SES_SEND_ACTIONS } from "../../modules/policy-documents";
import { allowStatements, evidence } from "../documents";
import { Finding, finding } from "../findings";
import { actionText, plain } from "../policy";
import type { RoleReview } from "../roles";
import { policyLabel } from "./permissions";
import { isPinpointSendingRole } from "./pinpoint-role";

const SEND_ACTIONS = new Set(SES_SEND_ACTIONS.map((action) => action.toLowerCase()));

/** The partition and account of an SES identity or configuration-set ARN (any Region), or undefined for anything else. */
function sesTarget(arn: string): { partition: string; account: string } | undefined {
  const match = /^arn:([^:*?]+):ses:[^:]*:(\d{12}):(identity|configuration-set)\/.+$/.exec(arn);
  return match ? { partition: match[1], account: match[2] } : undefined;
}

export function pinpointBeyondSending(role: RoleReview): Finding[] {
  if (!isPinpointSendingRole(role)) return [];
  return [
    ...role.policies.flatMap((policy) => allowStatements(policy.after).flatMap(([statement, index]) => {
      const actions = statement.action?.filter((action) => !SEND_ACTIONS.has(action.toLowerCase())) ?? [];
      const resources = (statement.resource ?? []).filter((arn) => !sesTarget(arn));
      const problems = [
        statement.notAction && `allows ${actionText(statement, plain)}`,
        actions.length > 0 && `allows ${actions.join(", ")}`,
        statement.notResource && "applies to every resource outside a NotResource list",
        resources.length > 0 && `applies to ${resources.join(", ")}, not an SES identity or configuration set`,
      ].filter(Boolean);
      return problems.length === 0 ? [] : [finding("pinpoint-beyond-sending", policy.address,
        `the Pinpoint sending role's ${policyLabel(policy)} ${problems.join("; ")}`, evidence(policyLabel(policy), statement, index),
        [...(statement.notAction ? ["NotAction"] : []), ...actions.map((action) => action.toLowerCase()),
          ...(statement.notResource ? ["NotResource"] : []), ...resources])];
    })),
    ...role.awsManagedPolicies.filter((managed) => managed.after).map((managed) => finding("pinpoint-beyond-sending", managed.attachedBy,
      `the Pinpoint sending role has AWS managed policy ${managed.name}, which allows far more than sending through SES`,
      `attached: ${managed.arn}`, [managed.arn])),
  ];
}

/** SES identities and configuration sets of another account or partition than the one the plan places the role in. */
export function foreignResource(role: RoleReview): Finding[] {
  const { partition, account } = role.facts;
  if (!isPinpointSendingRole(role) || (account === undefined && partition === undefined)) return [];
  return role.policies.flatMap((policy) => allowStatements(policy.after).flatMap(([statement, index]) => {
    const foreign = (statement.resource ?? []).filter((arn) => {
      const target = sesTarget(arn);
      return target && ((account !== undefined && target.account !== account) || (partition !== undefined && target.partition !== partition));
    });
    return foreign.length === 0 ? [] : [finding("foreign-resource", policy.address, `the Pinpoint sending role's ${policyLabel(policy)} ` +
      `sends through ${foreign.join(", ")}, outside ${[partition && `partition ${partition}`, account && `account ${account}`].filter(Boolean).join(" and ")}` +
      " where the plan places the role", evidence(policyLabel(policy), statement, index), foreign)];
  }));
}
