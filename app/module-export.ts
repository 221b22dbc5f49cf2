/**
 * The construct as a plain, reusable Terraform module: its options become
 * variables (description, type, default, and validation blocks that mirror the
 * construct's checks where Terraform can express them), its results become
 * outputs. `npm run export-module` writes the files; this file only makes
 * their text, so it can be tested without Terraform.
 */
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import * as os from "os";
import * as path from "path";
import {
  App, Fn, TerraformDataSource, TerraformElement, TerraformLocal, TerraformOutput, TerraformResource, TerraformStack,
  TerraformVariable, Token,
} from "cdktf";
import { Construct } from "constructs";
import {
  DEFAULT_DESCRIPTION, DEFAULT_ROLE_NAME_PREFIX, PinpointSesSendingRole, PinpointSesSendingRoleProps,
} from "../modules";
import { IAM_LIMITS, PATTERNS, WORST_CASE } from "../modules/iam-limits";
import {
  ALL, AccountScope, ListOperations, pinpointTrustPolicy, SENDING_STATEMENT_SID, sesSendingPolicy,
} from "../modules/policy-documents";
import { hclString, hclTemplate, hclValue, lit, terraformRegex, topLevelBlocks, unanchored } from "./hcl";

/** Terraform that the module needs: validations that refer to other variables and to locals. */
export const REQUIRED_TERRAFORM = ">= 1.9";
/** The AWS provider versions the module works with (tested with 5.100.0). */
export const REQUIRED_AWS_PROVIDER = ">= 5.0";

/** One validation block: an HCL condition and an HCL quoted template. */
export interface Validation {
  readonly condition: string;
  readonly errorMessage: string;
}

/** A construct option as a module variable. */
export interface ModuleVariable {
  readonly name: string;
  readonly description: string;
  /** HCL type constraint. */
  readonly type: string;
  /** JSON value; `null` for none. */
  readonly default: unknown;
  /** `false` when null must not be passed (the default stands in). */
  readonly nullable: boolean;
  readonly validations: readonly Validation[];
  /** The construct option for the variable: its value as a token. */
  readonly option: (variable: TerraformVariable, module: ModuleParts) => unknown;
}

/** A construct option the module has no variable for, and why. */
export interface NotExported {
  readonly notExported: string;
}

/** What the module's variables may refer to besides themselves. */
export interface ModuleParts {
  /** `local.region`: the variable's Region, or the provider's. */
  readonly region: string;
}

const variable = (name: string) => `var.${name}`;
const matches = (pattern: RegExp | string, expression: string) =>
  `can(regex(${hclString(terraformRegex(pattern))}, ${expression}))`;
/** `condition` unless the value is null (Terraform 1.11 evaluates both sides of `||`, so a conditional). */
const unlessNull = (name: string, condition: string) => `${variable(name)} == null ? true : (${condition})`;
/**
 * A nullable variable's value for a message: Terraform evaluates messages
 * even when the condition holds, and a null in a template is an error.
 */
const shown = (name: string) => `${variable(name)} == null ? "" : ${variable(name)}`;
const between = (expression: string, min: number, max: number) =>
  `${expression} >= ${min} && ${expression} <= ${max}`;

// ---------------------------------------------------------------------------
// IAM's size quotas, with the construct's worst case, as Terraform expressions.

/** Stands for a Terraform expression inside a string (`\u0000expr\u0000`) or as a whole list (`\u0001expr`). */
const EXPRESSION = "\u0000";
const LIST_EXPRESSION = "\u0001";
const rawList = (expression: string): string[] => [`${LIST_EXPRESSION}${expression}`];
const rawOf = (list: readonly string[]): string | undefined =>
  list.length === 1 && typeof list[0] === "string" && list[0].startsWith(LIST_EXPRESSION) ? list[0].slice(1) : undefined;

