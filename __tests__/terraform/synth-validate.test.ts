/**
 * The README's main command, `npm run synth`, run as a user runs it: it must
 * print where it wrote JSON and HCL, print no [ERROR] line, and both outputs
 * must pass `terraform validate`.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR, run, RunResult, TerraformWorkdir, testEnv } from "../support/terraform";

const out = fs.mkdtempSync(path.join(os.tmpdir(), "pinpoint-ses-synth-"));
// JSON and HCL need the same providers: one init serves both, one file at a time.
const workdir = TerraformWorkdir.create("validate");
let synth: RunResult;
const stackDir = (kind: string) => path.join(out, kind, "stacks", "pinpoint-ses-sending-role");

beforeAll(async () => {
  synth = await run("npm", ["run", "synth", "--", "--out-json", path.join(out, "json"), "--out-hcl", path.join(out, "hcl")], {
    cwd: PROJECT_DIR,
    env: testEnv(),
  });
  workdir.write("cdk.tf.json", fs.readFileSync(path.join(stackDir("json"), "cdk.tf.json"), "utf8"));
  await workdir.init({ backend: false });
});

afterAll(() => {
  fs.rmSync(out, { recursive: true, force: true });
  workdir.remove();
});

async function validateOnly(folder: string, file: string) {
  for (const stale of ["cdk.tf.json", "cdk.tf"]) fs.rmSync(path.join(workdir.dir, stale), { force: true });
  workdir.write(file, fs.readFileSync(path.join(folder, file), "utf8"));
  return workdir.validate();
}

describe("npm run synth", () => {
  it("says where it wrote the Terraform JSON and HCL", () => {
    expect(synth.stdout).toContain(`Terraform JSON:\n  ${path.join(out, "json", "stacks/pinpoint-ses-sending-role/cdk.tf.json")}`);
    expect(synth.stdout).toContain(`Terraform HCL:\n  ${path.join(out, "hcl", "stacks/pinpoint-ses-sending-role/cdk.tf")}`);
  });

  it("prints no [ERROR] line", () => {
    expect(`${synth.stdout}${synth.stderr}`).not.toMatch(/\[ERROR\]/);
  });

  it("writes JSON that terraform validate accepts", async () => {
    expect(await validateOnly(stackDir("json"), "cdk.tf.json")).toMatchObject({ valid: true, diagnostics: [] });
  });

  it("writes HCL that terraform validate accepts, with the role, policy and data sources", async () => {
    const hcl = fs.readFileSync(path.join(stackDir("hcl"), "cdk.tf"), "utf8");
    for (const block of ['resource "aws_iam_role"', 'resource "aws_iam_role_policy"', 'data "aws_partition"',
      'data "aws_caller_identity"', 'data "aws_region"', 'output "role_arn"']) {
      expect(hcl).toContain(block);
    }
    expect(await validateOnly(stackDir("hcl"), "cdk.tf")).toMatchObject({ valid: true, diagnostics: [] });
  });
});
