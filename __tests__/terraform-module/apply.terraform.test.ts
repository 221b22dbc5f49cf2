/**
 * terraform-module/ as a Terraform team uses it: its example root module (`source = "../"`) applied with the real
 * provider against moto, re-planned with no changes, and destroyed; IAM then holds exactly the procedure's documents,
 * scoped as the example asks.
 */
import * as fs from "fs";
import * as path from "path";
import { EmulatedAccount } from "../support/emulator";
import { documentsOf, expectNoChangesIn } from "../support/lifecycle";
import { seedPermissionsPolicyFor, seedTrustPolicyFor } from "../support/seed";
import { RunResult, TerraformWorkdir, testEnv } from "../support/terraform";
import { MODULE_DIR } from "./declarations";

// A copy: terraform init writes .terraform into the folder it runs in.
const moduleDir = TerraformWorkdir.create("module-apply");
const example = ["-chdir=examples"];
let aws: EmulatedAccount;
let env: NodeJS.ProcessEnv;
let destroyed: RunResult;
let roleArnOutput: string;

beforeAll(async () => {
  fs.cpSync(MODULE_DIR, moduleDir.dir, { recursive: true, filter: (source) => !path.basename(source).startsWith(".terraform") });
  aws = await EmulatedAccount.open(undefined, "eu-west-1");
  env = testEnv(aws.env);
  await moduleDir.terraform([...example, "init", "-input=false", "-no-color"], env);
  await moduleDir.terraform([...example, "apply", "-input=false", "-no-color", "-auto-approve"], env);
  roleArnOutput = JSON.parse((await moduleDir.terraform([...example, "output", "-json"], env)).stdout).role_arn.value;
});

afterAll(() => moduleDir.remove());

describe("the module's example, applied", () => {
  it("creates one role with the procedure's documents, scoped to the example's identity, set and project", async () => {
    const roles = await aws.iam.roles();
    expect(roles.map((role) => role.arn)).toEqual([roleArnOutput]);
    const at = { partition: "aws", region: "eu-west-1", account: aws.account };
    expect(documentsOf(roles[0])).toEqual({
      trust: seedTrustPolicyFor(at, ["0123456789abcdef0123456789abcdef"]),
      policies: { PinpointUsesSESForEmailSends: seedPermissionsPolicyFor(at, ["example.com"], ["marketing"]) },
    });
    expect(Object.fromEntries(roles[0].tags)).toEqual({ team: "messaging" });
  });

  it("re-plans with no changes", async () => {
    expectNoChangesIn(await moduleDir.terraform([...example, "plan", "-input=false", "-no-color", "-detailed-exitcode"], env, true));
  });

  describe("then destroyed", () => {
    beforeAll(async () => {
      destroyed = await moduleDir.terraform([...example, "destroy", "-input=false", "-no-color", "-auto-approve"], env);
    });

    it("leaves no role in the account", async () => {
      expect(destroyed.stdout).toMatch(/Destroy complete! Resources: 2 destroyed\./);
      expect(await aws.iam.roles()).toEqual([]);
    });
  });
});
