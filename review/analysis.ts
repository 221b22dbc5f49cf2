/**
 * Requests of the case table decided from the documents alone, without the simulator: those whose verdict no
 * evaluation detail could change. A test (__tests__/review/static-decisions.test.ts) runs every case on varied
 * documents both ways and requires the same verdict and reason, request by request.
 *
 * - Denied: no Allow statement could apply (loosely: a pattern "could match" whenever in doubt), since a
 *   condition, a Deny or a permissions boundary can only take permissions away.
 * - Allowed: an Allow statement applies for certain (no condition but the ones below, a literal or wildcard match)
 *   and nothing could take it away (no Deny that could apply, no boundary, no resource policy, same account);
 *   on the trust side only for a service principal and conditions on aws:SourceAccount and aws:SourceArn.
 * Everything else goes to the simulator. No simulator code here (it is AGPL-3.0 and loaded only when simulating).
 */
import { readDocument } from "./documents";
import { accountOf, Statement, statementCovers } from "./policy";
import type { CaseRequest, RequestOutcome, RoleDocuments } from "./simulation";

/** The statements of a document, or undefined when it is not a valid policy (then the simulator decides). */
export function statementsOf(document: unknown): readonly Statement[] | undefined {
  const read = readDocument(document);
  return read.state === "known" ? read.policy.statements : undefined;
}

export const implicitlyDenied = (request: Pick<CaseRequest, "against">) =>
  request.against === "trust" ? "no trust policy statement allows it" : "no statement of the role's policies allows it";

/**
 * Whether `text` matches a glob (`*` any run of characters, `?` one character), whole-string. Without regular
 * expressions: the patterns name each role's own account and resources, so a review of many roles would compile
 * thousands of expressions it uses once.
 */
export function globMatch(pattern: string, text: string, ignoreCase: boolean): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const t = ignoreCase ? text.toLowerCase() : text;
  if (!p.includes("*") && !p.includes("?")) return p === t;
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (j < t.length) {
    if (i < p.length && (p[i] === "?" || p[i] === t[j])) {
      i++;
      j++;
    } else if (i < p.length && p[i] === "*") {
      star = i++;
      mark = j;
    } else if (star >= 0) {
      i = star + 1;
      j = ++mark;
    } else {
      return false;
    }
  }
  while (i < p.length && p[i] === "*") i++;
  return i === p.length;
}

/** Whether an ARN pattern could match `resource`: loosely, `*`, `?` and `${…}` variables match anything, case-insensitively. */
function resourceMatches(pattern: string, resource: string): boolean {
  return resource === "*" || globMatch(pattern.includes("${") ? pattern.replace(/\$\{[^}]*\}/g, "*") : pattern, resource, true);
}

/** The six fields of an ARN (the last one keeps its colons), or undefined for anything else. */
function arnFields(arn: string): string[] | undefined {
  const fields = arn.split(":");
  return fields.length >= 6 && fields[0] === "arn" ? [...fields.slice(0, 5), fields.slice(5).join(":")] : undefined;
}

/** Whether an ARN pattern matches an ARN for certain, field by field (`caseSensitive`: ArnLike; else as Resource matches). */
function arnMatchesForCertain(pattern: string, arn: string, caseSensitive: boolean): boolean | undefined {
  if (pattern === "*") return true;
  if (pattern.includes("${")) return undefined;
  const wanted = arnFields(pattern);
  const given = arnFields(arn);
  if (!wanted || !given) return undefined;
  return wanted.every((field, index) => globMatch(field, given[index], !caseSensitive));
}

/** Whether an identity-policy statement could allow (or deny) `action` on `resource`. */
function couldApply(statement: Statement, action: string, resource: string): boolean {
  if (!statementCovers(statement, action)) return false;
  if (statement.notResource) return true;
  return (statement.resource ?? []).some((pattern) => resourceMatches(pattern, resource));
}

const couldAllow = (statement: Statement, action: string, resource: string) => statement.effect === "Allow" && couldApply(statement, action, resource);

