/**
 * The review's rules: each with its severity and what it means. A finding
 * names the resource and carries the statement (or change) that is its evidence.
 */
export type Severity = "error" | "warning";

export interface Finding {
  readonly rule: RuleId;
  readonly severity: Severity;
  /** The resource (or inline_policy block) the finding is about. */
  readonly address: string;
  readonly message: string;
  readonly evidence: string;
}

/** Every rule, its severity and what it means. */
export const RULES = {
  "service-trust-without-source": {
    severity: "warning",
    summary: "a service principal may assume the role without aws:SourceAccount or aws:SourceArn (confused deputy)",
  },
  "wildcard-principal": { severity: "error", summary: "the trust policy allows `*` (anyone), or everyone but a NotPrincipal list" },
  "all-actions": { severity: "error", summary: "a statement allows every action (`*`, or NotAction)" },
  "service-wildcard": { severity: "warning", summary: "a statement allows every action of a service (`service:*`)" },
  "send-on-any-resource": {
    severity: "warning",
    summary: "an SES send action is allowed on Resource `*` (every identity of every account)",
  },
  "role-replaced": {
    severity: "error",
    summary: "the role is replaced: Pinpoint and anything else holding its ARN or id breaks until updated",
  },
  "unexpected-trust-principal": {
    severity: "error",
    summary: "a service role's trust policy also lets another principal (an account, an AWS principal, a federated one, another service) assume it",
  },
  "cross-account-trust": {
    severity: "warning",
    summary: "another account may assume the role without an sts:ExternalId or organisation (aws:PrincipalOrgID, aws:PrincipalOrgPaths) condition",
  },
  "pinpoint-beyond-sending": {
    severity: "error",
    summary: "a Pinpoint sending role may do more than ses:SendEmail and ses:SendRawEmail on SES identities and configuration sets of its own account",
  },
  "not-reviewable": {
    severity: "warning",
    summary: "a source of the role's permissions cannot be read from the plan (known only after apply, or a policy that is not in the plan)",
  },
  "unreadable-policy": { severity: "warning", summary: "a planned policy document is not a valid IAM policy" },
  "simulation-mismatch": {
    severity: "error",
    summary: "the simulated verdict of a Pinpoint sending role differs from what the role must allow",
  },
} as const satisfies { [rule: string]: { severity: Severity; summary: string } };

export type RuleId = keyof typeof RULES;

export function finding(rule: RuleId, address: string, message: string, evidence: string): Finding {
  return { rule, severity: RULES[rule].severity, address, message, evidence };
}

/** Whether any finding is at least as severe as `threshold`. */
export function reachesThreshold(findings: readonly Finding[], threshold: Severity): boolean {
  return findings.some((item) => threshold === "warning" || item.severity === "error");
}
