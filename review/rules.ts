/**
 * Every rule but the simulation's, for one role as it will be after the plan (the rule table is in findings.ts):
 * who may assume the role, what its policies allow, and the fixed intent of Pinpoint sending roles.
 */
import { PINPOINT_SERVICE_PRINCIPAL, SES_SEND_ACTIONS } from "../modules/policy-documents";
import { allowStatements, DocumentState, evidence } from "./documents";
import { Finding, finding } from "./findings";
import { accountOf, actionText, ConditionTest, namedPrincipals, plain, servicePrincipals, statementCovers } from "./policy";
import type { RoleReview } from "./roles";

/** Only operators that compare with a concrete value; `…IfExists` lets a request without the key through. */
const PINNING_OPERATORS = new Set(["stringequals", "stringlike", "arnequals", "arnlike"]);
const GUARD_KEYS = new Set(["sts:externalid", "aws:principalorgid", "aws:principalorgpaths"]);

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

/**
 * Who may assume the role: anyone (`*`), principals a service role should not have, another account without
 * a guard, and a service trusted without a condition that pins the account it acts for (confused deputy).
 */
function trustFindings(role: RoleReview, pinpoint: boolean): Finding[] {
  const statements = allowStatements(role.trust.after);
  const account = role.facts.account;
  const services = new Set(statements.flatMap(([statement]) => servicePrincipals(statement)));
  const expected = pinpoint ? new Set([PINPOINT_SERVICE_PRINCIPAL]) : services;
  return statements.flatMap(([statement, index]) => {
    const where = evidence("trust policy", statement, index);
    const principals = namedPrincipals(statement);
    const anyone = statement.principal === "*" || Object.values(principals).some((ids) => ids.includes("*"));
    const assumes = ASSUME_ACTIONS.some((action) => statementCovers(statement, action));
    const named = servicePrincipals(statement);
    // Principals other than service principals, as `AWS arn:…`, plus services outside `expected`.
    const others = Object.entries(principals).flatMap(([kind, ids]) => ids
      .filter((id) => id !== "*" && !(kind === "Service" && expected.has(id))).map((id) => `${kind} ${id}`));
    const foreign = [...new Set((principals.AWS ?? [])
      .map(accountOf).filter((id): id is string => id !== undefined && account !== undefined && id !== account))];
    const guarded = statement.conditions.some((test) => GUARD_KEYS.has(test.key.toLowerCase()) &&
      PINNING_OPERATORS.has(test.operator.toLowerCase()) && test.values.every((value) => value !== "*"));
    return [
      (anyone || statement.notPrincipal) && finding("wildcard-principal", role.address,
        statement.notPrincipal ? "the trust policy allows everyone except its NotPrincipal list to assume the role"
          : "the trust policy allows any principal (`*`) to assume the role", where),
      named.length > 0 && assumes && !statement.conditions.some((test) => pinsSourceAccount(test, account)) &&
        finding("service-trust-without-source", role.address,
          `${named.join(", ")} may assume the role on behalf of any account: no StringEquals, ArnEquals or ArnLike ` +
          `condition on aws:SourceAccount or aws:SourceArn names ${account ? `account ${account}` : "the account"}`, where),
      services.size > 0 && others.length > 0 && assumes && finding("unexpected-trust-principal", role.address,
        `the ${pinpoint ? "Pinpoint sending" : "service"} role may also be assumed by ${others.join(", ")}`, where),
      foreign.length > 0 && assumes && !guarded && finding("cross-account-trust", role.address,
        `account${foreign.length > 1 ? "s" : ""} ${foreign.join(", ")} may assume the role without an sts:ExternalId, ` +
        "aws:PrincipalOrgID or aws:PrincipalOrgPaths condition", where),
    ].filter((item): item is Finding => Boolean(item));
  });
}

/**
 * What a broad AWS managed policy grants, as the rule that judges it and a sentence: AdministratorAccess,
 * PowerUserAccess, and every `*FullAccess` policy (IAMFullAccess among them).
 */
function awsManagedBreadth(name: string): { readonly rule: "all-actions" | "service-wildcard"; readonly grants: string } | undefined {
  if (name === "AdministratorAccess") return { rule: "all-actions", grants: "every action on every resource" };
  if (name === "PowerUserAccess") {
    return { rule: "all-actions", grants: "every action except most of IAM, Organizations and Account management" };
  }
  if (/FullAccess$/.test(name)) return { rule: "service-wildcard", grants: "every action of the services it is named after" };
  return undefined;
}

