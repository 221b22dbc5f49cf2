/**
 * Finds the framework a construct tree is made of, cdktf or CDK Terrain
 * (cdktn), and the AWS provider binding that goes with it, so that the
 * constructs create their resources with the app's own classes: cdktf and
 * cdktn objects cannot share one tree. The one place in modules/ that loads
 * packages by name; framework-types.d.ts gives them their types.
 */
import type { IConstruct } from "constructs";
import type { AwsClasses, Core } from "./framework-types";

/** One framework: its package, how to load it, and its AWS provider binding. */
interface Flavour {
  readonly name: string;
  readonly binding: string;
  readonly load: () => Core;
}

// Literal requires, so that tools that follow imports (bundlers, __tests__/support/imports.js) see them.
const FLAVOURS: readonly Flavour[] = [
  { name: "cdktf", binding: "@cdktf/provider-aws", load: () => require("cdktf") },
  { name: "cdktn", binding: "@cdktn/provider-aws", load: () => require("cdktn") },
];

/**
 * Each class by its deep path in the binding: the package root loads every
 * AWS binding (about 2 s and 540 MB); these seven files take milliseconds.
 */
const AWS_FILES: { readonly [Name in keyof AwsClasses]: string } = {
  DataAwsCallerIdentity: "data-aws-caller-identity",
  DataAwsPartition: "data-aws-partition",
  DataAwsRegion: "data-aws-region",
  IamRole: "iam-role",
  IamRolePolicy: "iam-role-policy",
  IamRolePoliciesExclusive: "iam-role-policies-exclusive",
  PinpointEmailChannel: "pinpoint-email-channel",
};

/** The framework of a construct tree, and its AWS binding's classes. */
export interface Framework {
  /** `cdktf` or `cdktn`: the package the scope's stack is made of. */
  readonly name: string;
  /** Its AWS provider binding: `@cdktf/provider-aws` or `@cdktn/provider-aws`. */
  readonly binding: string;
  readonly core: Core;
  readonly aws: AwsClasses;
}

declare function require(id: string): any;

const isMissing = (error: unknown, id: string): boolean =>
  (error as { code?: string }).code === "MODULE_NOT_FOUND" && String((error as Error).message).includes(`'${id}'`);

/** The package, or `undefined` if it is not installed (any other failure to load it is thrown). */
function loadIfInstalled<T>(id: string, load: () => T): T | undefined {
  try {
    return load();
  } catch (error) {
    if (isMissing(error, id)) return undefined;
    throw error;
  }
}

const found = new Map<string, Framework>();
/** Each framework package once loaded, or `null` if it is not installed: looked up once, not per construct. */
const cores = new Map<string, Core | null>();

/** The framework with its binding's classes, all loaded now (a few milliseconds), so a missing binding fails at once. */
function frameworkFor(flavour: Flavour, core: Core): Framework {
  const known = found.get(flavour.name);
  if (known) return known;
  const aws: { [name: string]: unknown } = {};
  for (const [name, file] of Object.entries(AWS_FILES)) {
    const id = `${flavour.binding}/lib/${file}`;
    const module = loadIfInstalled(id, () => require(id));
    if (module === undefined) {
      throw new Error(`pinpoint-ses-sending-role needs ${flavour.binding}, the AWS provider binding of ${flavour.name}, ` +
        `and it is not installed; add it to the app (npm install ${flavour.binding})`);
    }
    aws[name] = module[name];
  }
  const framework = { name: flavour.name, binding: flavour.binding, core, aws: aws as unknown as AwsClasses };
  found.set(flavour.name, framework);
  return framework;
}

/**
 * The framework whose `TerraformStack` holds `scope`, with its AWS binding.
 * `user`, the construct's class, is named in the error (one line) thrown if
 * the scope is in no stack of an installed framework; a missing binding
 * throws too. Called before the construct joins the tree, so a failure leaves
 * nothing behind.
 */
export function frameworkOf(scope: IConstruct, user: string): Framework {
  const installed: string[] = [];
  for (const flavour of FLAVOURS) {
    if (!cores.has(flavour.name)) cores.set(flavour.name, loadIfInstalled(flavour.name, flavour.load) ?? null);
    const core = cores.get(flavour.name);
    if (!core) continue;
    installed.push(flavour.name);
    if (scope.node.scopes.some((ancestor) => ancestor instanceof core.TerraformStack)) return frameworkFor(flavour, core);
  }
  if (installed.length === 0) {
    throw new Error(`${user} needs cdktf (with @cdktf/provider-aws) or CDK Terrain's cdktn (with @cdktn/provider-aws), ` +
      "and neither is installed");
  }
  const where = scope.node.path === "" ? "the root of its tree" : `"${scope.node.path}"`;
  throw new Error(`${user} scope ${where} is not inside a TerraformStack of ${installed.join(" or ")}; create it in a stack`);
}
