/**
 * Checks a synthesized stack against the schema an AWS provider binding was
 * generated from, for provider versions whose binary is not at hand (no
 * hashicorp/aws 6.x here): each binding class carries its Terraform type, its
 * arguments (the config interface, one registry link per argument, with `?`
 * where optional) and the attributes its getters read. Not `terraform
 * validate`: no types, no provider-side validation; it catches unknown blocks,
 * arguments and attributes, and missing required arguments.
 */
import * as fs from "fs";
import * as path from "path";

/** What the binding says of one resource, data source or the provider. */
export interface BlockSchema {
  readonly arguments: ReadonlySet<string>;
  readonly required: ReadonlySet<string>;
  /** Arguments and computed attributes: what a reference may read. */
  readonly attributes: ReadonlySet<string>;
}

/** Terraform's meta-arguments, and cdktf's metadata key: never in a binding's config. */
const META = new Set(["//", "provider", "depends_on", "count", "for_each", "lifecycle", "alias"]);

/** The binding's folder of a type: `aws_iam_role` → `lib/iam-role`, data `aws_region` → `lib/data-aws-region`. */
function folderOf(kind: "resource" | "data" | "provider", type: string): string {
  if (kind === "provider") return "provider";
  const name = type.replace(/^aws_/, "").replace(/_/g, "-");
  return kind === "data" ? `data-aws-${name}` : name;
}

/** The schema of one block type, read from `bindingDir/lib/<folder>/index.{js,d.ts}`; undefined if the binding has no such class. */
export function blockSchema(bindingDir: string, kind: "resource" | "data" | "provider", type: string): BlockSchema | undefined {
  const base = path.join(bindingDir, "lib", folderOf(kind, type), "index");
  if (!fs.existsSync(`${base}.js`)) return undefined;
  const code = fs.readFileSync(`${base}.js`, "utf8");
  if (!code.includes(`tfResourceType = "${kind === "provider" ? "aws" : type}";`)) return undefined;
  const declarations = fs.readFileSync(`${base}.d.ts`, "utf8");
  // The config interface: `export interface IamRoleConfig extends …TerraformMetaArguments {` (the provider's extends nothing).
  const config = /export interface \w+Config(?: extends [\w.]+)? \{\n([\s\S]*?)\n\}/.exec(declarations)?.[1] ?? "";
  const argumentsFound = new Set<string>();
  const required = new Set<string>();
  // Each argument: a doc comment whose registry link ends `#snake_name Class#snake_name}`, then `readonly camelName?:`.
  for (const [, comment, optional] of config.matchAll(/\/\*\*([\s\S]*?)\*\/\s*readonly \w+(\?)?:/g)) {
    const name = /#(\w+) \w+#\1\}/.exec(comment)?.[1];
    if (name === undefined) continue;
    argumentsFound.add(name);
    if (!optional) required.add(name);
  }
  const computed = [...code.matchAll(/get\w*Attribute\('(\w+)'\)/g)].map((match) => match[1]);
  return { arguments: argumentsFound, required, attributes: new Set([...argumentsFound, ...computed]) };
}

/** Every string in a JSON value, cdktf's `//` metadata aside. */
function* stringsOf(value: unknown): Generator<string> {
  if (typeof value === "string") yield value;
  else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) if (key !== "//") yield* stringsOf(item);
  }
}

/**
 * The problems of a synthesized stack (`cdk.tf.json`) by the binding in
 * `bindingDir`: one line each, none when the stack fits the schema.
 */
export function schemaProblems(stack: any, bindingDir: string): string[] {
  const problems: string[] = [];
  const blocks = new Map<string, BlockSchema | undefined>();
  const check = (kind: "resource" | "data" | "provider", type: string, name: string, body: { [key: string]: unknown }) => {
    const schema = blockSchema(bindingDir, kind, type);
    const address = kind === "provider" ? `provider.${type}` : `${kind === "data" ? "data." : ""}${type}.${name}`;
    blocks.set(address, schema);
    if (!schema) {
      problems.push(`${address}: the binding has no ${kind} ${type}`);
      return;
    }
    for (const key of Object.keys(body).filter((key) => !META.has(key) && !schema.arguments.has(key))) {
      problems.push(`${address}: the binding's ${type} has no argument ${key}`);
    }
    for (const key of [...schema.required].filter((key) => !(key in body))) {
      problems.push(`${address}: the required argument ${key} is not set`);
    }
  };
  for (const kind of ["resource", "data"] as const) {
    for (const [type, named] of Object.entries(stack[kind] ?? {})) {
      for (const [name, body] of Object.entries(named as object)) check(kind, type, name, body);
    }
  }
  for (const [type, configs] of Object.entries(stack.provider ?? {})) {
    for (const body of configs as object[]) check("provider", type, type, body as { [key: string]: unknown });
  }
  // References such as `aws_iam_role.sender_role_B862F719.arn` or `data.aws_region.x.id`, in any expression.
  const reference = /(?<![\w.-])((?:data\.)?(aws_[a-z0-9_]+)\.[A-Za-z0-9_-]+)\.([a-z0-9_]+)/g;
  for (const text of stringsOf(stack)) {
    for (const [, address, type, attribute] of text.matchAll(reference)) {
      if (!blocks.has(address)) problems.push(`${address}.${attribute}: the stack has no ${address}`);
      else if (!blocks.get(address)?.attributes.has(attribute)) {
        problems.push(`${address}.${attribute}: ${type} has no attribute ${attribute}`);
      }
    }
  }
  return [...new Set(problems)];
}
