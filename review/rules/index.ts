/**
 * The rule table: each rule the review checks on a role, as a function `(role, index) => Finding[]` that finds
 * only that rule, one file per family beside this one. The simulation's and the waivers' rules are found where the
 * simulation and the waivers are (review.ts, waivers.ts).
 */
import type { Finding, RuleId } from "../findings";
import type { PlanIndex } from "../plan-index";
import type { RoleReview } from "../roles";
import { roleReplaced } from "./change";
import { confusedDeputyNotes, foreignSourceAccount, serviceTrustWithoutSource } from "./confused-deputy";
import { cognitoTrustWithoutAudience, oidcTrustUnguarded, samlTrustWithoutAudience } from "./federation";
import { allActions, sendOnAnyResource, serviceWildcard, unreadablePolicy } from "./permissions";
import { foreignResource, pinpointBeyondSending } from "./pinpoint";
import { crossAccountTrust, unexpectedTrustPrincipal, wildcardPrincipal } from "./trust";
import { notReviewable } from "./visibility";

export type RuleCheck = (role: RoleReview, index: PlanIndex) => Finding[];

/** Rules found outside this table. */
export type OtherRule = "simulation-mismatch" | "waiver-expired" | "waiver-unmatched" | "waiver-invalid";

export const RULE_TABLE: { readonly [rule in Exclude<RuleId, OtherRule>]: RuleCheck } = {
  "wildcard-principal": wildcardPrincipal,
  "unexpected-trust-principal": unexpectedTrustPrincipal,
  "cross-account-trust": crossAccountTrust,
  "oidc-trust-unguarded": oidcTrustUnguarded,
  "saml-trust-without-audience": samlTrustWithoutAudience,
  "cognito-trust-without-audience": cognitoTrustWithoutAudience,
  "service-trust-without-source": serviceTrustWithoutSource,
  "foreign-source-account": foreignSourceAccount,
  "all-actions": allActions,
  "service-wildcard": serviceWildcard,
  "send-on-any-resource": sendOnAnyResource,
  "unreadable-policy": unreadablePolicy,
  "pinpoint-beyond-sending": pinpointBeyondSending,
  "foreign-resource": foreignResource,
  "not-reviewable": notReviewable,
  "role-replaced": roleReplaced,
};

const CHECKS = Object.values(RULE_TABLE);

/** Every rule of the table on one role as it will be after the plan; nothing for a role being deleted. */
export function roleFindings(role: RoleReview, index: PlanIndex): Finding[] {
  if (role.change === "delete" || role.change === "forget") return [];
  return CHECKS.flatMap((check) => check(role, index));
}

/** The rules that need the role's account, and what each does without it. */
const ACCOUNT_RULES = "cross-account-trust, foreign-source-account and foreign-resource were not checked, " +
  "and service-trust-without-source took a condition naming any account as a guard";

/** What the report says beside the findings: why trusted services are no warning, and what could not be checked. */
export function roleNotes(role: RoleReview): string[] {
  if (role.change === "delete" || role.change === "forget") return [];
  return [
    ...confusedDeputyNotes(role),
    ...(role.facts.account === undefined ? [`The plan does not tell the role's account (no ARN in state, data.aws_caller_identity, ` +
      `or provider assume_role or allowed_account_ids; pass --account): ${ACCOUNT_RULES}.`] : []),
    ...role.facts.conflicts.map((conflict) => `The plan also gives ${conflict}; the review took ${role.facts.sources
      .find((source) => source.startsWith(conflict.split(" ")[0]))}.`),
  ];
}
