/**
 * Reads IAM policy documents in every shape Terraform and people write them
 * (a JSON string or an object; `Statement` as one object or an array; each
 * element as a string or a list) into one normalized form, and prints
 * statements as short readable lines.
 */

/** Principals of a statement: `*`, or a list per kind (`AWS`, `Service`, `Federated`, ...). */
export type Principals = "*" | { readonly [kind: string]: readonly string[] };

/** One condition test: `StringEquals aws:SourceAccount = 123456789012`. */
export interface ConditionTest {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

/** A statement with every element normalized to lists. */
export interface Statement {
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  readonly principal?: Principals;
  readonly notPrincipal?: Principals;
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
  readonly resource?: readonly string[];
  readonly notResource?: readonly string[];
  readonly conditions: readonly ConditionTest[];
}

/** A readable policy: its normalized statements and the parsed JSON object for simulation. */
export interface Policy {
  readonly statements: readonly Statement[];
  readonly json: { readonly [key: string]: unknown };
}

const STATEMENT_ELEMENTS = new Set([
  "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition",
]);

/** Thrown for a document that is not an IAM policy; the message says what is wrong. */
export class PolicyFormatError extends Error {}

/** `text` parsed as JSON, or what `refuse` makes of `not JSON (the parser's message)`. */
export function parseJson(text: string, refuse: (problem: string) => Error): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw refuse(`not JSON (${(error as Error).message})`);
  }
}

/** Whether a JSON value is an object (not null, not an array). */
export function isObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function list(value: unknown, element: string): string[] {
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0 || !items.every((item) => typeof item === "string")) {
    throw new PolicyFormatError(`${element} must be a string or a list of strings, not ${JSON.stringify(value)}`);
  }
  return items as string[];
}

function principals(value: unknown, element: string): Principals {
  if (value === "*") return "*";
  if (!isObject(value)) {
    throw new PolicyFormatError(`${element} must be "*" or an object like {"Service": "..."}, not ${JSON.stringify(value)}`);
  }
  return Object.fromEntries(Object.entries(value).map(([kind, ids]) => [kind, list(ids, `${element}.${kind}`)]));
}

function conditions(value: unknown): ConditionTest[] {
  if (value === undefined) return [];
  if (!isObject(value)) throw new PolicyFormatError(`Condition must be an object, not ${JSON.stringify(value)}`);
  return Object.entries(value).flatMap(([operator, tests]) => {
    if (!isObject(tests)) throw new PolicyFormatError(`Condition.${operator} must be an object of keys and values`);
    return Object.entries(tests).map(([key, values]) => ({ operator, key, values: [values].flat().map(String) }));
  });
}

function statement(element: unknown, index: number): Statement {
  if (!isObject(element)) throw new PolicyFormatError(`statement ${index + 1} is not an object`);
  const unknown = Object.keys(element).filter((key) => !STATEMENT_ELEMENTS.has(key));
  if (unknown.length > 0) throw new PolicyFormatError(`statement ${index + 1} has unknown element ${unknown.join(", ")}`);
  if (element.Effect !== "Allow" && element.Effect !== "Deny") {
    throw new PolicyFormatError(`statement ${index + 1} has Effect ${JSON.stringify(element.Effect)}; expected "Allow" or "Deny"`);
  }
  if ((element.Action === undefined) === (element.NotAction === undefined)) {
    throw new PolicyFormatError(`statement ${index + 1} needs exactly one of Action and NotAction`);
  }
  const optional = <T>(key: string, read: (value: unknown, name: string) => T): T | undefined =>
    element[key] === undefined ? undefined : read(element[key], key);
  return {
    sid: typeof element.Sid === "string" ? element.Sid : undefined,
    effect: element.Effect,
    principal: optional("Principal", principals),
    notPrincipal: optional("NotPrincipal", principals),
    action: optional("Action", list),
    notAction: optional("NotAction", list),
    resource: optional("Resource", list),
    notResource: optional("NotResource", list),
    conditions: conditions(element.Condition),
  };
}

/**
 * Parses a policy given as JSON text (as in Terraform attributes) or as an
 * object. Throws PolicyFormatError naming what is wrong.
 */
