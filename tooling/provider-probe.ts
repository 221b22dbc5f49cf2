/**
 * Whether terraform can install the hashicorp/aws provider with the
 * project's CLI configuration: one `terraform init` of a configuration that
 * needs nothing else, in a temporary folder (under a second offline, about
 * 2 s from a mirror). Used before slow work, so that a machine without
 * network hears at once which variable to set.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MIRROR_ENV } from "./terraform-cli-config";

const PROVIDER_ONLY = 'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = "5.100.0"\n    }\n  }\n}\n';

/**
 * Undefined when the provider installs; otherwise why not, as the end of a
 * sentence ("terraform cannot install the hashicorp/aws provider from …").
 * `env` is an environment from `terraformEnv`.
 */
export function providerInstallProblem(env: NodeJS.ProcessEnv): string | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "provider-probe-"));
  try {
    fs.writeFileSync(path.join(dir, "main.tf"), PROVIDER_ONLY);
    const init = spawnSync("terraform", ["init", "-backend=false", "-input=false", "-no-color"],
      { cwd: dir, env, encoding: "utf8", timeout: 20_000 });
    if (init.error && (init.error as NodeJS.ErrnoException).code === "ENOENT") return "terraform is not on PATH";
    if (init.status === 0) return undefined;
    const where = env[MIRROR_ENV] ? `from the mirror ${env[MIRROR_ENV]}` : "from the registry (no network?)";
    return `terraform cannot install the hashicorp/aws provider ${where}`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
