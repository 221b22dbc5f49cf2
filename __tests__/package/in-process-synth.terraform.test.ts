/**
 * The app's stack synthesized in this process, to Terraform JSON and to HCL,
 * must pass `terraform validate` with the real AWS provider. Unlike
 * __tests__/terraform/synth-validate.test.ts (the cdktf CLI in a child
 * process), this runs on whichever cdktf the suite maps the name to, so the
 * cdktn project (jest.config.js) proves cdktn's output too.
 */
import * as fs from "fs";
import * as path from "path";
import { Testing } from "cdktf";
import { PinpointSesStack } from "../../app/stack";
import { AppConfig, DEFAULT_REGION, DEFAULT_STACK_NAME } from "../../app/config";
import { appStackJson } from "../support/synth";
import { TerraformWorkdir } from "../support/terraform";
import { initialisedWorkdir } from "../support/lifecycle";

const APP_ID = "0123456789abcdef0123456789abcdef";
/** The role with every resource the app can make: the role, its policy and the email channel. */
const CONFIG: Partial<AppConfig> = {
  sesIdentities: ["example.com"],
  emailChannel: { applicationId: APP_ID, identity: "example.com", fromAddress: "News <news@example.com>" },
};

// JSON and HCL need the app stack's providers: the run's one init of it serves both, one file at a time.
let workdir: TerraformWorkdir;

beforeAll(async () => {
  workdir = await initialisedWorkdir("in-process-synth");
});

afterAll(() => workdir?.remove());

function validateOnly(file: string, content: string | object) {
  for (const stale of ["cdk.tf.json", "cdk.tf"]) fs.rmSync(path.join(workdir.dir, stale), { force: true });
  workdir.write(file, content);
  return workdir.validate();
}

function stackHcl(): string {
  const stack = new PinpointSesStack(Testing.app(), {
    stackName: DEFAULT_STACK_NAME, region: DEFAULT_REGION, backend: { kind: "local" }, ...CONFIG,
  });
  return Testing.synthHcl(stack);
}

describe("the app's stack synthesized in process", () => {
  it("is Terraform JSON that terraform validate accepts, with the role, its policy and the email channel", async () => {
    const json = appStackJson(CONFIG);
    expect(Object.keys(json.resource).sort()).toEqual(["aws_iam_role", "aws_iam_role_policy", "aws_pinpoint_email_channel"]);
    expect(await validateOnly("cdk.tf.json", json)).toMatchObject({ valid: true, diagnostics: [] });
  });

  it("is HCL that terraform validate accepts, with the role, its policy, the email channel and the data sources", async () => {
    const hcl = stackHcl();
    for (const block of ['resource "aws_iam_role"', 'resource "aws_iam_role_policy"', 'resource "aws_pinpoint_email_channel"',
      'data "aws_partition"', 'data "aws_caller_identity"', 'data "aws_region"', 'output "role_arn"']) {
      expect(hcl).toContain(block);
    }
    expect(await validateOnly("cdk.tf", hcl)).toMatchObject({ valid: true, diagnostics: [] });
  });
});