const SEND_ACTIONS = new Set(SES_SEND_ACTIONS.map((action) => action.toLowerCase()));

/** Whether an ARN is an SES identity or configuration set of `account` (any Region) in `partition`. */
function isOwnSesArn(arn: string, partition: string | undefined, account: string | undefined): boolean {
  const match = /^arn:([^:*?]+):ses:[^:]*:(\d{12}):(identity|configuration-set)\/.+$/.exec(arn);
  return match !== null && (partition === undefined || match[1] === partition) && (account === undefined || match[2] === account);
}

/**
 * A Pinpoint sending role is held to a fixed intent, not to its own documents: ses:SendEmail and
 * ses:SendRawEmail on SES identity and configuration-set ARNs of its own account, and nothing else, from every
 * permission source (AWS managed policies included, every one of which grants more).
 */
function pinpointFindings(role: RoleReview): Finding[] {
  const { partition, account } = role.facts;
  const fromPolicies = role.policies.flatMap((policy) => allowStatements(policy.after).flatMap(([statement, index]) => {
    const actions = statement.action?.filter((action) => !SEND_ACTIONS.has(action.toLowerCase())) ?? [];
    const resources = (statement.resource ?? []).filter((arn) => !isOwnSesArn(arn, partition, account));
    const problems = [
      statement.notAction && `allows ${actionText(statement, plain)}`,
      actions.length > 0 && `allows ${actions.join(", ")}`,
      statement.notResource && "applies to every resource outside a NotResource list",
      resources.length > 0 && `applies to ${resources.join(", ")}, not an SES identity or configuration set of ` +
        `${account ? `account ${account}` : "the role's account"}`,
    ].filter(Boolean);
    return problems.length === 0 ? [] : [finding("pinpoint-beyond-sending", policy.address,
      `the Pinpoint sending role's policy ${policy.name} ${problems.join("; ")}`, evidence(`policy ${policy.name}`, statement, index))];
  }));
  return [...fromPolicies, ...role.awsManagedPolicies.map((managed) => finding("pinpoint-beyond-sending", managed.attachedBy,
    `the Pinpoint sending role gets AWS managed policy ${managed.name}, which allows ` +
    (awsManagedBreadth(managed.name)?.grants ?? "more than sending email from the account's SES identities"), `attached: ${managed.arn}`))];
}

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
  return allowStatements(document).flatMap(([statement, index]) => {
    const where = evidence(label, statement, index);
    const services = (statement.action ?? []).filter((action) => /^[a-z0-9-]+:\*$/i.test(action));
    const sends = SES_SEND_ACTIONS.filter((action) => statementCovers(statement, action));
    return [
      (statement.notAction || statement.action?.includes("*")) && finding("all-actions", address, statement.notAction
        ? "a statement allows every action except those in its NotAction list"
        : "a statement allows every action (`*`)", where),
      services.length > 0 && finding("service-wildcard", address,
        `a statement allows every action of ${services.map((action) => action.split(":")[0]).join(", ")}`, where),
      sends.length > 0 && (statement.notResource || statement.resource?.includes("*")) && finding("send-on-any-resource", address,
        `${sends.join(" and ")} ${sends.length > 1 ? "are" : "is"} allowed on ` +
        (statement.notResource ? "every resource outside a NotResource list" : "Resource `*`"), where),
    ].filter((item): item is Finding => Boolean(item));
  });
}

/** Every rule but the simulation's, for one role (`pinpoint`: a Pinpoint sending role) and its policies as they will be after the plan. */
export function roleFindings(role: RoleReview, pinpoint: boolean): Finding[] {
  if (role.change === "delete" || role.change === "forget") return [];
  const found = [...trustFindings(role, pinpoint)];
  if (role.trust.after.state === "unreadable") {
    found.push(finding("unreadable-policy", role.address, "the planned trust policy is not a valid IAM policy", role.trust.after.problem));
  }
  if (role.inPlan && role.trust.after.state === "unknown") {
    found.push(finding("not-reviewable", role.address, "the trust policy is known only after apply: who may assume the role is not seen",
      "assume_role_policy is (known after apply)"));
  }
  found.push(...role.policies.flatMap((policy) => permissionFindings(policy.address, `policy ${policy.name}`, policy.after)));
  found.push(...role.awsManagedPolicies.flatMap((managed) => {
    const breadth = awsManagedBreadth(managed.name);
    return breadth ? [finding(breadth.rule, managed.attachedBy, `AWS managed policy ${managed.name} allows ${breadth.grants}`,
      `attached: ${managed.arn}`)] : [];
  }));
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