/** A string with embedded expressions as an HCL template. */
function templateOf(text: string): string {
  const parts = text.split(EXPRESSION);
  return hclTemplate(parts.filter((_, i) => i % 2 === 0), ...parts.filter((_, i) => i % 2 === 1));
}

/** A policy document as an HCL expression, its lists made by {@link RAW_LIST_OPERATIONS}. */
function expressionOf(value: unknown): string {
  if (typeof value === "string") return templateOf(value);
  if (Array.isArray(value)) return rawOf(value) ?? `[${value.map(expressionOf).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    return `{ ${Object.entries(value).map(([key, item]) => `${hclString(key)} = ${expressionOf(item)}`).join(", ")} }`;
  }
  return hclValue(value);
}

/** List operations that write HCL: the same builders then give the documents as Terraform expressions. */
const RAW_LIST_OPERATIONS: ListOperations = {
  map: (names, arnOf) => rawList(`formatlist(${templateOf(arnOf("%s"))}, ${rawOf(names)})`),
  concat: (lists) => rawList(`concat(${lists.map((list) => rawOf(list) ?? expressionOf(list)).join(", ")})`),
};

/** The construct's worst case: longest partition and account; the Region given, or the longest. */
const WORST_SCOPE: AccountScope = {
  partition: WORST_CASE.partition,
  region: `${EXPRESSION}coalesce(var.region, ${hclString(WORST_CASE.region)})${EXPRESSION}`,
  account: WORST_CASE.account,
};

/** Each document's size with the construct's worst case, as a Terraform expression, and IAM's quota for it. */
export const WORST_CASE_SIZES: { readonly [kind in "trust" | "permissions"]: { expression: string; limit: number } } = {
  trust: {
    expression: `length(jsonencode(${expressionOf(pinpointTrustPolicy(WORST_SCOPE, rawList("var.pinpoint_application_ids"), RAW_LIST_OPERATIONS))}))`,
    limit: IAM_LIMITS.trustPolicyMaxSize,
  },
  permissions: {
    expression: `length(jsonencode(${expressionOf(sesSendingPolicy(WORST_SCOPE, rawList("var.ses_identities"),
      rawList("var.configuration_sets"), RAW_LIST_OPERATIONS))}))`,
    limit: IAM_LIMITS.inlinePoliciesMaxSize,
  },
};

/**
 * IAM's size quota for a document, checked as the construct checks it at
 * synth time: with the longest partition and account and, unless var.region
 * is set, the longest Region. (A validation must refer to its own variable,
 * so the expression stands in the condition, not in a local.)
 */
function sizeCheck(kind: "trust" | "permissions"): Validation {
  const size = WORST_CASE_SIZES[kind];
  const worst = lit(`with the longest partition (${WORST_CASE.partition.length} characters), account (${
    WORST_CASE.account.length}) and, unless region is set, Region (${WORST_CASE.region.length})`);
  return {
    condition: `${size.expression} <= ${size.limit}`,
    errorMessage: kind === "trust"
      ? hclTemplate`pinpoint_application_ids has ${"length(var.pinpoint_application_ids)"} ids: ${worst}, they make a trust policy longer than IAM's limit for a role trust policy, ${lit(size.limit)} characters (the default quota).`
      : hclTemplate`ses_identities and configuration_sets have ${"length(var.ses_identities) + length(var.configuration_sets)"} entries: ${worst}, they make a permissions policy longer than IAM's limit for a role's inline policies, ${lit(size.limit)} characters in all.`,
  };
}

/** The same check for every element of a list, and a message that lists the elements that fail it. */
function eachElement(name: string, test: (element: string) => string, rule: string): Validation {
  return {
    condition: `alltrue([for x in ${variable(name)} : ${test("x")}])`,
    errorMessage: hclTemplate`${lit(name)} has ${`jsonencode([for x in ${variable(name)} : x if !(${test("x")})])`}, which ${lit(rule)}.`,
  };
}

