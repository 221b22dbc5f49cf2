/**
 * Runs the real terraform CLI for tests: each configuration shape gets one
 * temporary working directory, initialised once, in which configurations of
 * that shape are planned one after another; `fork` gives a scenario its own
 * directory and state without another `terraform init`.
 */
import { spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { terraformEnv } from "../../tooling/terraform-cli-config";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");

/** The environment every terraform and cdktf call in the tests runs with. */
export function testEnv(extra: { [name: string]: string } = {}): NodeJS.ProcessEnv {
  return { ...terraformEnv(PROJECT_DIR), TF_IN_AUTOMATION: "1", TF_INPUT: "0", ...extra };
}

export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command with a time limit; rejects with its output if it fails,
 * unless `allowFailure`. With `echo`, its output goes straight to this
 * process's stdout and stderr (a terminal stays a terminal) and is not kept.
 * Asynchronous on purpose: the local AWS endpoint runs in the test's own
 * process and must keep answering while terraform waits.
 */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; allowFailure?: boolean; timeoutMs?: number; echo?: boolean },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const output = options.echo ? "inherit" : "pipe";
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? testEnv(), stdio: ["ignore", output, output] });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk) => (stdout += chunk));
    child.stderr?.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 5 * 60_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`${command} ${args.join(" ")}: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const outcome = { status: code ?? -1, stdout, stderr };
      if (outcome.status !== 0 && !options.allowFailure) {
        reject(new Error(`${command} ${args.join(" ")} exited ${code ?? signal} in ${options.cwd}\n${stdout}\n${stderr}`));
      } else {
        resolve(outcome);
      }
    });
  });
}

/** A terraform plan as `terraform show -json` prints it (the parts the tests read). */
export interface PlanJson {
  readonly format_version: string;
  readonly resource_changes?: ReadonlyArray<{
    readonly address: string;
    readonly type: string;
    readonly change: {
      readonly actions: readonly string[];
      readonly before: any;
      readonly after: any;
      /** Set when the resource is imported by an import block. */
      readonly importing?: { readonly id: string };
    };
  }>;
  readonly planned_values?: any;
  readonly output_changes?: { readonly [name: string]: { readonly after: unknown } };
}

/** A state as `terraform state pull` prints it (format version 4; the parts the tests read). */
export interface StateJson {
  readonly outputs: { readonly [name: string]: { readonly value: unknown } };
  readonly resources: ReadonlyArray<{
    readonly mode: "managed" | "data";
    readonly type: string;
    readonly name: string;
    readonly instances: ReadonlyArray<{ readonly attributes: any }>;
  }>;
}

/** The local state file, relative to the working directory. */
const STATE_FILE = "terraform.tfstate";

/** A temporary terraform working directory. */
export class TerraformWorkdir {
  static create(label: string): TerraformWorkdir {
    return new TerraformWorkdir(fs.mkdtempSync(path.join(os.tmpdir(), `pinpoint-ses-${label}-`)));
  }

  /**
   * A working directory with `files`, initialised once per test run and
   * shared by every test file (jest runs them in separate processes): the
   * first caller runs `terraform init` in a folder named by `key` and the
   * files' digest under the run's temporary root, the others wait for it.
   * Callers share an init only with byte-identical files (the cdktn project
   * synthesizes its own). Each caller gets its own fork (named by `label`),
   * with its own state.
   */
  static async shared(key: string, files: { readonly [file: string]: string | object }, label = key): Promise<TerraformWorkdir> {
    const digest = crypto.createHash("sha256").update(JSON.stringify(files)).digest("hex").slice(0, 12);
    const base = new TerraformWorkdir(path.join(os.tmpdir(), `pinpoint-ses-shared-init-${key}-${digest}`));
    const ready = path.join(base.dir, ".ready");
    const failed = path.join(base.dir, ".failed");
    let first = true;
    try {
      fs.mkdirSync(base.dir); // atomic: exactly one process gets to initialise
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      first = false;
    }
    if (first) {
      try {
        for (const [file, content] of Object.entries(files)) base.write(file, content);
        await base.init();
        fs.writeFileSync(ready, "");
      } catch (error) {
        fs.writeFileSync(failed, (error as Error).message);
        throw error;
      }
    }
    // Bounded: an init takes seconds; give up after five minutes.
    for (let waited = 0; !fs.existsSync(ready); waited += 100) {
      if (fs.existsSync(failed)) throw new Error(`the shared terraform init ${key} failed:\n${fs.readFileSync(failed, "utf8")}`);
      if (waited > 5 * 60_000) throw new Error(`the shared terraform init ${key} did not finish in five minutes`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const fork = base.fork(label);
    for (const [file, content] of Object.entries(files)) fork.write(file, content);
    return fork;
  }

  private constructor(readonly dir: string) {}

  /** Writes a configuration file (an object is written as JSON). */
  write(file: string, content: string | object): void {
    fs.writeFileSync(path.join(this.dir, file),
      typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }

  /** Runs terraform here, as a user would: it starts its own provider. */
  terraform(args: readonly string[], env: NodeJS.ProcessEnv = testEnv(), allowFailure = false): Promise<RunResult> {
    return run("terraform", args, { cwd: this.dir, env, allowFailure });
  }

  /**
   * `terraform init`, with any local state kept inside the working directory
   * (a relative path, so that a `fork` keeps its state in its own directory).
   */
  async init(options: { backend?: boolean } = {}): Promise<void> {
    const backend = options.backend === false ? ["-backend=false"] : [`-backend-config=path=${STATE_FILE}`];
    await this.terraform(["init", "-input=false", "-no-color", ...backend]);
  }

  /**
   * A new directory that shares this one's `terraform init` (providers, lock
   * file, backend settings: a copy of `.terraform`, whose providers are links)
   * and has its own, empty state. Configurations written to it must have the
   * same providers and backend block as the one this directory was initialised for.
   */
  fork(label: string): TerraformWorkdir {
    const fork = TerraformWorkdir.create(label);
    fs.cpSync(path.join(this.dir, ".terraform"), path.join(fork.dir, ".terraform"), { recursive: true, verbatimSymlinks: true });
    fs.copyFileSync(path.join(this.dir, ".terraform.lock.hcl"), path.join(fork.dir, ".terraform.lock.hcl"));
    return fork;
  }

  async validate(): Promise<{ valid: boolean; diagnostics: unknown[] }> {
    return JSON.parse((await this.terraform(["validate", "-json", "-no-color"], undefined, true)).stdout);
  }

  /** `terraform plan -out` then `terraform show -json` of that plan. */
  async plan(env: NodeJS.ProcessEnv, extraArgs: readonly string[] = []): Promise<PlanJson> {
    await this.terraform(["plan", "-input=false", "-no-color", "-lock=false", "-out=tfplan", ...extraArgs], env);
    return JSON.parse((await this.terraform(["show", "-json", "tfplan"], env)).stdout);
  }

  /**
   * `terraform apply -auto-approve`, or of the plan saved by `plan` when
   * `savedPlan`. With `allowFailure` a failed apply resolves with its output.
   */
  apply(env: NodeJS.ProcessEnv, options: { savedPlan?: boolean; allowFailure?: boolean } = {}): Promise<RunResult> {
    const what = options.savedPlan ? ["tfplan"] : ["-auto-approve"];
    return this.terraform(["apply", "-input=false", "-no-color", "-lock=false", ...what], env, options.allowFailure);
  }

  destroy(env: NodeJS.ProcessEnv): Promise<RunResult> {
    return this.terraform(["destroy", "-input=false", "-no-color", "-lock=false", "-auto-approve"], env);
  }

  /** `terraform plan -detailed-exitcode`: status 0 means no changes, 2 changes (its output says which). */
  planExitCode(env: NodeJS.ProcessEnv): Promise<RunResult> {
    return this.terraform(["plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode"], env, true);
  }

  /**
   * The state, from `terraform state pull` (well under a second: it loads no
   * provider, unlike `terraform show -json`). An empty state when there is none.
   */
  async state(): Promise<StateJson> {
    const text = (await this.terraform(["state", "pull"])).stdout;
    return text.trim() === "" ? { outputs: {}, resources: [] } : JSON.parse(text);
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The attributes of each managed resource in a state, by type (`aws_iam_role` → one object per instance). */
export function managedResources(state: StateJson): { [type: string]: any[] } {
  const byType: { [type: string]: any[] } = {};
  for (const resource of state.resources.filter((r) => r.mode === "managed")) {
    byType[resource.type] = [...(byType[resource.type] ?? []), ...resource.instances.map((i) => i.attributes)];
  }
  return byType;
}

/** The change of the one resource of `type` in a plan (or of one construct's); fails if there is not exactly one. */
export function resourceChange(plan: PlanJson, type: string, construct?: string) {
  const changes = changesOf(plan, construct).filter((change) => change.type === type);
  if (changes.length !== 1) {
    throw new Error(`expected one ${type} in the plan, found ${changes.length}: ${changes.map((c) => c.address)}`);
  }
  return changes[0];
}

/** The plan's resource changes; with `construct`, only those of the construct of that id (its names start `ID_`). */
export function changesOf(plan: PlanJson, construct?: string): NonNullable<PlanJson["resource_changes"]> {
  const changes = plan.resource_changes ?? [];
  return construct === undefined ? changes : changes.filter((change) => change.address.split(".")[1].startsWith(`${construct}_`));
}