/** Whether a trust-policy statement could let (or stop) `principal` call `action`. */
function couldTrust(statement: Statement, principal: string, action: string): boolean {
  if (!statementCovers(statement, action)) return false;
  if (statement.notPrincipal || statement.principal === undefined || statement.principal === "*") return true;
  const account = accountOf(principal);
  return Object.entries(statement.principal).some(([kind, ids]) => ids.some((id) => {
    if (id.includes("*") || id.includes("?")) return true;
    if (kind === "Service") return id.toLowerCase() === principal.toLowerCase();
    if (kind === "AWS") return id === principal || (account !== undefined && id.includes(account));
    return false;
  }));
}

interface Parsed {
  readonly trust: readonly Statement[];
  readonly permissions: ReadonlyArray<{ readonly name: string; readonly statements: readonly Statement[] }>;
  readonly all: readonly Statement[];
}

/** The parsed statements of each role's documents, parsed once. */
const parsed = new WeakMap<RoleDocuments, Parsed | undefined>();

function parse(documents: RoleDocuments): Parsed | undefined {
  if (!parsed.has(documents)) {
    const trust = statementsOf(documents.trust);
    const permissions = documents.permissions.map(({ name, document }) => ({ name, statements: statementsOf(document) }));
    parsed.set(documents, trust && permissions.every((policy) => policy.statements)
      ? { trust, permissions: permissions as Parsed["permissions"], all: permissions.flatMap((policy) => policy.statements ?? []) } : undefined);
  }
  return parsed.get(documents);
}

/** How the simulator names a deciding statement. */
const statementName = (statement: Statement, index: number) => statement.sid ? `Sid ${statement.sid}` : `statement ${index + 1}`;

/** A condition on aws:SourceAccount or aws:SourceArn evaluated on the request's context: true, false, or undefined (simulate). */
function conditionHolds(statement: Statement, context: { readonly [key: string]: string }): boolean | undefined {
  const keys = new Map(Object.entries(context).map(([key, value]) => [key.toLowerCase(), value]));
  let holds = true;
  for (const test of statement.conditions) {
    const key = test.key.toLowerCase();
    const operator = test.operator.toLowerCase();
    if (key !== "aws:sourceaccount" && key !== "aws:sourcearn") return undefined;
    const value = keys.get(key);
    if (!["stringequals", "stringlike", "arnequals", "arnlike"].includes(operator)) return undefined;
    if (value === undefined) {
      holds = false;
      continue;
    }
    const matches = test.values.map((wanted) => operator === "stringequals" ? wanted === value
      : operator === "stringlike" ? globMatch(wanted, value, false) : arnMatchesForCertain(wanted, value, true));
    if (matches.some((match) => match === undefined)) return undefined;
    if (!matches.includes(true)) holds = false;
  }
  return holds;
}

/** A trust request of a service principal, decided for certain, or undefined. */
function decideTrust(request: CaseRequest, statements: Parsed): RequestOutcome | undefined {
  if (request.callerPolicies !== undefined || !/\.amazonaws\.com(\.cn)?$/.test(request.principal)) return undefined;
  if (statements.trust.some((statement) => statement.effect === "Deny" && couldTrust(statement, request.principal, request.action))) return undefined;
  const allowing: string[] = [];
  for (const [index, statement] of statements.trust.entries()) {
    if (statement.effect !== "Allow" || !couldTrust(statement, request.principal, request.action)) continue;
    const principals = statement.principal !== undefined && statement.principal !== "*" && !statement.notPrincipal
      ? Object.entries(statement.principal) : undefined;
    if (!principals || principals.some(([kind]) => kind !== "Service")) return undefined;
    if (!principals.some(([, ids]) => ids.some((id) => id.toLowerCase() === request.principal.toLowerCase()))) return undefined;
    const holds = conditionHolds(statement, request.context ?? {});
    if (holds === undefined) return undefined;
    if (holds) allowing.push(`the trust policy, ${statementName(statement, index)}`);
  }
  const where = { action: request.action, resource: request.resource };
  return allowing.length > 0 ? { ...where, verdict: "Allowed", reason: `allowed by ${[...new Set(allowing)].join("; ")}` }
    : { ...where, verdict: "Denied", reason: implicitlyDenied(request) };
}