/** The list checks of the construct's `checkList`: not empty, no duplicates, `*` only alone, each element valid. */
function listChecks(name: string, test: (element: string) => string, rule: string, allowAll: boolean): Validation[] {
  const checks: Validation[] = [{
    condition: `length(distinct(${variable(name)})) == length(${variable(name)})`,
    errorMessage: hclTemplate`${lit(name)} ${`jsonencode(${variable(name)})`} lists an entry more than once.`,
  }];
  if (allowAll) {
    checks.unshift({
      condition: `length(${variable(name)}) >= 1`,
      errorMessage: hclTemplate`${lit(name)} is empty; list at least one, or leave it out for all ("*").`,
    });
    checks.push({
      condition: `!contains(${variable(name)}, "*") || length(${variable(name)}) == 1`,
      errorMessage: hclTemplate`${lit(name)} ${`jsonencode(${variable(name)})`} mixes "*" (all) with named entries; use one or the other.`,
    });
  }
  checks.push(eachElement(name, allowAll ? (x) => `${x} == "*" || ${test(x)}` : test, rule));
  return checks;
}

/** A role or policy name: 1 to `max` of IAM's name characters. */
function nameChecks(name: string, max: number, pattern: RegExp, nullable: boolean, note = ""): Validation {
  const test = `${between(`length(${variable(name)})`, 1, max)} && ${matches(pattern, variable(name))}`;
  return {
    condition: nullable ? unlessNull(name, test) : test,
    errorMessage: hclTemplate`${lit(name)} "${shown(name)}" is ${`length(${shown(name)})`} characters; IAM allows 1 to ${lit(max)} of [A-Za-z0-9+=,.@_-]${lit(note)}.`,
  };
}

/** An SES identity, as `isSesIdentity`: an address (local part @ domain) or a domain, the domain at most 253 characters. */
function isSesIdentity(x: string): string {
  const domain = PATTERNS.domain.source.replace("(?=.{1,253}$)", "");
  if (domain === PATTERNS.domain.source) throw new Error("PATTERNS.domain changed: update the module's identity check");
  const identity = `^(${unanchored(PATTERNS.emailLocalPart)}@)?${unanchored(domain)}$`;
  return `(${matches(identity, x)} && length(replace(${x}, "/^.*@/", "")) <= 253)`;
}

const TAG_RULE = "letters, digits, spaces and _.:/=+-@";

/**
 * Every construct option: a variable, or the reason it has none. Typed over
 * every key of the props, so an option added to the construct fails the
 * type check here until the module decides about it.
 */
