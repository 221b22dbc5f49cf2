/**
 * The review's rules: each with its severity, its family (the file under review/rules/ that checks it) and what it
 * means. A finding names the plan address that brings the risk and carries the statement (or change) that is its
 * evidence, and the subjects that make it the same finding from one plan to the next.
 */
import { createHash } from "crypto";

export type Severity = "error" | "warning";

/** Whether this plan brings the finding: `new`, `worsened` (more of it than before), or `existing` before the plan. */
export type Novelty = "new" | "worsened" | "existing";

export interface Finding {
  readonly rule: RuleId;
  readonly severity: Severity;
  /** The plan address that brings the risk: the role, a policy, an attachment, a `managed_policy_arns` entry. */
  readonly address: string;
  readonly message: string;
  readonly evidence: string;
  /**
   * What the finding is about, independent of statement order and wording (services, principals, actions, ...):
   * the same rule at the same address with no subject outside the prior state's is not new.
   */
  readonly subjects: readonly string[];
}

/** A finding of a review: with its role, whether the plan brings it, a stable fingerprint, and its waiver if any. */
export interface ReviewedFinding extends Finding {
  /** The role whose review found it (its address). */
  readonly role: string;
  readonly novelty: Novelty;
  /** Stable across runs and statement order: rule, role, address and subjects. */
  readonly fingerprint: string;
  readonly waived?: { readonly reason: string; readonly expires: string; readonly source: string };
}

/** Every rule, its severity, family and meaning. */
export const RULES = {
  "wildcard-principal": {
    severity: "error", family: "trust",
    summary: "the trust policy lets `*` (anyone), or everyone but a NotPrincipal list, assume the role",
  },
  "unexpected-trust-principal": {
    severity: "error", family: "trust",
    summary: "a service role's trust policy also lets another principal (an account, an AWS principal, a federated one, another service) assume it",
  },
  "cross-account-trust": {
    severity: "warning", family: "trust",
    summary: "another account may assume the role without an sts:ExternalId or organisation (aws:PrincipalOrgID, aws:PrincipalOrgPaths) condition",
  },
  "oidc-trust-unguarded": {
    severity: "error", family: "federation",
    summary: "an OIDC provider's tokens may assume the role without conditions on the provider's `aud` and `sub` keys, or with a `sub` wildcard such as `repo:*`",
  },
  "saml-trust-without-audience": {
    severity: "warning", family: "federation",
    summary: "a SAML provider's users may assume the role without a `SAML:aud` condition",
  },
  "cognito-trust-without-audience": {
    severity: "error", family: "federation",
    summary: "identities of any Amazon Cognito identity pool may assume the role: no `cognito-identity.amazonaws.com:aud` condition",
  },
  "service-trust-without-source": {
    severity: "warning", family: "confused-deputy",
    summary: "a service that acts for other accounts' resources (docs/confused-deputy.md) may assume the role without an aws:SourceAccount or aws:SourceArn condition",
  },
  "foreign-source-account": {
    severity: "error", family: "confused-deputy",
    summary: "the trust policy lets a service assume the role for another account than the role's (aws:SourceAccount, aws:SourceArn)",
  },
  "all-actions": { severity: "error", family: "permissions", summary: "a statement allows every action (`*`, or NotAction)" },
  "service-wildcard": { severity: "warning", family: "permissions", summary: "a statement allows every action of a service (`service:*`)" },
  "send-on-any-resource": {
    severity: "warning", family: "permissions",
    summary: "an SES send action is allowed on Resource `*` (every identity of every account)",
  },
  "unreadable-policy": { severity: "warning", family: "permissions", summary: "a planned policy document is not a valid IAM policy" },
  "pinpoint-beyond-sending": {
    severity: "error", family: "pinpoint",
    summary: "a Pinpoint sending role may do more than ses:SendEmail and ses:SendRawEmail on SES identities and configuration sets",
  },
  "foreign-resource": {
    severity: "error", family: "pinpoint",
    summary: "a Pinpoint sending role may send through SES identities or configuration sets of another account or partition than the role's",
  },
  "not-reviewable": {
    severity: "warning", family: "visibility",
    summary: "a source of the role's permissions cannot be read from the plan (known only after apply, or a policy that is not in the plan)",
  },
  "role-replaced": {
    severity: "error", family: "change",
    summary: "the role is replaced: Pinpoint and anything else holding its ARN or id breaks until updated",
  },
  "simulation-mismatch": {
    severity: "error", family: "simulation",
    summary: "the simulated verdict of a Pinpoint sending role differs from what the role must allow",
  },
  "waiver-expired": {
    severity: "error", family: "waivers",
    summary: "a waiver's expiry date has passed: the finding it waived counts again until the waiver is renewed or removed",
  },
  "waiver-unmatched": { severity: "warning", family: "waivers", summary: "a waiver matches no finding of this plan (stale, or a typo)" },
  "waiver-invalid": { severity: "warning", family: "waivers", summary: "a waiver tag on a role is not `YYYY-MM-DD reason`, or names no rule" },
} as const satisfies { [rule: string]: { severity: Severity; family: string; summary: string } };

export type RuleId = keyof typeof RULES;

export const RULE_IDS = Object.keys(RULES) as RuleId[];

export function isRuleId(value: string): value is RuleId {
  return Object.prototype.hasOwnProperty.call(RULES, value);
}

export function finding(rule: RuleId, address: string, message: string, evidence: string, subjects: readonly string[] = []): Finding {
  return { rule, severity: RULES[rule].severity, address, message, evidence, subjects: [...new Set(subjects)].sort() };
}

/** A hex digest of what identifies a finding from one plan to the next. */
export function fingerprintOf(item: Pick<Finding, "rule" | "address" | "subjects">, role: string): string {
  return createHash("sha256").update(JSON.stringify([item.rule, role, item.address, item.subjects])).digest("hex").slice(0, 32);
}

/** Whether a finding is at least as severe as `threshold`. */
export function atLeast(item: Pick<Finding, "severity">, threshold: Severity): boolean {
  return threshold === "warning" || item.severity === "error";
}

/** Whether any finding is at least as severe as `threshold`. */
export function reachesThreshold(findings: readonly Pick<Finding, "severity">[], threshold: Severity): boolean {
  return findings.some((item) => atLeast(item, threshold));
}
