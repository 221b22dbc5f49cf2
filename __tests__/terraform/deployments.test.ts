/**
 * A new user's path to two accounts in two Regions: a deployments file,
 * `npm run synth` (JSON and HCL for each deployment), then `terraform plan`
 * of each generated HCL configuration with the real AWS provider, which
 * assumes each deployment's role at moto's STS.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EmulatedAccount } from "../support/emulator";
import { seedPermissionsPolicy, seedTrustPolicy } from "../support/seed";
import { PlanJson, PROJECT_DIR, resourceChange, run, RunResult, TerraformWorkdir, testEnv } from "../support/terraform";

const APP_ID = "0123456789abcdef0123456789abcdef";
const DEPLOYMENTS = [
  {
    name: "prod-us", region: "us-east-1", account: "111111111111",
    entry: {
      name: "prod-us", region: "us-east-1", assumeRoleArn: "arn:aws:iam::111111111111:role/terraform-deployer",
      options: {
        sesIdentities: ["example.com"],
        emailChannel: { applicationId: APP_ID, identity: "example.com", fromAddress: "News <news@example.com>" },
      },
    },
  },
  {
    name: "prod-eu", region: "eu-west-1", account: "222222222222",
    entry: {
      name: "prod-eu", region: "eu-west-1", assumeRoleArn: "arn:aws:iam::222222222222:role/ops/terraform-deployer",
      externalId: "pinpoint-ses", options: { pinpointApplicationIds: [APP_ID] },
    },
  },
];

const out = fs.mkdtempSync(path.join(os.tmpdir(), "pinpoint-ses-deployments-"));
const file = path.join(out, "deployments.json");
const hclOf = (name: string) => path.join(out, "hcl", "stacks", name, "cdk.tf");
let aws: EmulatedAccount;
let synth: RunResult;
const workdirs = new Map<string, TerraformWorkdir>();
const plans = new Map<string, PlanJson>();

beforeAll(async () => {
  // The credentials the provider starts with belong to a third account, as a CI runner's would.
  aws = await EmulatedAccount.open("999999999999");
  fs.writeFileSync(file, JSON.stringify({ deployments: DEPLOYMENTS.map((deployment) => deployment.entry) }, null, 2));
  synth = await run("npm", ["run", "synth", "--", "--out-json", path.join(out, "json"), "--out-hcl", path.join(out, "hcl")], {
    cwd: PROJECT_DIR,
    env: testEnv({ PINPOINT_SES_DEPLOYMENTS_FILE: file }),
  });
  await Promise.all(DEPLOYMENTS.map(async ({ name }) => {
    const workdir = TerraformWorkdir.create(name);
    workdirs.set(name, workdir);
    workdir.write("cdk.tf", fs.readFileSync(hclOf(name), "utf8"));
    await workdir.init();
    plans.set(name, await workdir.plan(testEnv(aws.env)));
  }));
});

afterAll(async () => {
  for (const workdir of workdirs.values()) workdir.remove();
  fs.rmSync(out, { recursive: true, force: true });
});

describe("npm run synth with a deployments file", () => {
  it("writes JSON and HCL for each deployment and says where", () => {
    for (const { name } of DEPLOYMENTS) {
      expect(synth.stdout).toContain(path.join(out, "json", "stacks", name, "cdk.tf.json"));
      expect(synth.stdout).toContain(hclOf(name));
    }
  });

  it("gives each deployment's HCL its own provider: Region, assumed role and the one allowed account", () => {
    const hcl = fs.readFileSync(hclOf("prod-eu"), "utf8");
    expect(hcl).toMatch(/region\s*=\s*"eu-west-1"/);
    expect(hcl).toMatch(/role_arn\s*=\s*"arn:aws:iam::222222222222:role\/ops\/terraform-deployer"/);
    expect(hcl).toMatch(/allowed_account_ids\s*=\s*\[\s*"222222222222",?\s*\]/);
  });
});

describe.each(DEPLOYMENTS)("terraform plan of deployment $name", ({ name, region, account }) => {
  const at = { partition: "aws", region, account };
  const planned = (type: string) => resourceChange(plans.get(name) as PlanJson, type).change.after;

  it(`plans the trust policy for account ${account}, reached by assuming the deployment's role`, () => {
    const trust = JSON.parse(planned("aws_iam_role").assume_role_policy);
    expect(trust.Statement[0].Condition.StringEquals).toEqual(seedTrustPolicy(at).Statement[0].Condition.StringEquals);
  });

  it(`plans the permissions in ${region} of account ${account}`, () => {
    const permissions = JSON.parse(planned("aws_iam_role_policy").policy);
    const all = seedPermissionsPolicy(at).Statement[0].Resource as string[];
    expect(permissions.Statement[0].Resource).toEqual(
      name === "prod-us" ? [all[0].replace("identity/*", "identity/example.com"), all[1]] : all);
  });
});

describe("the deployments, side by side", () => {
  it("gives the provider of the deployment that names an external id that id, and the other none", () => {
    const assumeRole = (name: string) => /assume_role\s*\{([^}]*)\}/.exec(fs.readFileSync(hclOf(name), "utf8"))?.[1] ?? "";
    expect(assumeRole("prod-eu")).toMatch(/external_id\s*=\s*"pinpoint-ses"/);
    expect(assumeRole("prod-us")).not.toMatch(/external_id/);
  });

  it("narrows the trust policy of the deployment that names its Pinpoint app", () => {
    const trust = JSON.parse(resourceChange(plans.get("prod-eu") as PlanJson, "aws_iam_role").change.after.assume_role_policy);
    expect(trust.Statement[0].Condition.ArnLike).toEqual({
      "aws:SourceArn": [`arn:aws:mobiletargeting:eu-west-1:222222222222:apps/${APP_ID}*`],
    });
  });

  it("plans the email channel of the first deployment in its account and Region, sending with its role", () => {
    const channel = resourceChange(plans.get("prod-us") as PlanJson, "aws_pinpoint_email_channel");
    expect(channel.change.actions).toEqual(["create"]);
    expect(channel.change.after).toMatchObject({
      application_id: APP_ID,
      from_address: "News <news@example.com>",
      identity: "arn:aws:ses:us-east-1:111111111111:identity/example.com",
    });
    expect((plans.get("prod-eu") as PlanJson).resource_changes?.some((c) => c.type === "aws_pinpoint_email_channel")).toBe(false);
  });

  it("refuses to plan when the assumed role is in another account than the deployment allows", async () => {
    const workdir = workdirs.get("prod-us") as TerraformWorkdir;
    const hcl = fs.readFileSync(hclOf("prod-us"), "utf8");
    workdir.write("cdk.tf", hcl.replace(/(allowed_account_ids\s*=\s*\[\s*)"111111111111"/, '$1"333333333333"'));
    const result = await workdir.terraform(["plan", "-input=false", "-no-color", "-lock=false"], testEnv(aws.env), true);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/111111111111.*not allowed|not allowed.*111111111111/s);
  });
});
