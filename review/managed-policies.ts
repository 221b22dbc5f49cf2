/**
 * Managed policies a role gets by ARN. AWS managed policies are recognised by
 * name: their documents are public but not in any plan, and this tool does not
 * ship copies that would go stale. The broad ones are judged by what their
 * names promise; the others are listed in the report as not reviewed.
 */

/** The name of an AWS managed policy ARN (`arn:aws:iam::aws:policy/job-function/X` → `X`), or undefined. */
export function awsManagedPolicyName(arn: string): string | undefined {
  return /^arn:[^:]+:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
}

/** What a broad AWS managed policy grants, as the rule that judges it and a sentence. */
export interface ManagedPolicyBreadth {
  readonly rule: "all-actions" | "service-wildcard";
  readonly grants: string;
}

/** AdministratorAccess, PowerUserAccess, and every `*FullAccess` policy (IAMFullAccess among them). */
export function awsManagedBreadth(name: string): ManagedPolicyBreadth | undefined {
  if (name === "AdministratorAccess") return { rule: "all-actions", grants: "every action on every resource" };
  if (name === "PowerUserAccess") {
    return { rule: "all-actions", grants: "every action except most of IAM, Organizations and Account management" };
  }
  if (/FullAccess$/.test(name)) return { rule: "service-wildcard", grants: "every action of the services it is named after" };
  return undefined;
}

/** The account of a customer managed policy ARN, `arn:P:iam::ACCOUNT:policy/...`. */
export function policyArnParts(arn: string): { account: string; pathAndName: string } | undefined {
  const match = /^arn:[^:]+:iam::(\d{12}):policy(\/.*)$/.exec(arn);
  return match ? { account: match[1], pathAndName: match[2] } : undefined;
}
