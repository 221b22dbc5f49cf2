/**
 * The `npm run review` command line: bad input gets one line naming the
 * problem and exit code 2, never a stack trace; good input a report.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../review/cli";
import { PROJECT_DIR } from "../support/terraform";
import { handBuiltPlan, role } from "../support/hand-built-plans";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "review-input-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer | object): string {
  const target = path.join(dir, name);
  fs.writeFileSync(target, typeof content === "string" || Buffer.isBuffer(content) ? content : JSON.stringify(content));
  return target;
}

async function runReview(args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(args, (text) => (stdout += text), (text) => (stderr += text));
  return { code, stdout, stderr };
}

const ONE_ROLE = handBuiltPlan([role("aws_iam_role.r", { name: "r", trust: { Statement: [] } })]);

describe("review of bad input", () => {
  it.each([
    { problem: "a file that is not JSON", content: "{ not json", message: /plan\.json is not JSON \(/ },
    { problem: "an empty file", content: "", message: /is empty; expected the output of terraform show -json/ },
    { problem: "a binary plan file", content: Buffer.from("PK\u0003\u0004tfplan"), message: /is a binary plan file; .*terraform show -json/ },
    { problem: "a JSON array", content: [1, 2], message: /is not a Terraform plan: the JSON is an array/ },
    { problem: "Terraform configuration JSON", content: { resource: { aws_iam_role: {} } }, message: /looks like Terraform configuration/ },
    { problem: "Terraform state JSON", content: { format_version: "1.0", values: { root_module: {} } }, message: /is Terraform state, not a plan/ },
    { problem: "an unknown format_version major", content: { ...ONE_ROLE, format_version: "2.0" }, message: /format_version 2\.0; this tool reads the 1\.x/ },
    { problem: "a format_version that is not MAJOR.MINOR", content: { ...ONE_ROLE, format_version: 1 }, message: /format_version 1; expected "MAJOR\.MINOR"/ },
    { problem: "a field unknown in format 1.2", content: { ...ONE_ROLE, stack_outputs: {} }, message: /has field stack_outputs, unknown in plan format 1\.2/ },
    { problem: "a plan with no resource_changes", content: { format_version: "1.2", terraform_version: "1.11.4" }, message: /is an empty plan/ },
    { problem: "a plan with an empty resource_changes", content: { ...ONE_ROLE, resource_changes: [] }, message: /is an empty plan/ },
    { problem: "a plan that errored", content: { ...ONE_ROLE, errored: true }, message: /is a plan that errored/ },
    {
      problem: "a change action unknown to the tool",
      content: { ...ONE_ROLE, resource_changes: [{ ...ONE_ROLE.resource_changes[0], change: { actions: ["transmogrify"] } }] },
      message: /\(aws_iam_role\.r\) has action "transmogrify", unknown to this tool/,
    },
  ])("exits 2 with one line for $problem", async ({ content, message }) => {
    const result = await runReview([file("plan.json", content as object)]);
    expect(result).toEqual({ code: 2, stdout: "", stderr: expect.stringMatching(message) });
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it.each([
    { problem: "a missing plan file", args: ["no-such-plan.json"], message: /cannot read plan no-such-plan\.json: no such file/ },
    { problem: "no plan file", args: [], message: /expected one plan file, got 0; usage: review/ },
    { problem: "an unknown option", args: ["plan.json", "--fail-at=error"], message: /unknown option --fail-at; usage/ },
    { problem: "a --fail-on level that does not exist", args: ["plan.json", "--fail-on=info"], message: /--fail-on is "info"; expected warning or error/ },
    { problem: "an account that is not 12 digits", args: ["plan.json", "--account=12345"], message: /--account 12345 is not a 12-digit account id/ },
    { problem: "a --policy that is not ARN=FILE", args: ["plan.json", "--policy=boundary.json"], message: /--policy boundary\.json is not ARN=FILE/ },
  ])("exits 2 with one line for $problem", async ({ args, message }) => {
    const result = await runReview(args);
    expect(result).toEqual({ code: 2, stdout: "", stderr: expect.stringMatching(message) });
  });

  it("reads a plan of a newer minor format, whose new fields it ignores as Terraform asks", async () => {
    const result = await runReview([file("newer.json", { ...ONE_ROLE, format_version: "1.9", stack_outputs: {} })]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toMatch(/JSON format 1\.9: 1 IAM role/);
  });

  it("writes the report to the --out file instead of standard output", async () => {
    const out = path.join(dir, "report.md");
    const result = await runReview([file("one-role.json", ONE_ROLE), `--out=${out}`]);
    expect(result).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(fs.readFileSync(out, "utf8")).toMatch(/^# IAM review of a Terraform plan\n[\s\S]*## `aws_iam_role\.r` — create/);
  });

  it("prints one line and no stack trace from the real npm script", () => {
    const run = spawnSync("npm", ["run", "-s", "review", "--", file("broken.json", "{ not json")],
      { cwd: PROJECT_DIR, encoding: "utf8", timeout: 60_000 });
    expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 2, stdout: "" });
    expect(run.stderr).toMatch(/^review: .*broken\.json is not JSON \(.*\)\n$/);
  });
});
