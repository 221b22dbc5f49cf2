/**
 * Reads the JSON of a saved Terraform plan (`terraform show -json tfplan`)
 * and checks that it is one this tool understands. Every problem is an
 * InputError with a one-line message naming it (the CLI prints it alone and exits 2).
 */
import { InputError } from "../tooling/command-line";
import { isObject, parseJson } from "./policy";

/**
 * Every top-level field of format 1.2, the newest this tool was written for, as Terraform's
 * `jsonplan` package writes it. A plan that claims a known format but carries other fields was
 * written by another tool (or edited), and is refused rather than half-read.
 */
const KNOWN_PLAN_FIELDS: ReadonlySet<string> = new Set([
  "format_version", "terraform_version", "variables", "planned_values", "resource_drift", "resource_changes",
  "deferred_changes", "deferred_action_invocations", "output_changes", "action_invocations", "prior_state",
  "configuration", "relevant_attributes", "checks", "timestamp", "applyable", "complete", "errored",
]);

const KNOWN_ACTIONS: ReadonlySet<string> = new Set(["no-op", "create", "read", "update", "delete", "forget"]);

/** One entry of `resource_changes`. */
export interface ResourceChange {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before: any;
    readonly after: any;
    readonly after_unknown?: any;
    readonly replace_paths?: ReadonlyArray<ReadonlyArray<string | number>>;
  };
  readonly action_reason?: string;
}

/** A plan, with the parts this tool reads. */
export interface Plan {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly resource_changes: readonly ResourceChange[];
  readonly prior_state?: any;
  readonly configuration?: any;
}

const describe = (value: unknown) =>
  value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "object" ? "an object" : `a ${typeof value}`;

/**
 * Parses and checks the text of `terraform show -json` of a saved plan.
 * `source` names the input in messages (a file name or "standard input").
 */
export function parsePlan(text: string, source: string): Plan {
  if (text.startsWith("PK")) {
    throw new InputError(`${source} is a binary plan file; give this tool its JSON: terraform show -json ${source} > plan.json`);
  }
  if (text.trim() === "") throw new InputError(`${source} is empty; expected the output of terraform show -json`);
  const json = parseJson(text, (problem) => new InputError(`${source} is ${problem}`));
  if (!isObject(json)) throw new InputError(`${source} is not a Terraform plan: the JSON is ${describe(json)}, not an object`);
  checkFormat(json, source);
  checkResourceChanges(json.resource_changes, source);
  return json as unknown as Plan;
}

function checkFormat(plan: { [key: string]: unknown }, source: string): void {
  const version = plan.format_version;
  if (version === undefined) {
    const hint = "resource" in plan || "provider" in plan || "terraform" in plan
      ? "it looks like Terraform configuration (such as cdk.tf.json)"
      : "it has no format_version";
    throw new InputError(`${source} is not a Terraform plan: ${hint}; run terraform show -json on a saved plan`);
  }
  const match = typeof version === "string" ? /^(\d+)\.(\d+)$/.exec(version) : null;
  if (!match) throw new InputError(`${source} has format_version ${JSON.stringify(version)}; expected "MAJOR.MINOR"`);
  if (Number(match[1]) !== 1) throw new InputError(`${source} has format_version ${version}; this tool reads the 1.x plan format of Terraform 1.x`);
  if (!("resource_changes" in plan) && !("planned_values" in plan) && "values" in plan) {
    throw new InputError(`${source} is Terraform state, not a plan; run terraform show -json on a saved plan file`);
  }
  if (Number(match[2]) <= 2) {
    const unknown = Object.keys(plan).filter((key) => !KNOWN_PLAN_FIELDS.has(key));
    if (unknown.length > 0) {
      throw new InputError(`${source} has field${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}, unknown in ` +
        `plan format ${version}: was it written by another tool or edited?`);
    }
  }
  if (plan.errored === true) {
    throw new InputError(`${source} is a plan that errored (errored: true); review the plan of a successful terraform plan`);
  }
}

function checkResourceChanges(changes: unknown, source: string): void {
  if (changes === undefined || (Array.isArray(changes) && changes.length === 0)) {
    throw new InputError(`${source} is an empty plan: it has no resource_changes, so there is nothing to review`);
  }
  if (!Array.isArray(changes)) {
    throw new InputError(`${source} has resource_changes that is ${describe(changes)}, not an array`);
  }
  changes.forEach((entry: any, index) => {
    const where = `resource_changes[${index}]`;
    if (typeof entry?.address !== "string" || typeof entry?.type !== "string" || !Array.isArray(entry?.change?.actions)) {
      throw new InputError(`${source}: ${where} lacks address, type or change.actions`);
    }
    const unknown = entry.change.actions.filter((action: unknown) => !KNOWN_ACTIONS.has(action as string));
    if (unknown.length > 0) {
      throw new InputError(`${source}: ${where} (${entry.address}) has action ${JSON.stringify(unknown[0])}, ` +
        "unknown to this tool");
    }
  });
}