/** A request of the role's own permissions allowed for certain, or undefined. */
function decideAllowed(request: CaseRequest, statements: Parsed, documents: RoleDocuments): RequestOutcome | undefined {
  const callerAccount = request.principal.split(":")[4];
  if (documents.boundary !== undefined || request.resourcePolicy !== undefined || request.resourceAccount !== callerAccount ||
    request.resource === "*" || statements.all.some((statement) => statement.effect === "Deny" && couldApply(statement, request.action, request.resource))) {
    return undefined;
  }
  const allowing: string[] = [];
  for (const { name, statements: policyStatements } of statements.permissions) {
    for (const [index, statement] of policyStatements.entries()) {
      if (!couldAllow(statement, request.action, request.resource)) continue;
      if (statement.conditions.length > 0 || !statement.resource) return undefined;
      const matches = statement.resource.map((pattern) => arnMatchesForCertain(pattern, request.resource, false));
      if (!matches.includes(true)) return undefined;
      allowing.push(`policy ${name}, ${statementName(statement, index)}`);
    }
  }
  return allowing.length === 0 ? undefined
    : { action: request.action, resource: request.resource, verdict: "Allowed", reason: `allowed by ${[...new Set(allowing)].join("; ")}` };
}

/** A request decided from the documents alone (see the top of this file), or undefined for the simulator. */
export function decidedByAnalysis(request: CaseRequest, documents: RoleDocuments): RequestOutcome | undefined {
  const statements = parse(documents);
  if (statements === undefined) return undefined;
  const denied: RequestOutcome = { action: request.action, resource: request.resource, verdict: "Denied", reason: implicitlyDenied(request) };
  if (request.against === "trust") {
    return statements.trust.some((statement) => statement.effect === "Allow" && couldTrust(statement, request.principal, request.action))
      ? decideTrust(request, statements) : denied;
  }
  // A resource policy that names only the caller's whole account (`arn:…:root` or 12 digits) leaves the
  // decision to the caller's identity policies; any other of the same account could grant it alone.
  const callerAccount = request.principal.split(":")[4];
  const delegates = (resourcePolicy: unknown) => statementsOf(resourcePolicy)?.every((statement) =>
    statement.principal !== undefined && statement.principal !== "*" && !statement.notPrincipal &&
    Object.entries(statement.principal).every(([kind, ids]) => kind === "AWS" &&
      ids.every((id) => id === callerAccount || id.endsWith(`:iam::${callerAccount}:root`)))) ?? false;
  if (request.resourcePolicy !== undefined && request.resourceAccount === callerAccount && !delegates(request.resourcePolicy)) return undefined;
  return statements.all.some((statement) => couldAllow(statement, request.action, request.resource))
    ? decideAllowed(request, statements, documents) : denied;
}

/**
 * Whether no Allow statement could apply to any of `actions` (every action of a service but some): then each of
 * them is implicitly denied, without expanding them into requests. Undefined when NotAction makes it a question
 * for each action. Cached by the statements' action patterns, which many roles share.
 */
const noneCovered = new Map<string, boolean>();

export function deniesAll(documents: RoleDocuments, actions: readonly string[], key: string): boolean | undefined {
  const statements = parse(documents);
  if (statements === undefined) return undefined;
  const allows = statements.all.filter((statement) => statement.effect === "Allow");
  if (allows.some((statement) => statement.notAction)) return undefined;
  const patterns = [...new Set(allows.flatMap((statement) => statement.action ?? []).map((pattern) => pattern.toLowerCase()))].sort();
  const cacheKey = `${key} ${patterns.join(" ")}`;
  let answer = noneCovered.get(cacheKey);
  if (answer === undefined) {
    const probe: Statement = { effect: "Allow", action: patterns, conditions: [] };
    answer = !actions.some((action) => statementCovers(probe, action));
    if (noneCovered.size > 10_000) noneCovered.clear();
    noneCovered.set(cacheKey, answer);
  }
  return answer;
}
