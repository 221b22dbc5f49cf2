/**
 * Throwaway apps of other teams that install this package as `npm pack`
 * makes it, with a plain `npm install` (no --legacy-peer-deps, no --force, no
 * overrides) from the registry or the npm cache, whatever the machine has.
 * Each runs examples/consumer-app/main.ts, on cdktf or on CDK Terrain.
 */
import * as fs from "fs";
import * as path from "path";
import { docExample } from "./doc-examples";
import { PROJECT_DIR, run, RunResult } from "./terraform";

export const PACKAGE = "pinpoint-ses-sending-role";
export type Framework = "cdktf" | "cdktn";
/** Each framework's AWS provider binding. */
export const BINDING: { readonly [framework in Framework]: string } = { cdktf: "@cdktf/provider-aws", cdktn: "@cdktn/provider-aws" };

const EXAMPLE_MAIN = path.join(PROJECT_DIR, "examples", "consumer-app", "main.ts");
const TSC = path.join(PROJECT_DIR, "node_modules", "typescript", "bin", "tsc");
const REGISTER_TS = path.join(PROJECT_DIR, "tooling", "register-ts.js");

/**
 * examples/consumer-app/main.ts as an app of `framework` writes it: on CDK
 * Terrain the imports name cdktn's packages, and nothing else changes.
 */
export function consumerMain(framework: Framework): string {
  const main = fs.readFileSync(EXAMPLE_MAIN, "utf8");
  if (framework === "cdktf") return main;
  return main.replace(/from "cdktf"/g, 'from "cdktn"').replace(/from "@cdktf\/provider-aws\//g, 'from "@cdktn/provider-aws/');
}

/**
 * Code that compiles only if the package's declarations give the app's own
 * classes: the role is the binding's `IamRole` (not `any`), and the app's
 * provider and data source are accepted as props.
 */
function typesCheck(framework: Framework): string {
  const binding = BINDING[framework];
  return `import { DataAwsPartition } from "${binding}/lib/data-aws-partition";
import { IamRole } from "${binding}/lib/iam-role";
import { AwsProvider } from "${binding}/lib/provider";
import { App, TerraformStack } from "${framework}";
import { PinpointSesSendingRole } from "${PACKAGE}";

const stack = new TerraformStack(new App(), "types");
const provider = new AwsProvider(stack, "aws", { region: "eu-west-1" });
const partition = new DataAwsPartition(stack, "partition");
const sender = new PinpointSesSendingRole(stack, "sender", { provider, partition });
export const role: IamRole = sender.role;
// @ts-expect-error: the role is the binding's IamRole, not \`any\`
export const notAny: number = sender.role;
`;
}

/** The README's install line for `framework` (the `npm install` line that names it), as words. */
export function readmeInstallLine(framework: Framework): string[] {
  const lines = docExample("README.md", "consumer-install").split("\n").map((line) => line.replace(/#.*/, "").trim().split(/\s+/));
  const namesFramework = (word: string) => word === framework || word.startsWith(`${framework}@`);
  const line = lines.find((words) => words[0] === "npm" && words[1] === "install" && words.some(namesFramework));
  if (!line) throw new Error(`README.md's consumer-install block has no npm install line for ${framework}`);
  return line;
}

/** One consumer app in its own folder. */
export class ConsumerApp {
  constructor(readonly dir: string, readonly framework: Framework) {}

  /**
   * A new folder with the example's main.ts, a type check of the package's
   * declarations and a strict tsconfig (the package's declarations checked
   * too: no skipLibCheck), and `dependencies` in its package.json.
   */
  static create(dir: string, framework: Framework, dependencies: { readonly [name: string]: string } = {}): ConsumerApp {
    fs.mkdirSync(dir, { recursive: true });
    const write = (file: string, text: string) => fs.writeFileSync(path.join(dir, file), text);
    write("package.json", JSON.stringify({ name: path.basename(dir), private: true, dependencies }, null, 2));
    write("main.ts", consumerMain(framework));
    write("types.ts", typesCheck(framework));
    write("tsconfig.json", JSON.stringify({
      compilerOptions: { target: "ES2022", module: "commonjs", strict: true, skipLibCheck: false, types: [] },
      files: ["main.ts", "types.ts"],
    }));
    return new ConsumerApp(dir, framework);
  }

  /** `npm install ARGS` as a user types it: no flag that loosens peer checks (audit and fund are network calls only). */
  npmInstall(args: readonly string[] = []): Promise<RunResult> {
    return run("npm", ["install", "--no-audit", "--no-fund", ...args], { cwd: this.dir, env: process.env });
  }

  /** The installed version of a package. */
  version(name: string): string {
    return JSON.parse(fs.readFileSync(path.join(this.dir, "node_modules", name, "package.json"), "utf8")).version;
  }

  /** The framework, its binding and constructs, as installed. */
  versions(): { readonly [name: string]: string } {
    return Object.fromEntries([this.framework, BINDING[this.framework], "constructs"].map((name) => [name, this.version(name)]));
  }

  /** The hashicorp/aws version the installed binding was generated from (its package.json, `cdktf.provider` or `cdktn.provider`). */
  providerVersion(): string {
    const manifest = JSON.parse(fs.readFileSync(path.join(this.bindingDir(), "package.json"), "utf8"));
    return manifest[this.framework].provider.version;
  }

  bindingDir(): string {
    return path.join(this.dir, "node_modules", BINDING[this.framework]);
  }

  /** `npm ls --all`: its status and the problems it lists (missing, invalid or extraneous packages, unmet peers). */
  async problems(): Promise<{ status: number; problems: unknown }> {
    const listed = await run("npm", ["ls", "--all", "--json"], { cwd: this.dir, env: process.env, allowFailure: true });
    return { status: listed.status, problems: JSON.parse(listed.stdout).problems };
  }

  /** `tsc --noEmit -p .`: its output and status. */
  typeCheck(): Promise<RunResult> {
    return run(process.execPath, [TSC, "--noEmit", "-p", "."], { cwd: this.dir, env: process.env, allowFailure: true });
  }

  /**
   * Runs main.ts with its types stripped (as `ts-node --transpile-only` in a
   * cdktf.json does, by the project's tooling/register-ts.js) and returns the
   * synthesized stack.
   */
  async synthesize(): Promise<any> {
    const outdir = path.join(this.dir, "cdktf.out");
    fs.rmSync(outdir, { recursive: true, force: true });
    await run(process.execPath, ["--require", REGISTER_TS, "main.ts"], { cwd: this.dir, env: { ...process.env, CDKTF_OUTDIR: outdir } });
    return JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "consumer", "cdk.tf.json"), "utf8"));
  }
}

/** `npm pack` of this project into `dir`; the tarball's path. */
export async function packTarball(dir: string): Promise<string> {
  const packed = await run("npm", ["pack", "--json", "--pack-destination", dir], { cwd: PROJECT_DIR, env: process.env });
  return path.join(dir, JSON.parse(packed.stdout.slice(packed.stdout.indexOf("[")))[0].filename);
}