/** What a change does to the object, in a reviewer's words. */
export type ChangeKind = "create" | "update" | "replace" | "delete" | "no change" | "forget" | "read";

export function changeKind(actions: readonly string[]): ChangeKind {
  if (actions.includes("create") && (actions.includes("delete") || actions.includes("forget"))) return "replace";
  return (["create", "delete", "update", "forget", "read"] as const).find((action) => actions.includes(action)) ?? "no change";
}

/** An address without instance keys: `module.a[0].aws_iam_role.r["x"]` → `module.a.aws_iam_role.r`. */
export function configAddress(address: string): string {
  return address.replace(/\[("(?:[^"\\]|\\.)*"|\d+)\]/g, "");
}

/** The instance keys of an address, to pair a policy with the role of the same `count`/`for_each` key. */
export function instanceKeys(address: string): string {
  return (address.match(/\[("(?:[^"\\]|\\.)*"|\d+)\]/g) ?? []).join("");
}

/** The string elements of a list value (elements known only after apply are null). */
export function knownStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/** The name of a policy resource, as far as the plan tells it. */
export function policyName(resource: ResourceChange): string {
  const values = resource.change.after ?? resource.change.before ?? {};
  return values.name ?? (values.name_prefix ? `${values.name_prefix}… (generated)` : "(known after apply)");
}

/** Resources by their address without instance keys, as the configuration's references name them. */
export function byConfigAddress(resources: readonly ResourceChange[]): Map<string, ResourceChange[]> {
  const found = new Map<string, ResourceChange[]>();
  for (const resource of resources) {
    const key = configAddress(resource.address);
    found.set(key, [...(found.get(key) ?? []), resource]);
  }
  return found;
}

/** The addresses without instance keys that `references` name, of resources whose type matches `type` (a pattern). */
export function referencedAddresses(references: readonly string[], type: string): string[] {
  const pattern = new RegExp(`^((?:module\\.[^.]+\\.)*${type}\\.[^.]+)`);
  return [...new Set(references.map((reference) => pattern.exec(reference)?.[1]).filter((address): address is string => !!address))];
}

/** What one argument of a resource's configuration block refers to; undefined when the block does not set it. */
export function argumentReferences(config: ReadonlyMap<string, ConfigResource>, address: string, argument: string): readonly string[] | undefined {
  return config.get(configAddress(address))?.argumentReferences[argument];
}

/** A resource block of the configuration. */
export interface ConfigResource {
  readonly providerConfigKey?: string;
  /** The addresses each top-level argument refers to (`role` → `aws_iam_role.x.name`, ...), module path included. */
  readonly argumentReferences: { readonly [argument: string]: readonly string[] };
}

/** Every `references` list in an expression, through nested blocks (objects and arrays alike). */
function referencesIn(expressions: unknown, prefix: string): string[] {
  if (typeof expressions !== "object" || expressions === null) return [];
  return Object.entries(expressions).flatMap(([key, value]) =>
    key === "references" && Array.isArray(value) ? knownStrings(value).map((ref) => prefix + ref) : referencesIn(value, prefix));
}

/** The configuration's resource blocks by full address, through every module call. */
export function configResources(plan: Plan): Map<string, ConfigResource> {
  const blocks = (module: any, prefix: string): Array<[string, ConfigResource]> => [
    ...(module?.resources ?? []).map((resource: any): [string, ConfigResource] => [prefix + resource.address, {
      providerConfigKey: resource.provider_config_key,
      argumentReferences: Object.fromEntries(Object.entries(resource.expressions ?? {})
        .map(([argument, expression]) => [argument, referencesIn(expression, prefix)])),
    }]),
    ...Object.entries<any>(module?.module_calls ?? {}).flatMap(([name, call]) => blocks(call.module, `${prefix}module.${name}.`)),
  ];
  return new Map(blocks(plan.configuration?.root_module, ""));
}

/** The data sources Terraform read for the plan (`prior_state`), by address. */
export function dataSources(plan: Plan): Map<string, { type: string; values: any }> {
  const resources = (module: any): any[] => [...(module?.resources ?? []), ...(module?.child_modules ?? []).flatMap(resources)];
  return new Map(resources(plan.prior_state?.values?.root_module).filter((resource) => resource.mode === "data")
    .map((resource) => [resource.address, { type: resource.type, values: resource.values }]));
}
