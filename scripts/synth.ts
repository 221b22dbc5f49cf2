/**
 * `npm run synth`: every stack to Terraform JSON (cdktf.out/) and to HCL (cdktf.out.hcl/) with the cdktf CLI, the HCL
 * formatted by `terraform fmt`. A bad setting stops it with the app's one-line message, without cdktf's wrapper around it.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { command, parseArguments, runFromCommandLine } from "../tooling/command-line";
import { terraformEnv } from "../tooling/terraform-cli-config";

const PROJECT_DIR = path.resolve(__dirname, "..");
const CDKTF = path.join(PROJECT_DIR, "node_modules", ".bin", "cdktf");
const USAGE = "usage: synth [--out-json=DIR] [--out-hcl=DIR]  " +
  "(Terraform JSON to DIR, default cdktf.out; HCL to DIR, default cdktf.out.hcl)";

/** Runs `cdktf synth --output OUTDIR ...extra`; returns the synthesized stacks' files. */
function synth(outdir: string, extra: string[], env: NodeJS.ProcessEnv): string[] {
  // cdktf creates the output folder but not its parents.
  fs.mkdirSync(path.resolve(PROJECT_DIR, outdir), { recursive: true });
  const run = spawnSync(CDKTF, ["synth", "--output", outdir, ...extra], { cwd: PROJECT_DIR, env, encoding: "utf8" });
  const output = `${run.stdout}${run.stderr}`;
  if (run.error) throw new Error(`cannot run ${CDKTF}: ${run.error.message}; run npm ci first`);
  if (run.status !== 0 || /\[ERROR\]/.test(output)) {
    // cdktf reports a failed synth as `Command output on stderr:` then the app's lines, indented by four.
    const stderr = /Command output on stderr:\n\n([\s\S]*?)\n*$/.exec(output)?.[1];
    const appMessage = stderr?.split("\n").map((line) => line.replace(/^ {4}/, "")).join("\n").trim();
    throw new Error(appMessage || `cdktf synth ${extra.join(" ")} failed (exit ${run.status}):\n${output.trim()}`);
  }
  const manifest = JSON.parse(fs.readFileSync(path.resolve(PROJECT_DIR, outdir, "manifest.json"), "utf8"));
  return Object.values(manifest.stacks as { [name: string]: { synthesizedStackPath: string } })
    .map((stack) => path.join(outdir, stack.synthesizedStackPath));
}

runFromCommandLine(command("synth", async (argv, write, fail) => {
  const args = parseArguments(argv, { withValue: ["out-json", "out-hcl"], positionals: false }, USAGE);
  try {
    // CI=1: cdktf prints no spinner frames into the output it hands back.
    const env = { ...terraformEnv(PROJECT_DIR), CI: "1" };
    const json = synth(args.value("out-json") ?? "cdktf.out", [], env);
    const hcl = synth(args.value("out-hcl") ?? "cdktf.out.hcl", ["--hcl"], env);
    // cdktf's HCL is valid but not `terraform fmt`-clean; a repository that takes it over expects it to be.
    const fmt = spawnSync("terraform", ["fmt", "-list=false", ...hcl.map((file) => path.resolve(PROJECT_DIR, file))],
      { cwd: PROJECT_DIR, env, encoding: "utf8" });
    if (fmt.error) throw new Error("terraform is not on PATH; it is needed to format the HCL (Terraform >= 1.5)");
    if (fmt.status !== 0) throw new Error(`terraform fmt failed: ${fmt.stderr.trim()}`);
    write(["Terraform JSON:", ...json.map((file) => `  ${file}`), "Terraform HCL:", ...hcl.map((file) => `  ${file}`), ""].join("\n"));
    return 0;
  } catch (error) {
    // The app's own message (a bad setting), a missing tool or mirror: one line, no stack trace.
    fail(`${(error as Error).message}\n`);
    return 1;
  }
}));