export const MODULE_INPUTS: { readonly [K in keyof Required<PinpointSesSendingRoleProps>]: ModuleVariable | NotExported } = {
  roleName: {
    name: "role_name",
    description: "Exact name of the role: 1 to 64 of [A-Za-z0-9+=,.@_-]. Not with role_name_prefix. Changing it replaces the role.",
    type: "string", default: null, nullable: true,
    validations: [nameChecks("role_name", IAM_LIMITS.roleNameMaxLength, PATTERNS.roleName, true)],
    option: (v) => v.stringValue,
  },
  roleNamePrefix: {
    name: "role_name_prefix",
    description: `Prefix of a unique name that Terraform generates when role_name is null: 1 to ${
      IAM_LIMITS.roleNameMaxLength - IAM_LIMITS.terraformUniqueSuffixLength} characters (Terraform appends ${
      IAM_LIMITS.terraformUniqueSuffixLength}). null means "${DEFAULT_ROLE_NAME_PREFIX}".`,
    type: "string", default: null, nullable: true,
    validations: [
      nameChecks("role_name_prefix", IAM_LIMITS.roleNameMaxLength - IAM_LIMITS.terraformUniqueSuffixLength,
        PATTERNS.roleName, true, ` (64 minus the ${IAM_LIMITS.terraformUniqueSuffixLength}-character suffix Terraform appends)`),
      {
        condition: "var.role_name == null || var.role_name_prefix == null",
        errorMessage: hclTemplate`role_name "${shown("role_name")}" and role_name_prefix "${shown("role_name_prefix")}" are both set; give one or the other.`,
      },
    ],
    option: (v) => Fn.coalesce([v.stringValue, DEFAULT_ROLE_NAME_PREFIX]),
  },
  path: {
    name: "path",
    description: "IAM path of the role: \"/\", or \"/\" + printable ASCII + \"/\", at most 512 characters.",
    type: "string", default: "/", nullable: false,
    validations: [{
      condition: `length(var.path) <= ${IAM_LIMITS.pathMaxLength} && ${matches(PATTERNS.path, "var.path")}`,
      errorMessage: hclTemplate`path "${"var.path"}" is not an IAM path: it must be "/" or start and end with "/", with printable ASCII between, at most ${lit(IAM_LIMITS.pathMaxLength)} characters (got ${"length(var.path)"}).`,
    }],
    option: (v) => v.stringValue,
  },
  description: {
    name: "description",
    description: "Description of the role, at most 1,000 characters.",
    type: "string", default: DEFAULT_DESCRIPTION, nullable: false,
    validations: [
      {
        condition: `length(var.description) <= ${IAM_LIMITS.descriptionMaxLength}`,
        errorMessage: hclTemplate`description is ${"length(var.description)"} characters; IAM allows at most ${lit(IAM_LIMITS.descriptionMaxLength)}.`,
      },
      {
        condition: matches(PATTERNS.description, "var.description"),
        errorMessage: hclTemplate`description "${"var.description"}" contains a character IAM does not accept (allowed: tab, newlines, printable ASCII, U+00A1 to U+00FF).`,
      },
    ],
    option: (v) => v.stringValue,
  },
  permissionsBoundaryArn: {
    name: "permissions_boundary_arn",
    description: "ARN of a managed policy that sets the role's permissions boundary; null for none.",
    type: "string", default: null, nullable: true,
    validations: [{
      condition: unlessNull("permissions_boundary_arn", matches(PATTERNS.policyArn, "var.permissions_boundary_arn")),
      errorMessage: hclTemplate`permissions_boundary_arn "${shown("permissions_boundary_arn")}" is not an IAM managed policy ARN (arn:PARTITION:iam::ACCOUNT|aws:policy/[PATH/]NAME).`,
    }],
    option: (v) => v.stringValue,
  },
  maxSessionDuration: {
    name: "max_session_duration",
    description: "Maximum session duration of the role, in whole seconds from 3,600 to 43,200.",
    type: "number", default: IAM_LIMITS.minSessionDuration, nullable: false,
    validations: [{
      condition: `floor(var.max_session_duration) == var.max_session_duration && ${
        between("var.max_session_duration", IAM_LIMITS.minSessionDuration, IAM_LIMITS.maxSessionDuration)}`,
      errorMessage: hclTemplate`max_session_duration ${"var.max_session_duration"} is out of range; IAM allows whole seconds from ${lit(IAM_LIMITS.minSessionDuration)} to ${lit(IAM_LIMITS.maxSessionDuration)}.`,
    }],
    option: (v) => v.numberValue,
  },
  tags: {
    name: "tags",
    description: "Tags for the role, at most 50; keys 1 to 128 and values 0 to 256 characters, no aws: prefix. The provider's default_tags are added on top.",
    type: "map(string)", default: {}, nullable: false,
    validations: [
      {
        condition: `length(var.tags) <= ${IAM_LIMITS.maxTagsPerRole}`,
        errorMessage: hclTemplate`tags has ${"length(var.tags)"} tags, more than IAM's limit of ${lit(IAM_LIMITS.maxTagsPerRole)} tags per role.`,
      },
      {
        condition: `alltrue([for k in keys(var.tags) : ${between("length(k)", 1, IAM_LIMITS.tagKeyMaxLength)} && ${matches(PATTERNS.tagText, "k")}])`,
        errorMessage: hclTemplate`tags has keys ${`jsonencode([for k in keys(var.tags) : k if !(${between("length(k)", 1, IAM_LIMITS.tagKeyMaxLength)} && ${matches(PATTERNS.tagText, "k")})])`} that IAM does not accept: 1 to ${lit(`${IAM_LIMITS.tagKeyMaxLength} ${TAG_RULE}`)}.`,
      },
      {
        condition: 'alltrue([for k in keys(var.tags) : !startswith(lower(k), "aws:")])',
        errorMessage: hclTemplate`tags has keys ${'jsonencode([for k in keys(var.tags) : k if startswith(lower(k), "aws:")])'} with the prefix "aws:", which AWS reserves for its own tags.`,
      },
      {
        condition: `alltrue([for v in values(var.tags) : length(v) <= ${IAM_LIMITS.tagValueMaxLength} && ${matches(PATTERNS.tagText, "v")}])`,
        errorMessage: hclTemplate`tags has values ${`jsonencode([for v in values(var.tags) : v if !(length(v) <= ${IAM_LIMITS.tagValueMaxLength} && ${matches(PATTERNS.tagText, "v")})])`} that IAM does not accept: 0 to ${lit(`${IAM_LIMITS.tagValueMaxLength} ${TAG_RULE}`)}.`,
      },
    ],
    option: (v) => Token.asStringMap(v.value),
  },
  region: {
    name: "region",
    description: "Region of the Pinpoint project and of the SES identities it sends from; null for the provider's Region.",
    type: "string", default: null, nullable: true,
    validations: [{
      condition: unlessNull("region", matches(PATTERNS.region, "var.region")),
      errorMessage: hclTemplate`region "${shown("region")}" is not an AWS Region name (like us-east-1, us-gov-west-1 or cn-north-1).`,
    }],
    option: (_v, parts) => parts.region,
  },
  sesIdentities: {
    name: "ses_identities",
    description: 'SES identities (email addresses or domains) Pinpoint may send from, one ARN each in the permissions policy; ["*"] for all identities of the account in the Region.',
    type: "list(string)", default: [ALL], nullable: false,
    validations: [
      ...listChecks("ses_identities", isSesIdentity, "are not email addresses or domains", true),
      sizeCheck("permissions"),
    ],
    option: (v) => Token.asList(v.value),
  },
  configurationSets: {
    name: "configuration_sets",
    description: 'SES configuration sets Pinpoint may use, one ARN each; ["*"] for all configuration sets of the account in the Region.',
    type: "list(string)", default: [ALL], nullable: false,
    validations: listChecks("configuration_sets", (x) => matches(PATTERNS.configurationSet, x),
      "are not SES configuration set names (1 to 64 of [A-Za-z0-9_-])", true),
    option: (v) => Token.asList(v.value),
  },
  pinpointApplicationIds: {
    name: "pinpoint_application_ids",
    description: "Pinpoint project (application) ids, 32 lowercase hex characters each. When not empty, the trust policy also requires aws:SourceArn to be one of these projects; [] lets any project of the account use the role.",
    type: "list(string)", default: [], nullable: false,
    validations: [
      ...listChecks("pinpoint_application_ids", (x) => matches(PATTERNS.pinpointApplicationId, x),
        "are not Pinpoint application ids (32 lowercase hex characters)", false),
      sizeCheck("trust"),
    ],
    option: (v) => Token.asList(v.value),
  },
  policyName: {
    name: "policy_name",
    description: "Name of the inline permissions policy.",
    type: "string", default: SENDING_STATEMENT_SID, nullable: false,
    validations: [nameChecks("policy_name", IAM_LIMITS.policyNameMaxLength, PATTERNS.policyName, false)],
    option: (v) => v.stringValue,
  },
  provider: {
    notExported: "A module takes its provider from the caller: pass `providers = { aws = aws.other }` for another account or Region.",
  },
  partition: { notExported: "The module reads `data.aws_partition` itself; sharing one between instances is a cdktf concern." },
  callerIdentity: {
    notExported: "The module reads `data.aws_caller_identity` itself; sharing one between instances is a cdktf concern.",
  },
  exclusiveInlinePolicy: {
    notExported: "Decides at synth time whether `aws_iam_role_policies_exclusive` exists; in Terraform, declare that resource next to the module with `role_name = module.NAME.role_name` and `policy_names = [module.NAME.policy_name]`.",
  },
  trustPolicyMaxSize: { notExported: "A synth-time size check of the construct; the module's own validation follows its trust quota." },
  adoptExistingRole: {
    notExported: "Terraform allows `import` blocks only in the root module: write `import { to = module.NAME.aws_iam_role.this, id = \"ROLE\" }` and `import { to = module.NAME.aws_iam_role_policy.this, id = \"ROLE:POLICY\" }` in yours.",
  },
};

