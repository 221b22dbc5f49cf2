/**
 * Runs the real terraform CLI for tests: each configuration shape gets one
 * temporary working directory, initialised once, in which configurations of
 * that shape are planned one after another.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { terraformEnv } from "../../scripts/terraform-cli-config";

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
 * unless `allowFailure`. Asynchronous on purpose: the local AWS endpoint runs
 * in the test's own process and must keep answering while terraform waits.
 */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; allowFailure?: boolean; timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? testEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
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
    readonly change: { readonly actions: readonly string[]; readonly before: any; readonly after: any };
  }>;
  readonly planned_values?: any;
  readonly output_changes?: { readonly [name: string]: { readonly after: unknown } };
}

/** A temporary terraform working directory. */
export class TerraformWorkdir {
  static create(label: string): TerraformWorkdir {
    return new TerraformWorkdir(fs.mkdtempSync(path.join(os.tmpdir(), `pinpoint-ses-${label}-`)));
  }

  private constructor(readonly dir: string) {}

  /** Writes a configuration file (an object is written as JSON). */
  write(file: string, content: string | object): void {
    fs.writeFileSync(path.join(this.dir, file),
      typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }

  terraform(args: readonly string[], env?: NodeJS.ProcessEnv, allowFailure = false): Promise<RunResult> {
    return run("terraform", args, { cwd: this.dir, env: env ?? testEnv(), allowFailure });
  }

  /** `terraform init`, with any local state kept inside this directory. */
  async init(options: { backend?: boolean } = {}): Promise<void> {
    const backend = options.backend === false
      ? ["-backend=false"]
      : [`-backend-config=path=${path.join(this.dir, "terraform.tfstate")}`];
    await this.terraform(["init", "-input=false", "-no-color", ...backend]);
  }

  async validate(): Promise<{ valid: boolean; diagnostics: unknown[] }> {
    return JSON.parse((await this.terraform(["validate", "-json", "-no-color"], undefined, true)).stdout);
  }

  /** `terraform plan -out` then `terraform show -json` of that plan. */
  async plan(env: NodeJS.ProcessEnv, extraArgs: readonly string[] = []): Promise<PlanJson> {
    await this.terraform(["plan", "-input=false", "-no-color", "-lock=false", "-out=tfplan", ...extraArgs], env);
    return JSON.parse((await this.terraform(["show", "-json", "tfplan"], env)).stdout);
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The change of the one resource of `type` in a plan; fails if there is not exactly one. */
export function resourceChange(plan: PlanJson, type: string) {
  const changes = (plan.resource_changes ?? []).filter((change) => change.type === type);
  if (changes.length !== 1) {
    throw new Error(`expected one ${type} in the plan, found ${changes.length}: ${changes.map((c) => c.address)}`);
  }
  return changes[0];
}