export function parsePolicy(document: unknown): Policy {
  const json = typeof document === "string" ? parseJson(document, (problem) => new PolicyFormatError(problem)) : document;
  if (!isObject(json)) throw new PolicyFormatError("a policy must be a JSON object with a Statement");
  if (json.Statement === undefined) throw new PolicyFormatError("the policy has no Statement");
  return { statements: [json.Statement].flat().map(statement), json };
}

/**
 * Compiled patterns by key: a review of many roles tests the same patterns against hundreds of actions and
 * resources. Bounded, since ARN patterns name each role's own resources and a plan of many roles brings many.
 */
const compiledPatterns = new Map<string, RegExp>();

export function compiledPattern(key: string, compile: () => RegExp): RegExp {
  let regex = compiledPatterns.get(key);
  if (!regex) {
    if (compiledPatterns.size >= 10_000) compiledPatterns.clear();
    regex = compile();
    compiledPatterns.set(key, regex);
  }
  return regex;
}

/** Whether an IAM action pattern (with `*` and `?`) matches an action, case-insensitively as IAM does. */
function actionMatches(pattern: string, action: string): boolean {
  return compiledPattern(`action ${pattern}`, () =>
    new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i")).test(action);
}

/** Whether a statement applies to `action` (through Action, or through NotAction leaving it out). */
export function statementCovers(statement: Statement, action: string): boolean {
  if (statement.action) return statement.action.some((pattern) => actionMatches(pattern, action));
  return !(statement.notAction ?? []).some((pattern) => actionMatches(pattern, action));
}

/** The principals a statement names, by kind; none for `*` or no Principal. */
export function namedPrincipals(statement: Statement): { readonly [kind: string]: readonly string[] } {
  return statement.principal === undefined || statement.principal === "*" ? {} : statement.principal;
}

/** The account a value names: 12 digits, or the account field of an ARN. */
export function accountOf(value: string): string | undefined {
  const account = value.startsWith("arn:") ? value.split(":")[4] : value;
  return /^\d{12}$/.test(account ?? "") ? account : undefined;
}

/** The service principals a statement names (`pinpoint.amazonaws.com`, ...). */
export function servicePrincipals(statement: Statement): readonly string[] {
  return namedPrincipals(statement).Service ?? [];
}

/** How a value is quoted: as Markdown inline code in tables, as-is in plain text. */
type Quote = (text: string) => string;
export const plain: Quote = (text) => text;

function principalText(principals: Principals, quote: Quote = code): string {
  if (principals === "*") return `${quote("*")} (anyone)`;
  return Object.entries(principals).map(([kind, ids]) => `${kind} ${ids.map(quote).join(", ")}`).join("; ");
}

export function conditionText(conditions: readonly ConditionTest[], quote: Quote = code): string {
  return conditions.map((test) => `${test.operator} ${quote(test.key)} = ${test.values.map(quote).join(" or ")}`)
    .join(" and ");
}

/** `Action` as text, or `every action except …` for NotAction. */
export function actionText(statement: Statement, quote: Quote = code): string {
  return statement.action
    ? statement.action.map(quote).join(", ")
    : `every action except ${(statement.notAction ?? []).map(quote).join(", ")}`;
}

/** `Resource` as text, `every resource except …` for NotResource, or nothing for a trust policy. */
export function resourceText(statement: Statement, quote: Quote = code): string {
  if (statement.resource) return statement.resource.map(quote).join(", ");
  if (statement.notResource) return `every resource except ${statement.notResource.map(quote).join(", ")}`;
  return "";
}

/** `Principal` as text, `anyone except …` for NotPrincipal, or nothing for an identity policy. */
export function whoText(statement: Statement, quote: Quote = code): string {
  if (statement.principal) return principalText(statement.principal, quote);
  if (statement.notPrincipal) return `anyone except ${principalText(statement.notPrincipal, quote)}`;
  return "";
}

/** One plain-text line for a statement, as a reviewer reads it. */
export function statementLine(statement: Statement): string {
  const who = whoText(statement, plain);
  const what = resourceText(statement, plain);
  const when = conditionText(statement.conditions, plain);
  return [statement.effect, who && `to ${who}`, actionText(statement, plain), what && `on ${what}`, when && `when ${when}`,
    statement.sid && `(Sid ${statement.sid})`].filter(Boolean).join(" ");
}

/** Inline code in Markdown; a value with a backtick or a pipe is still safe in a table cell. */
export function code(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\|/g, "\\|")}\``;
}
