/**
 * The one schema of the app's inputs: the role options and email channel a
 * deployment may give, the deployments file around them, and the kinds of
 * value the environment and cdktf.json settings take. valibot checks shapes
 * and formats here; the construct still checks the role options' values.
 * Its JSON Schema (`@valibot/to-json-schema`) is `deployments.schema.json`,
 * so editors check a deployments file through its `$schema`.
 */
import * as v from "valibot";
import { PATTERNS } from "../modules/iam-limits";
import { STACK_NAME, STACK_NAME_RULE } from "./config";

/** Terraform Cloud workspace names: letters, digits, `-` and `_`, at most 90. */
export const WORKSPACE_NAME = /^[A-Za-z0-9_-]{1,90}$/;
export const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/([\u0021-\u007E]+\/)*[\w+=,.@-]{1,64}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

const text = v.string();
const list = v.array(v.string());
const map = v.record(v.string(), v.string());
/** An object of exactly these fields (valibot's objects alone would also take an array). */
const object = <E extends v.ObjectEntries>(entries: E) =>
  v.pipe(v.unknown(), v.check((input) => !Array.isArray(input), "must be an object"), v.strictObject(entries));
/** A string that must match `pattern`; `rule` completes `"value" …` in the message. */
const matching = (pattern: RegExp, rule: string) => v.pipe(v.string(), v.regex(pattern, rule));

export const REGION_RULE = "is not an AWS Region name (like us-east-1, us-gov-west-1 or cn-north-1)";

export const EMAIL_CHANNEL = v.pipe(object({
  applicationId: text,
  identity: text,
  fromAddress: text,
  configurationSet: v.optional(text),
  enabled: v.optional(v.boolean()),
}), v.description("The Pinpoint project's email channel, sending through the role"));

export const ROLE_OPTIONS = v.pipe(object({
  roleName: v.optional(text),
  roleNamePrefix: v.optional(text),
  path: v.optional(text),
  description: v.optional(text),
  permissionsBoundaryArn: v.optional(text),
  maxSessionDuration: v.optional(v.number()),
  policyName: v.optional(text),
  sesIdentities: v.optional(list),
  configurationSets: v.optional(list),
  pinpointApplicationIds: v.optional(list),
  tags: v.optional(map),
  emailChannel: v.optional(EMAIL_CHANNEL),
}), v.description("Options of the PinpointSesSendingRole construct (checked by the construct at synth)"));

export const DEPLOYMENT = object({
  name: matching(STACK_NAME, STACK_NAME_RULE),
  region: matching(PATTERNS.region, REGION_RULE),
  assumeRoleArn: v.optional(matching(ROLE_ARN, "is not an IAM role ARN (arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME)")),
  externalId: v.optional(text),
  sessionName: v.optional(matching(SESSION_NAME, "is not an STS session name (2 to 64 of [\\w+=,.@-])")),
  workspace: v.optional(matching(WORKSPACE_NAME, "is not a Terraform Cloud workspace name (1 to 90 of [A-Za-z0-9_-])")),
  options: v.optional(ROLE_OPTIONS),
});

export const DEPLOYMENTS_FILE = v.pipe(object({
  $schema: v.optional(text),
  deployments: v.pipe(v.array(DEPLOYMENT), v.minLength(1, "is empty; list at least one")),
}), v.title("pinpoint-ses-sending-role deployments file"), v.description("One stack per account and Region"));

export type RoleOptionsInput = v.InferOutput<typeof ROLE_OPTIONS>;
export type DeploymentInput = v.InferOutput<typeof DEPLOYMENT>;

/** The kinds of value a setting takes, and what a wrong one is told it should be. */
export const SETTING_KINDS = {
  text: { schema: text, expected: "a string" },
  list: { schema: list, expected: "an array of strings" },
  map: { schema: map, expected: "an object of string values" },
} as const;
export type SettingKind = keyof typeof SETTING_KINDS;

/** Whether `value` is of the setting kind's shape. */
export const isOfKind = (kind: SettingKind, value: unknown): boolean => v.is(SETTING_KINDS[kind].schema, value);

/** What a wrong type is told, for each kind of schema, in our words. */
const TYPE_RULES: { readonly [type: string]: string } = {
  string: "must be a string",
  number: "must be a number",
  boolean: "must be true or false",
  array: "must be an array of strings",
  record: "must be an object of strings",
  strict_object: "must be an object",
};

type AnySchema = v.GenericSchema;

/** A schema without its optional wrapper and pipe: the kind of value it takes. */
function bare(schema: AnySchema): AnySchema {
  let current: any = schema;
  for (;;) {
    if (current?.type === "optional") current = current.wrapped;
    // A pipe is a schema too; what it finally takes is its last schema.
    else if (current?.pipe) current = current.pipe.findLast((item: any) => item.kind === "schema" && item !== current);
    else return current;
  }
}

/** The schema at `path`, and the path cut where a list or map begins (its elements are reported as the whole). */
function fieldAt(schema: AnySchema, path: readonly PropertyKey[]): { schema: AnySchema | undefined; path: PropertyKey[] } {
  let current: any = bare(schema);
  const walked: PropertyKey[] = [];
  for (const key of path) {
    const next = current?.type === "strict_object" ? current.entries[key as string]
      : current?.type === "array" && bare(current.item).type === "strict_object" ? current.item : undefined;
    if (next === undefined) break;
    walked.push(key);
    current = bare(next);
  }
  return { schema: current, path: walked };
}

const valueAt = (input: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((value, key) => (value as { [key: PropertyKey]: unknown } | undefined)?.[key], input);

/**
 * Parses `input` with `schema`; on failure throws one line for the first
 * problem, `<where><field> <rule>`, with `where(path)` naming the place
 * (`deployments[1] ("prod")`) and the value received shown.
 */
export function parseWith<S extends AnySchema>(
  schema: S,
  input: unknown,
  where: (path: readonly PropertyKey[]) => string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const issuePath = (issue.path ?? []).map((item) => item.key as PropertyKey);
  const field = fieldAt(schema, issuePath);
  const value = valueAt(input, field.path);
  const at = where(field.path);
  if (field.schema?.type === "strict_object" && Array.isArray(value)) {
    throw new Error(`${at} must be an object; got ${JSON.stringify(value)}`);
  }
  if (issue.type === "strict_object" && field.path.length < issuePath.length) {
    const allowed = Object.keys((field.schema as any)?.entries ?? {});
    throw new Error(`${where([...field.path, issuePath[field.path.length]])} is not a field here; ` +
      `expected one of ${allowed.join(", ")}`);
  }
  if (issue.kind === "schema") {
    if (value === undefined) throw new Error(`${at} is missing`);
    throw new Error(`${at} ${TYPE_RULES[field.schema?.type ?? ""] ?? `must be ${issue.expected}`}; got ${JSON.stringify(value)}`);
  }
  if (issue.type === "regex") throw new Error(`${at} ${JSON.stringify(value)} ${issue.message}`);
  throw new Error(`${at} ${issue.message}`);
}
