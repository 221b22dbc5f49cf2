/**
 * The app run with the cdktf CLI, as a user runs it, from a copy of the
 * project in a temporary directory: cdktf's default local backend writes
 * state where the app is synthesized, and cdktf.out/ goes there too, so
 * nothing of a run lands in the project. Used by the CLI test and by
 * `npm run try-local`.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MIRROR_ENV } from "../../tooling/terraform-cli-config";
import { PROJECT_DIR, run, RunResult } from "./terraform";

/** What the app needs to synthesize: cdktf.json runs main.ts through sucrase. */
const APP_FILES = ["cdktf.json", "main.ts", "app", "modules", "tooling", "tsconfig.json"];

/** `echo`: the command's output goes straight to this process's; `args`: more arguments for cdktf. */
export interface CliOptions {
  readonly echo?: boolean;
  readonly args?: readonly string[];
}

export class CdktfAppCopy {
  static create(label: string): CdktfAppCopy {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pinpoint-ses-${label}-`));
    for (const entry of APP_FILES) {
      fs.cpSync(path.join(PROJECT_DIR, entry), path.join(dir, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"), "dir");
    return new CdktfAppCopy(dir);
  }

  /** Where `deploy` writes the stack outputs. */
  readonly outputsFile: string;

  private constructor(readonly dir: string) {
    this.outputsFile = path.join(dir, "outputs.json");
  }

  /** `cdktf synth`: the stacks' Terraform JSON in `stackDir(name)`. */
  synth(env: NodeJS.ProcessEnv, options: CliOptions = {}): Promise<RunResult> {
    return this.cdktf(["synth", ...(options.args ?? [])], env, options.echo);
  }

  /** Where cdktf writes a stack's configuration and runs terraform for it. */
  stackDir(stackName: string): string {
    return path.join(this.dir, "cdktf.out", "stacks", stackName);
  }

  /** `cdktf deploy --auto-approve`, writing the outputs to `outputsFile`. */
  deploy(env: NodeJS.ProcessEnv, options: CliOptions = {}): Promise<RunResult> {
    return this.cdktf(["deploy", "--auto-approve", "--outputs-file", this.outputsFile, ...(options.args ?? [])], env, options.echo);
  }

  /** `cdktf destroy --auto-approve`. */
  destroy(env: NodeJS.ProcessEnv, options: CliOptions = {}): Promise<RunResult> {
    return this.cdktf(["destroy", "--auto-approve", ...(options.args ?? [])], env, options.echo);
  }

  /** The outputs of the last deploy: stack name → output name → value. */
  outputs(): { [stack: string]: { [name: string]: unknown } } {
    return JSON.parse(fs.readFileSync(this.outputsFile, "utf8"));
  }

  /** The local state of a stack: the app's local backend keeps terraform.STACK.tfstate beside the stack's configuration. */
  state(stackName: string): { resources: unknown[]; outputs: object } {
    return JSON.parse(fs.readFileSync(path.join(this.stackDir(stackName), `terraform.${stackName}.tfstate`), "utf8"));
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private cdktf(args: string[], env: NodeJS.ProcessEnv, echo = false): Promise<RunResult> {
    // With a provider mirror there is no registry to fetch other platforms' checksums from,
    // which `cdktf deploy` asks `terraform providers lock` for on its first init.
    const offline = env[MIRROR_ENV] && args[0] !== "synth" ? ["--skip-provider-lock"] : [];
    return run(path.join(PROJECT_DIR, "node_modules", ".bin", "cdktf"), [...args, ...offline],
      { cwd: this.dir, env, echo, timeoutMs: 5 * 60_000 });
  }
}
