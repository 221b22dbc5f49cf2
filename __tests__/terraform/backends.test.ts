/**
 * The remote-state configurations the app synthesizes from the environment:
 * they carry what Terraform Cloud and S3 need, one state per stack, and
 * `terraform init -backend=false` + `validate` pass on them. Without network
 * that is as far as Terraform goes: validate does not read the cloud or
 * backend block (a bogus attribute there passes too), so their content is
 * asserted here field by field.
 */
import { AppConfig, loadAppConfigs } from "../../app/config";
import { appStackJson } from "../support/synth";
import { TerraformWorkdir } from "../support/terraform";
import { initialisedWorkdir } from "../support/lifecycle";

// The run's one init of the app stack serves every configuration below: same provider, and validate reads no backend.
let workdir: TerraformWorkdir;
const noContext = () => undefined;

beforeAll(async () => {
  workdir = await initialisedWorkdir("backends");
});

afterAll(() => workdir?.remove());

async function validate(config: Partial<AppConfig>) {
  const json = appStackJson(config);
  workdir.write("cdk.tf.json", json);
  return { terraform: json.terraform, validation: await workdir.validate() };
}

describe("Terraform Cloud from the environment", () => {
  it("writes a cloud block that selects workspaces by tags, and validate passes", async () => {
    const [config] = loadAppConfigs({
      TF_CLOUD_ORGANIZATION: "acme", TF_CLOUD_WORKSPACE_TAGS: "pinpoint,env:prod", TF_CLOUD_PROJECT: "messaging",
    }, noContext);
    const { terraform, validation } = await validate(config);
    expect(terraform.cloud).toEqual({ organization: "acme", workspaces: { tags: ["pinpoint", "env:prod"], project: "messaging" } });
    expect(terraform.backend).toBeUndefined();
    expect(validation).toMatchObject({ valid: true, diagnostics: [] });
  });

  it("writes a cloud block for one named workspace on Terraform Enterprise, and validate passes", async () => {
    const [config] = loadAppConfigs({
      TF_CLOUD_ORGANIZATION: "acme", TF_WORKSPACE: "pinpoint-prod", TF_CLOUD_HOSTNAME: "tfe.example.com",
    }, noContext);
    const { terraform, validation } = await validate(config);
    expect(terraform.cloud).toEqual({ organization: "acme", hostname: "tfe.example.com", workspaces: { name: "pinpoint-prod" } });
    expect(validation).toMatchObject({ valid: true, diagnostics: [] });
  });

  it("gives each deployment of a deployments file a workspace of its own, and validate passes", async () => {
    const file = JSON.stringify({ deployments: [{ name: "prod-us", region: "us-east-1" }, { name: "prod-eu", region: "eu-west-1" }] });
    const configs = loadAppConfigs({ PINPOINT_SES_DEPLOYMENTS_FILE: "d.json", TF_CLOUD_ORGANIZATION: "acme" }, noContext, () => file);
    expect(configs.map((config) => appStackJson(config).terraform.cloud.workspaces)).toEqual([{ name: "prod-us" }, { name: "prod-eu" }]);
    // The stacks differ only in their names: one validate stands for both.
    expect((await validate(configs[1])).validation).toMatchObject({ valid: true, diagnostics: [] });
  });
});

describe("S3 state from the environment", () => {
  it("writes an encrypted, S3-locked backend with a key per deployment, and validate passes", async () => {
    const file = JSON.stringify({ deployments: [{ name: "prod-us", region: "us-east-1" }, { name: "prod-eu", region: "eu-west-1" }] });
    const configs = loadAppConfigs({
      PINPOINT_SES_DEPLOYMENTS_FILE: "d.json", PINPOINT_SES_STATE_BUCKET: "acme-tfstate", PINPOINT_SES_STATE_REGION: "eu-central-1",
    }, noContext, () => file);
    expect((await validate(configs[1])).validation).toMatchObject({ valid: true, diagnostics: [] });
    expect(configs.map((config) => appStackJson(config).terraform.backend.s3)).toEqual([
      { bucket: "acme-tfstate", key: "prod-us/terraform.tfstate", region: "eu-central-1", encrypt: true, use_lockfile: true },
      { bucket: "acme-tfstate", key: "prod-eu/terraform.tfstate", region: "eu-central-1", encrypt: true, use_lockfile: true },
    ]);
  });
});
