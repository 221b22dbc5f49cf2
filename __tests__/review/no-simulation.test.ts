/**
 * `simulate: false` (`--no-simulation`): the rules run and the simulator
 * (`@cloud-copilot/iam-simulate`, AGPL-3.0) is never loaded, which the run
 * task's AGPL-free mode relies on. A child process tells which modules it loaded.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "../support/terraform";
import { handBuiltPlan, role, rolePolicy } from "../support/hand-built-plans";

const ACCOUNT = "456789012345";
const PINPOINT_ROLE = handBuiltPlan([
  role("aws_iam_role.sender", {
    name: "sender",
    trust: {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "pinpoint.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } }],
    },
  }),
  rolePolicy("aws_iam_role_policy.sender", "sender", {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }],
  }),
]);

let dir: string;
let planFile: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "review-no-simulation-"));
  planFile = path.join(dir, "plan.json");
  fs.writeFileSync(planFile, JSON.stringify(PINPOINT_ROLE));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the review command in a fresh node process; returns its exit code, output and whether it loaded the simulator. */
function reviewInChild(args: readonly string[]) {
  const script = `
    require("./tooling/register-ts.js");
    const { main } = require("./review/cli");
    let out = "";
    let err = "";
    main(${JSON.stringify(args)}, (text) => (out += text), (text) => (err += text)).then((code) => {
      const loaded = Object.keys(require.cache);
      process.stdout.write(JSON.stringify({
        code,
        simulator: loaded.some((file) => file.includes("@cloud-copilot/iam-simulate")),
        simulationModule: loaded.some((file) => file.endsWith(require("path").join("review", "simulation.ts"))),
        out,
        err,
      }));
    });`;
  const child = spawnSync(process.execPath, ["-e", script], { cwd: PROJECT_DIR, encoding: "utf8", timeout: 60_000 });
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout) as { code: number; simulator: boolean; simulationModule: boolean; out: string; err: string };
}

describe("review without simulation", () => {
  it("never loads the simulator with --no-simulation, and still reports the rules' findings", () => {
    const result = reviewInChild([planFile, "--no-simulation", "--fail-on=error", "--region=us-east-1", `--account=${ACCOUNT}`]);
    expect(result).toMatchObject({ code: 1, simulator: false, simulationModule: false });
    expect(result.out).toContain("`pinpoint-beyond-sending`");
    expect(result.out).toContain("not run: simulation is turned off (--no-simulation); the rules ran");
  });

  it("loads the simulator when simulation is on, so the check above can fail", () => {
    const result = reviewInChild([planFile, "--fail-on=error", "--region=us-east-1", `--account=${ACCOUNT}`]);
    expect(result).toMatchObject({ code: 1, simulator: true, simulationModule: true });
    expect(result.out).toContain("`simulation-mismatch`");
  });

  it("rejects a value given to --no-simulation with one line", () => {
    const result = reviewInChild([planFile, "--no-simulation=yes"]);
    expect(result).toMatchObject({ code: 2, out: "", err: expect.stringMatching(/^review: --no-simulation takes no value; usage: review .*\n$/) });
  });
});
