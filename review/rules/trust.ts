/**
 * Trust rules: who may assume the role, by every way to assume it (sts:AssumeRole, AssumeRoleWithWebIdentity,
 * AssumeRoleWithSAML, TagSession, SetSourceIdentity, SetContext, and the wildcards that cover them).
 */
import { allowStatements, evidence } from "../documents";
import { Finding, finding } from "../findings";
import { accountOf, namedPrincipals, servicePrincipals, Statement, statementCovers } from "../policy";
import type { RoleReview } from "../roles";
import { isPinpointSendingRole, PINPOINT_SERVICE_PRINCIPAL } from "./pinpoint-role";

/** Every STS action that assumes a role or acts within assuming it; `sts:*`, `sts:Assume*` and `*` cover them. */
export const ASSUME_ACTIONS = [
  "sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML", "sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext",
];

/** Operators that compare with a concrete value; `…IfExists` and ForAllValues let a request without the key through. */
export const PINNING_OPERATORS = new Set(["stringequals", "stringlike", "arnequals", "arnlike", "foranyvalue:stringequals", "foranyvalue:stringlike"]);

/** Whether a statement's condition pins `key` to values none of which is a bare `*`. */
export function pins(statement: Statement, key: string): boolean {
  return statement.conditions.some((test) => test.key.toLowerCase() === key && PINNING_OPERATORS.has(test.operator.toLowerCase()) &&
    test.values.length > 0 && test.values.every((value) => value !== "*"));
}

export function assumes(statement: Statement): boolean {
  return ASSUME_ACTIONS.some((action) => statementCovers(statement, action));
}

/** The Allow statements of the trust policy after the plan that let someone assume the role, each with its index. */
export function trustStatements(role: RoleReview): Array<[Statement, number]> {
  return allowStatements(role.trust.after).filter(([statement]) => assumes(statement));
}

export const trustEvidence = (statement: Statement, index: number) => evidence("trust policy", statement, index);

const GUARD_KEYS = ["sts:externalid", "aws:principalorgid", "aws:principalorgpaths"];

export function wildcardPrincipal(role: RoleReview): Finding[] {
  return trustStatements(role).flatMap(([statement, index]) => {
    const anyone = statement.principal === "*" || Object.values(namedPrincipals(statement)).some((ids) => ids.includes("*"));
    if (!anyone && !statement.notPrincipal) return [];
    return [finding("wildcard-principal", role.address, statement.notPrincipal
      ? "the trust policy allows everyone except its NotPrincipal list to assume the role"
      : "the trust policy allows any principal (`*`) to assume the role", trustEvidence(statement, index), [statement.notPrincipal ? "NotPrincipal" : "*"])];
  });
}

/** On a service role (one that trusts a service), any other principal; on a Pinpoint sending role, anything but Pinpoint. */
export function unexpectedTrustPrincipal(role: RoleReview): Finding[] {
  const services = new Set(allowStatements(role.trust.after).flatMap(([statement]) => servicePrincipals(statement)));
  if (services.size === 0) return [];
  const pinpoint = isPinpointSendingRole(role);
  const expected = pinpoint ? new Set([PINPOINT_SERVICE_PRINCIPAL]) : services;
  return trustStatements(role).flatMap(([statement, index]) => {
    const others = Object.entries(namedPrincipals(statement)).flatMap(([kind, ids]) => ids
      .filter((id) => id !== "*" && !(kind === "Service" && expected.has(id))).map((id) => `${kind} ${id}`));
    return others.length === 0 ? [] : [finding("unexpected-trust-principal", role.address,
      `the ${pinpoint ? "Pinpoint sending" : "service"} role may also be assumed by ${others.join(", ")}`, trustEvidence(statement, index), others)];
  });
}

/** Another account named as an AWS principal, without an external id or organisation condition. */
export function crossAccountTrust(role: RoleReview): Finding[] {
  const account = role.facts.account;
  if (account === undefined) return [];
  return trustStatements(role).flatMap(([statement, index]) => {
    const foreign = [...new Set((namedPrincipals(statement).AWS ?? []).map(accountOf)
      .filter((id): id is string => id !== undefined && id !== account))];
    if (foreign.length === 0 || GUARD_KEYS.some((key) => pins(statement, key))) return [];
    return [finding("cross-account-trust", role.address, `account${foreign.length > 1 ? "s" : ""} ${foreign.join(", ")} may assume the role ` +
      "without an sts:ExternalId, aws:PrincipalOrgID or aws:PrincipalOrgPaths condition", trustEvidence(statement, index), foreign)];
  });
}