/** The module's outputs: the construct's `roleArn`, `roleName`, `roleUniqueId`, and the policy's name. */
export const MODULE_OUTPUTS: ReadonlyArray<{ name: string; description: string; value: (role: PinpointSesSendingRole) => string }> = [
  { name: "role_arn", description: "ARN of the role: the orchestration sending role of the Pinpoint email channel.", value: (role) => role.roleArn },
  { name: "role_name", description: "Name of the role.", value: (role) => role.roleName },
  { name: "role_unique_id", description: "Stable unique id of the role (AROA...).", value: (role) => role.roleUniqueId },
  { name: "policy_name", description: "Name of the role's inline permissions policy.", value: (role) => role.policy.name },
];

export const isExported = (input: ModuleVariable | NotExported): input is ModuleVariable => "name" in input;

/** The variables, in the order of the construct's props. */
export const moduleVariables = (): ModuleVariable[] => Object.values(MODULE_INPUTS).filter(isExported);

// ---------------------------------------------------------------------------
// The module stack: variables → the construct → outputs.

/** The module as cdktf builds it, before any text is written. */
export interface ModuleStack {
  readonly stack: TerraformStack;
  readonly role: PinpointSesSendingRole;
  /** The names a hand-written module would use, by cdktf's logical id (`role_role_3D9F059D` → `this`). */
  readonly names: ReadonlyMap<string, string>;
}

