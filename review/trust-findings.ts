/**
 * Rules on who may assume a role: anyone (`*`), principals a service role
 * should not have, another account without a guard, and a service trusted
 * without a condition that pins the account it acts for (confused deputy).
 */
import { PINPOINT_SERVICE_PRINCIPAL } from "../modules/policy-documents";
import { allowStatements, evidence } from "./documents";
import { Finding, finding } from "./findings";
import { ConditionTest, namedPrincipals, servicePrincipals, statementCovers } from "./policy";
import type { RoleReview } from "./roles";

const ACCOUNT_ID = /^\d{12}$/;
/** Only operators that compare with a concrete value; `…IfExists` lets a request without the key through. */
const PINNING_OPERATORS = new Set(["stringequals", "stringlike", "arnequals", "arnlike"]);
const GUARD_KEYS = new Set(["sts:externalid", "aws:principalorgid", "aws:principalorgpaths"]);

/** The account a value names: 12 digits, or the account field of an ARN. */
function accountOf(value: string): string | undefined {
  if (ACCOUNT_ID.test(value)) return value;
  const account = value.split(":")[4];
  return account !== undefined && ACCOUNT_ID.test(account) && value.startsWith("arn:") ? account : undefined;
}

/**
 * Whether a condition pins the account a service acts for: StringEquals,
 * StringLike (without wildcards), ArnEquals or ArnLike on aws:SourceAccount or
 * aws:SourceArn, every value naming the role's account by its 12 digits.
 */
function pinsSourceAccount(test: ConditionTest, account: string | undefined): boolean {
  const operator = test.operator.toLowerCase();
  const key = test.key.toLowerCase();
  if (!PINNING_OPERATORS.has(operator) || test.values.length === 0) return false;
  const names = (value: string) => {
    const named = accountOf(value);
    return named !== undefined && (account === undefined || named === account);
  };
  if (key === "aws:sourceaccount") return test.values.every((value) => names(value) && (operator !== "stringlike" || !/[*?]/.test(value)));
  if (key === "aws:sourcearn") return test.values.every(names);
  return false;
}

const ASSUME_ACTIONS = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"];

export function trustFindings(role: RoleReview, pinpoint: boolean): Finding[] {
  const statements = allowStatements(role.trust.after);
  const account = role.facts.account;
  const services = new Set(statements.flatMap(([statement]) => servicePrincipals(statement)));
  const serviceRole = services.size > 0;
  const expected = pinpoint ? new Set([PINPOINT_SERVICE_PRINCIPAL]) : services;
  return statements.flatMap(([statement, index]): Finding[] => {
    const found: Finding[] = [];
    const where = evidence("trust policy", statement, index);
    const principals = namedPrincipals(statement);
    const anyone = statement.principal === "*" || Object.values(principals).some((ids) => ids.includes("*"));
    if (anyone || statement.notPrincipal) {
      found.push(finding("wildcard-principal", role.address,
        statement.notPrincipal ? "the trust policy allows everyone except its NotPrincipal list to assume the role"
          : "the trust policy allows any principal (`*`) to assume the role", where));
    }
    const assumes = ASSUME_ACTIONS.some((action) => statementCovers(statement, action));
    const named = servicePrincipals(statement);
    if (named.length > 0 && assumes && !statement.conditions.some((test) => pinsSourceAccount(test, account))) {
      found.push(finding("service-trust-without-source", role.address,
        `${named.join(", ")} may assume the role on behalf of any account: no StringEquals, ArnEquals or ArnLike ` +
        `condition on aws:SourceAccount or aws:SourceArn names ${account ? `account ${account}` : "the account"}`, where));
    }
    // Principals other than service principals, as `AWS arn:…`, plus services outside `expected`.
    const others = Object.entries(principals).flatMap(([kind, ids]) => ids
      .filter((id) => id !== "*" && !(kind === "Service" && expected.has(id))).map((id) => `${kind} ${id}`));
    if (serviceRole && others.length > 0 && assumes) {
      found.push(finding("unexpected-trust-principal", role.address,
        `the ${pinpoint ? "Pinpoint sending" : "service"} role may also be assumed by ${others.join(", ")}`, where));
    }
    const foreign = [...new Set((principals.AWS ?? [])
      .map(accountOf).filter((id): id is string => id !== undefined && account !== undefined && id !== account))];
    const guarded = statement.conditions.some((test) => GUARD_KEYS.has(test.key.toLowerCase()) &&
      PINNING_OPERATORS.has(test.operator.toLowerCase()) && test.values.every((value) => value !== "*"));
    if (foreign.length > 0 && assumes && !guarded) {
      found.push(finding("cross-account-trust", role.address,
        `account${foreign.length > 1 ? "s" : ""} ${foreign.join(", ")} may assume the role without an sts:ExternalId, ` +
        "aws:PrincipalOrgID or aws:PrincipalOrgPaths condition", where));
    }
    return found;
  });
}
