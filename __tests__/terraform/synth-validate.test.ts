/**
 * The README's main command, `npm run synth`, run as a user runs it: it must
 * print where it wrote JSON and HCL, print no [ERROR] line, both outputs
 * must pass `terraform validate`, and what it writes must be portable: no
 * path of this machine, the provider's registry address, `terraform fmt`-clean HCL.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { docExample } from "../support/doc-examples";
import { PROJECT_DIR, run, RunResult, TerraformWorkdir, testEnv } from "../support/terraform";
import { initialisedWorkdir } from "../support/lifecycle";

const out = fs.mkdtempSync(path.join(os.tmpdir(), "pinpoint-ses-synth-"));
// JSON and HCL need the app stack's providers: the run's one init of it serves both, one file at a time.
let workdir: TerraformWorkdir;
let synth: RunResult;
const stackDir = (kind: string) => path.join(out, kind, "stacks", "pinpoint-ses-sending-role");

beforeAll(async () => {
  synth = await run("npm", ["run", "-s", "synth", "--", "--out-json", path.join(out, "json"), "--out-hcl", path.join(out, "hcl")], {
    cwd: PROJECT_DIR,
    env: testEnv(),
  });
  workdir = await initialisedWorkdir("validate");
});

afterAll(() => {
  fs.rmSync(out, { recursive: true, force: true });
  workdir?.remove();
});

async function validateOnly(folder: string, file: string) {
  for (const stale of ["cdk.tf.json", "cdk.tf"]) fs.rmSync(path.join(workdir.dir, stale), { force: true });
  workdir.write(file, fs.readFileSync(path.join(folder, file), "utf8"));
  return workdir.validate();
}

describe("npm run synth", () => {
  it("says where it wrote the Terraform JSON and HCL, and nothing else", () => {
    expect(synth.stdout).toBe(`Terraform JSON:\n  ${path.join(out, "json", "stacks/pinpoint-ses-sending-role/cdk.tf.json")}\n` +
      `Terraform HCL:\n  ${path.join(out, "hcl", "stacks/pinpoint-ses-sending-role/cdk.tf")}\n`);
  });

  it("prints what the README shows, for the default folders", () => {
    const defaults = synth.stdout.replaceAll(`${path.join(out, "json")}/`, "cdktf.out/").replaceAll(`${path.join(out, "hcl")}/`, "cdktf.out.hcl/");
    expect(docExample("README.md", "synth")).toBe(defaults);
  });

  it("writes no path of this machine into any file (JSON, HCL, metadata, manifests)", () => {
    const files = fs.readdirSync(out, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
    expect(files.map((file) => path.relative(out, file)).sort()).toEqual([
      "hcl/manifest.json", "hcl/stacks/pinpoint-ses-sending-role/cdk.tf", "hcl/stacks/pinpoint-ses-sending-role/metadata.json",
      "json/manifest.json", "json/stacks/pinpoint-ses-sending-role/cdk.tf.json",
    ]);
    const machinePaths = [PROJECT_DIR, os.tmpdir(), os.homedir(), "/tmp/"];
    const found = files.flatMap((file) => machinePaths
      .filter((machinePath) => fs.readFileSync(file, "utf8").includes(machinePath))
      .map((machinePath) => `${path.relative(out, file)} holds ${machinePath}`));
    expect(found).toEqual([]);
  });

  it("keeps local state at a path relative to the stack's folder, and names the provider hashicorp/aws", () => {
    const json = JSON.parse(fs.readFileSync(path.join(stackDir("json"), "cdk.tf.json"), "utf8"));
    expect(json.terraform.backend).toEqual({ local: { path: "terraform.pinpoint-ses-sending-role.tfstate" } });
    expect(json.terraform.required_providers.aws).toEqual({ source: "hashicorp/aws", version: "5.100.0" });
    const hcl = fs.readFileSync(path.join(stackDir("hcl"), "cdk.tf"), "utf8");
    expect(hcl).toContain('backend "local" {\n    path = "terraform.pinpoint-ses-sending-role.tfstate"\n  }');
    expect(hcl).toContain('source  = "hashicorp/aws"');
  });

  it("writes HCL that terraform fmt -check accepts", async () => {
    const fmt = await run("terraform", ["fmt", "-check", "-recursive", path.join(out, "hcl")], { cwd: PROJECT_DIR, allowFailure: true });
    expect(fmt).toEqual({ status: 0, stdout: "", stderr: "" });
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