/**
 * Builds the construct from the module's variables, in a stack of its own,
 * and names every element as a hand-written module would (`aws_iam_role.this`,
 * `data.aws_partition.current`, `local.ses_identity_arns`).
 */
export function buildModuleStack(
  // Nothing is synthesized to disk; cdktf's App only insists on an output folder, so a temporary one.
  app: App = new App({ outdir: path.join(os.tmpdir(), "pinpoint-ses-module-export"), skipValidation: true }),
): ModuleStack {
  const stack = new TerraformStack(app, "module");
  const variables = new Map(moduleVariables().map((input) => [input.name, new TerraformVariable(stack, input.name, {
    type: input.type, default: input.default ?? undefined, description: input.description, nullable: input.nullable,
  })]));
  const region = new DataAwsRegion(stack, "current-region");
  region.overrideLogicalId("current");
  const regionLocal = new TerraformLocal(stack, "region-or-provider-region",
    Fn.coalesce([(variables.get("region") as TerraformVariable).stringValue, region.name]));
  regionLocal.overrideLogicalId("region");
  const parts: ModuleParts = { region: regionLocal.asString };
  const props: { [option: string]: unknown } = {};
  for (const [option, input] of Object.entries(MODULE_INPUTS)) {
    if (isExported(input)) props[option] = input.option(variables.get(input.name) as TerraformVariable, parts);
  }
  const role = new PinpointSesSendingRole(stack, "role", props as PinpointSesSendingRoleProps);
  for (const output of MODULE_OUTPUTS) {
    new TerraformOutput(stack, `output-${output.name}`, { value: output.value(role), description: output.description })
      .overrideLogicalId(output.name);
  }
  return { stack, role, names: handWrittenNames(role) };
}

