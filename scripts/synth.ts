/**
 * `npm run synth`: synthesizes every stack to Terraform JSON (cdktf.out/) and
 * to HCL (cdktf.out.hcl/) with the cdktf CLI, and says where they went.
 * `--out-json DIR` and `--out-hcl DIR` choose other folders.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { terraformEnv } from "../tooling/terraform-cli-config";

const projectDir = path.resolve(__dirname, "..");
const cdktf = path.join(projectDir, "node_modules", ".bin", "cdktf");
const env = terraformEnv(projectDir);

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

function synth(outdir: string, extra: string[]): string[] {
  // cdktf creates the output folder but not its parents.
  fs.mkdirSync(path.resolve(projectDir, outdir), { recursive: true });
  const run = spawnSync(cdktf, ["synth", "--output", outdir, ...extra], { cwd: projectDir, env, encoding: "utf8" });
  const output = `${run.stdout}${run.stderr}`;
  if (run.status !== 0 || /\[ERROR\]/.test(output)) {
    process.stderr.write(output);
    throw new Error(`cdktf synth ${extra.join(" ")} failed (exit ${run.status})`);
  }
  const manifest = JSON.parse(fs.readFileSync(path.resolve(projectDir, outdir, "manifest.json"), "utf8"));
  return Object.values(manifest.stacks as { [name: string]: { synthesizedStackPath: string; workingDirectory: string } })
    .map((stack) => path.join(outdir, stack.synthesizedStackPath));
}

try {
  const json = synth(option("--out-json", "cdktf.out"), []);
  const hcl = synth(option("--out-hcl", "cdktf.out.hcl"), ["--hcl"]);
  console.log("Terraform JSON:");
  json.forEach((file) => console.log(`  ${file}`));
  console.log("Terraform HCL:");
  hcl.forEach((file) => console.log(`  ${file}`));
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
