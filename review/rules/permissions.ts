/**
 * What the role's permissions allow, from every source (inline policies, customer managed policies of the plan or
 * read by data.aws_iam_policy, AWS managed policies judged by name), each named by the plan address that brings it.
 */
import { SES_SEND_ACTIONS } from "../../modules/policy-documents";
import { allowStatements, DocumentState, evidence } from "../documents";
import { Finding, finding } from "../findings";
import { Statement, statementCovers } from "../policy";
import type { PolicyChange, RoleReview } from "../roles";

/** How evidence names a policy: its name, and for a managed one what it is and what attaches it. */
export function policyLabel(policy: PolicyChange): string {
  if (policy.kind !== "managed") return `policy ${policy.name}`;
  if (policy.arn) return `policy ${policy.arn} (read by ${policy.readBy}, attached by ${policy.attachedBy})`;
  return `policy ${policy.name} (${policy.address}, attached by ${policy.attachedBy})`;
}

/** Each Allow statement of each policy as it will be, with the policy, for the rules below. */
function statements(role: RoleReview): Array<{ policy: PolicyChange; statement: Statement; index: number }> {
  return role.policies.flatMap((policy) => allowStatements(policy.after).map(([statement, index]) => ({ policy, statement, index })));
}

/**
 * What a broad AWS managed policy grants, as the rule that judges it and a sentence: AdministratorAccess,
 * PowerUserAccess, and every `*FullAccess` policy (IAMFullAccess among them).
 */
function awsManagedBreadth(name: string): { readonly rule: "all-actions" | "service-wildcard"; readonly grants: string } | undefined {
  if (name === "AdministratorAccess") return { rule: "all-actions", grants: "every action on every resource" };
  if (name === "PowerUserAccess") return { rule: "all-actions", grants: "every action except most of IAM, Organizations and Account management" };
  if (/FullAccess$/.test(name)) return { rule: "service-wildcard", grants: "every action of the services it is named after" };
  return undefined;
}

function awsManagedFindings(role: RoleReview, rule: "all-actions" | "service-wildcard"): Finding[] {
  return role.awsManagedPolicies.filter((managed) => managed.after).flatMap((managed) => {
    const breadth = awsManagedBreadth(managed.name);
    return breadth?.rule === rule ? [finding(rule, managed.attachedBy, `AWS managed policy ${managed.name} allows ${breadth.grants}`,
      `attached: ${managed.arn}`, [managed.arn])] : [];
  });
}

export function allActions(role: RoleReview): Finding[] {
  return [
    ...statements(role).filter(({ statement }) => statement.notAction || statement.action?.includes("*")).map(({ policy, statement, index }) =>
      finding("all-actions", policy.address, statement.notAction ? "a statement allows every action except those in its NotAction list"
        : "a statement allows every action (`*`)", evidence(policyLabel(policy), statement, index),
      [statement.notAction ? `NotAction ${[...statement.notAction].sort().join(",")}` : "*"])),
    ...awsManagedFindings(role, "all-actions"),
  ];
}

export function serviceWildcard(role: RoleReview): Finding[] {
  return [
    ...statements(role).flatMap(({ policy, statement, index }) => {
      const services = (statement.action ?? []).filter((action) => /^[a-z0-9-]+:\*$/i.test(action)).map((action) => action.split(":")[0].toLowerCase());
      return services.length === 0 ? [] : [finding("service-wildcard", policy.address, `a statement allows every action of ${services.join(", ")}`,
        evidence(policyLabel(policy), statement, index), services)];
    }),
    ...awsManagedFindings(role, "service-wildcard"),
  ];
}

export function sendOnAnyResource(role: RoleReview): Finding[] {
  return statements(role).flatMap(({ policy, statement, index }) => {
    const sends = SES_SEND_ACTIONS.filter((action) => statementCovers(statement, action));
    if (sends.length === 0 || !(statement.notResource || statement.resource?.includes("*"))) return [];
    return [finding("send-on-any-resource", policy.address, `${sends.join(" and ")} ${sends.length > 1 ? "are" : "is"} allowed on ` +
      (statement.notResource ? "every resource outside a NotResource list" : "Resource `*`"), evidence(policyLabel(policy), statement, index), sends)];
  });
}

export function unreadablePolicy(role: RoleReview): Finding[] {
  const unreadable = (address: string, label: string, document: DocumentState) => document.state === "unreadable"
    ? [finding("unreadable-policy", address, `the planned ${label} is not a valid IAM policy`, document.problem, [label])] : [];
  return [
    ...unreadable(role.address, "trust policy", role.trust.after),
    ...role.policies.flatMap((policy) => unreadable(policy.address, policyLabel(policy), policy.after)),
  ];
}
