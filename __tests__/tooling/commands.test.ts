/**
 * Every command in package.json that runs a TypeScript file answers --help
 * with its usage (exit 0) and refuses an unknown flag with the usage (exit 2),
 * before doing anything: run as a user runs them, `npm run -s NAME -- …`.
 */
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR, run } from "../support/terraform";

const scripts: { [name: string]: string } = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).scripts;
/** Scripts that run a .ts file: every one of them is a command-line tool. */
const commands = Object.keys(scripts)
  .filter((name) => /^node --require \.\/tooling\/register-ts\.js .*\.ts$/.test(scripts[name]));

const npmRun = (name: string, ...args: string[]) =>
  run("npm", ["run", "-s", name, "--", ...args], { cwd: PROJECT_DIR, allowFailure: true });

describe.each(commands)("npm run %s", (name) => {
  it("prints its usage for --help and exits 0, and for an unknown flag prints the usage line and exits 2", async () => {
    const [help, bogus] = await Promise.all([npmRun(name, "--help"), npmRun(name, "--bogus")]);
    // A usage line, optionally followed by a description of each option (the run task has many).
    expect(help.stdout).toMatch(new RegExp(`^usage: ${name}\\b[^\\n]*\\n(\\n[\\s\\S]*\\n)?$`));
    expect(help).toEqual({ status: 0, stdout: help.stdout, stderr: "" });
    const usageLine = help.stdout.split("\n")[0];
    expect(bogus).toEqual({ status: 2, stdout: "", stderr: `${name}: unknown option --bogus; ${usageLine}\n` });
  });
});

describe("the usage of this project's own commands", () => {
  it.each([
    ["synth", "usage: synth [--out-json=DIR] [--out-hcl=DIR]  (Terraform JSON to DIR, default cdktf.out; HCL to DIR, default cdktf.out.hcl)\n"],
    ["try-local", "usage: try-local [--out=DIR]  (plan JSON and its review to DIR, default try-local.out)\n"],
    ["bench", "usage: bench [synth|deployments|review|run-task]...  (all by default; BENCH_RUNS=N runs each measurement N times, " +
      "default 7)\n"],
  ])("npm run -s %s -- -h prints its usage", async (name, usage) => {
    expect(await npmRun(name, "-h")).toEqual({ status: 0, stdout: usage, stderr: "" });
  });

  it("lists every command-line tool of package.json here", () => {
    expect(commands).toEqual(expect.arrayContaining(["synth", "try-local", "bench", "review", "deployer-policy", "run-task",
      "deployments-schema"]));
  });
});
