/**
 * A Pinpoint sending role is held to a fixed intent, not to its own
 * documents: it may call ses:SendEmail and ses:SendRawEmail, on SES identity
 * and configuration-set ARNs of its own account, and nothing else. Every
 * permission source counts: inline policies, customer managed policies of
 * the plan, and AWS managed policies (every one of which grants more).
 */
import { SES_SEND_ACTIONS } from "../modules/policy-documents";
import { awsManagedBreadth } from "./attached-policies";
import { allowStatements, evidence } from "./documents";
import { Finding, finding } from "./findings";
import { actionText, plain } from "./policy";
import type { RoleReview } from "./roles";

const SEND_ACTIONS = new Set(SES_SEND_ACTIONS.map((action) => action.toLowerCase()));

/** Whether an ARN is an SES identity or configuration set of `account` (any Region) in `partition`. */
function isOwnSesArn(arn: string, partition: string | undefined, account: string | undefined): boolean {
  const match = /^arn:([^:*?]+):ses:[^:]*:(\d{12}):(identity|configuration-set)\/.+$/.exec(arn);
  return match !== null && (partition === undefined || match[1] === partition) && (account === undefined || match[2] === account);
}

export function pinpointFindings(role: RoleReview): Finding[] {
  const { partition, account } = role.facts;
  const found: Finding[] = [];
  for (const policy of role.policies) {
    for (const [statement, index] of allowStatements(policy.after)) {
      const problems: string[] = [];
      const actions = statement.action?.filter((action) => !SEND_ACTIONS.has(action.toLowerCase())) ?? [];
      if (statement.notAction) problems.push(`allows ${actionText(statement, plain)}`);
      if (actions.length > 0) problems.push(`allows ${actions.join(", ")}`);
      if (statement.notResource) problems.push("applies to every resource outside a NotResource list");
      const resources = (statement.resource ?? []).filter((arn) => !isOwnSesArn(arn, partition, account));
      if (resources.length > 0) {
        problems.push(`applies to ${resources.join(", ")}, not an SES identity or configuration set of ` +
          `${account ? `account ${account}` : "the role's account"}`);
      }
      if (problems.length > 0) {
        found.push(finding("pinpoint-beyond-sending", policy.address,
          `the Pinpoint sending role's policy ${policy.name} ${problems.join("; ")}`, evidence(`policy ${policy.name}`, statement, index)));
      }
    }
  }
  for (const managed of role.awsManagedPolicies) {
    const breadth = awsManagedBreadth(managed.name);
    found.push(finding("pinpoint-beyond-sending", managed.attachedBy,
      `the Pinpoint sending role gets AWS managed policy ${managed.name}, which allows ` +
      (breadth ? breadth.grants : "more than sending email from the account's SES identities"), `attached: ${managed.arn}`));
  }
  return found;
}