/**
 * Resources `this`, data sources `current`, locals by their label; a clash
 * fails the export. (cdktf fixes a logical id when the first reference to the
 * element is made, inside the construct, so the names are changed in the text.)
 */
function handWrittenNames(scope: Construct): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const element of scope.node.findAll()) {
    let address: string;
    if (element instanceof TerraformDataSource) address = `data.${element.terraformResourceType}.current`;
    else if (element instanceof TerraformResource) address = `${element.terraformResourceType}.this`;
    else if (element instanceof TerraformLocal) address = `local.${element.node.id}`;
    else continue;
    if (taken.has(address)) throw new Error(`the module would have two ${address}; give one of them a name of its own`);
    taken.add(address);
    names.set((element as TerraformElement).friendlyUniqueId, address.split(".").pop() as string);
  }
  return names;
}

/** `text` with cdktf's logical ids replaced by the hand-written names. */
function renamed(module: ModuleStack, text: string): string {
  let result = text;
  for (const [logicalId, name] of module.names) {
    result = result.replace(new RegExp(`(?<![\\w-])${logicalId}(?![\\w-])`, "g"), name);
  }
  return result;
}

/** The module's resources, data sources and locals as cdktf writes them (one line each, not yet formatted). */
export function moduleMainHcl(module: ModuleStack): string {
  module.stack.prepareStack();
  const hcl: string = (module.stack.toHclTerraform() as { hcl: string }).hcl;
  // Keep the top-level blocks a module has; drop terraform {} (with backend and providers) and variables.
  const blocks = topLevelBlocks(hcl);
  const unexpected = blocks.find((block) => !/^(locals|data|resource|terraform|variable|output) /.test(block));
  if (unexpected) throw new Error(`unexpected block in the module: ${unexpected.split("\n")[0]}`);
  const kept = blocks.filter((block) => /^(locals|data|resource) /.test(block));
  return `${kept.map((block) => renamed(module, block)).join("\n\n")}\n`;
}

/** `variables.tf`: every variable with its validations. */
export function variablesHcl(): string {
  const blocks = moduleVariables().map((input) => [
    `variable "${input.name}" {`,
    `description = ${hclString(input.description)}`,
    `type = ${input.type}`,
    `default = ${hclValue(input.default)}`,
    ...(input.nullable ? [] : ["nullable = false"]),
    ...input.validations.flatMap((validation) => [
      "",
      "validation {",
      `condition = ${validation.condition}`,
      `error_message = ${validation.errorMessage}`,
      "}",
    ]),
    "}",
  ].join("\n"));
  return blocks.join("\n\n") + "\n";
}

/** `outputs.tf`. */
export function outputsHcl(module: ModuleStack): string {
  const synthesized = module.stack.toTerraform() as { output: { [name: string]: { value: string } } };
  return MODULE_OUTPUTS.map((output) => {
    const reference = renamed(module, synthesized.output[output.name].value);
    const expression = /^\$\{([^${}]+)\}$/.exec(reference)?.[1];
    if (!expression) throw new Error(`output ${output.name} is ${reference}, not a plain reference`);
    return [`output "${output.name}" {`, `description = ${hclString(output.description)}`, `value = ${expression}`, "}"].join("\n");
  }).join("\n\n") + "\n";
}

/** `versions.tf`: no provider configuration and no backend, only what the module requires. */
export function versionsHcl(): string {
  return [
    "terraform {",
    `required_version = ${hclString(REQUIRED_TERRAFORM)}`,
    "",
    "required_providers {",
    `aws = { source = "hashicorp/aws", version = ${hclString(REQUIRED_AWS_PROVIDER)} }`,
    "}",
    "}",
    "",
  ].join("\n");
}
