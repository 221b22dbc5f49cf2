import { loadAppConfigs } from "../../app/config";
import { parseDeployments } from "../../app/deployments";

const noContext = () => undefined;
const FILE = "deployments.json";
const US_ROLE = "arn:aws:iam::111111111111:role/terraform-deployer";
const EU_ROLE = "arn:aws:iam::222222222222:role/ops/terraform-deployer";

const twoAccounts = {
  deployments: [
    { name: "prod-us", region: "us-east-1", assumeRoleArn: US_ROLE, options: { sesIdentities: ["example.com"] } },
    { name: "prod-eu", region: "eu-west-1", assumeRoleArn: EU_ROLE, externalId: "pinpoint", workspace: "pinpoint-eu" },
  ],
};

/** loadAppConfigs with a deployments file holding `content`. */
function load(content: unknown, env: { [name: string]: string } = {}, context: (key: string) => unknown = noContext) {
  const text = typeof content === "string" ? content : JSON.stringify(content);
  return loadAppConfigs({ PINPOINT_SES_DEPLOYMENTS_FILE: FILE, ...env }, context, (file) => {
    if (file !== FILE) throw new Error(`ENOENT: ${file}`);
    return text;
  });
}

describe("parseDeployments", () => {
  it("reads name, Region, assumed role, workspace and options of each entry", () => {
    const [us, eu] = parseDeployments(JSON.stringify(twoAccounts), FILE);
    expect(us).toEqual({
      where: 'deployments[0] ("prod-us")',
      name: "prod-us",
      region: "us-east-1",
      assumeRole: { roleArn: US_ROLE, account: "111111111111" },
      options: { sesIdentities: ["example.com"] },
    });
    expect(eu).toMatchObject({
      name: "prod-eu",
      assumeRole: { roleArn: EU_ROLE, account: "222222222222", externalId: "pinpoint" },
      workspace: "pinpoint-eu",
      options: {},
    });
  });

  it("reads every role option and the email channel", () => {
    const options = {
      roleName: "pinpoint-email", path: "/messaging/", description: "d", permissionsBoundaryArn: "arn:aws:iam::aws:policy/b",
      maxSessionDuration: 7200, policyName: "ses-send", sesIdentities: ["example.com"], configurationSets: ["marketing"],
      pinpointApplicationIds: ["0123456789abcdef0123456789abcdef"], tags: { team: "messaging" },
      emailChannel: {
        applicationId: "0123456789abcdef0123456789abcdef", identity: "example.com", fromAddress: "news@example.com",
        configurationSet: "marketing", enabled: false,
      },
    };
    const [deployment] = parseDeployments(JSON.stringify({ deployments: [{ name: "a", region: "us-east-1", options }] }), FILE);
    expect(deployment.options).toEqual(options);
  });

  it("accepts a $schema field, so that editors can check the file", () => {
    const text = JSON.stringify({ $schema: "./deployments.schema.json", deployments: [{ name: "a", region: "us-east-1" }] });
    expect(parseDeployments(text, FILE).map((deployment) => deployment.name)).toEqual(["a"]);
  });

  it("accepts a role in GovCloud for a GovCloud Region", () => {
    const entry = { name: "gov", region: "us-gov-west-1", assumeRoleArn: "arn:aws-us-gov:iam::333333333333:role/deployer" };
    expect(parseDeployments(JSON.stringify({ deployments: [entry] }), FILE)[0].assumeRole?.account).toBe("333333333333");
  });

  const entry = (extra: object) => JSON.stringify({ deployments: [{ name: "prod", region: "us-east-1", ...extra }] });
  it.each([
    ["text that is not JSON", "{deployments:", /^deployments file deployments.json is not JSON: /],
    ["a top-level array", "[]", /^deployments file deployments.json: expected an object with an array "deployments"/],
    ["an unknown top-level field", JSON.stringify({ deployments: [], defaults: {} }),
      /: defaults is not a field here; expected only "deployments" \(and "\$schema"\)$/],
    ["no deployments", JSON.stringify({ deployments: [] }), /: deployments is empty; list at least one$/],
    ["an entry that is a string", JSON.stringify({ deployments: ["prod"] }), /: deployments\[0\] must be an object; got "prod"$/],
    ["an entry without a name", JSON.stringify({ deployments: [{ region: "us-east-1" }] }),
      /: deployments\[0\]\.name is missing$/],
    ["a name with a space", entry({ name: "prod us" }),
      /: deployments\[0\] \("prod us"\)\.name "prod us" is not a valid stack name/],
    ["a Region that is a number", entry({ region: 5 }), /: deployments\[0\] \("prod"\)\.region must be a string; got 5$/],
    ["a Region that is not one", entry({ region: "useast1" }), /\.region "useast1" is not an AWS Region name/],
    ["a misspelt field", entry({ regoin: "us-east-1" }),
      /: deployments\[0\] \("prod"\)\.regoin is not a field here; expected one of name, region, /],
    ["a role ARN of a user", entry({ assumeRoleArn: "arn:aws:iam::111111111111:user/me" }),
      /\.assumeRoleArn "arn:aws:iam::111111111111:user\/me" is not an IAM role ARN/],
    ["a role ARN with a short account", entry({ assumeRoleArn: "arn:aws:iam::1111:role/r" }), /is not an IAM role ARN/],
    ["a role in another partition than the Region", entry({ region: "cn-north-1", assumeRoleArn: US_ROLE }),
      /\.assumeRoleArn ".*" is in partition aws, but region "cn-north-1" is in aws-cn/],
    ["an external id without a role", entry({ externalId: "x" }), /\.externalId needs assumeRoleArn/],
    ["a session name of 65 characters", entry({ assumeRoleArn: US_ROLE, sessionName: "s".repeat(65) }),
      /\.sessionName "s+" is not an STS session name/],
    ["a workspace name with a slash", entry({ workspace: "team/prod" }),
      /\.workspace "team\/prod" is not a Terraform Cloud workspace name/],
    ["options that are a list", entry({ options: [] }), /\.options must be an object; got \[\]$/],
    ["a misspelt option", entry({ options: { sesIdentity: ["example.com"] } }),
      /: deployments\[0\] \("prod"\)\.options\.sesIdentity is not a field here/],
    ["identities given as a string", entry({ options: { sesIdentities: "example.com" } }),
      /\.options\.sesIdentities must be an array of strings; got "example.com"$/],
    ["a session duration given as text", entry({ options: { maxSessionDuration: "3600" } }),
      /\.options\.maxSessionDuration must be a number; got "3600"$/],
    ["a tag with a number value", entry({ options: { tags: { n: 1 } } }), /\.options\.tags must be an object of strings/],
    ["an email channel without a from address",
      entry({ options: { emailChannel: { applicationId: "a", identity: "example.com" } } }),
      /\.options\.emailChannel\.fromAddress is missing$/],
    ["an email channel enabled as text",
      entry({ options: { emailChannel: { applicationId: "a", identity: "i", fromAddress: "f", enabled: "yes" } } }),
      /\.options\.emailChannel\.enabled must be true or false; got "yes"$/],
    ["two entries with one name", JSON.stringify({ deployments: [{ name: "prod", region: "us-east-1" },
      { name: "PROD", region: "eu-west-1" }] }),
      /: deployments\[1\] \("PROD"\)\.name "PROD" is also the name of deployments\[0\] \("prod"\); each deployment needs its own stack and state$/],
    ["a workspace that is another entry's name", JSON.stringify({ deployments: [{ name: "prod", region: "us-east-1" },
      { name: "eu", region: "eu-west-1", workspace: "prod" }] }),
      /\.workspace "prod" is also the workspace of deployments\[0\] \("prod"\); each deployment needs its own workspace$/],
  ])("rejects %s, naming the entry and the field", (_name, text, message) => {
    expect(() => parseDeployments(text, FILE)).toThrow(message);
  });
});

describe("loadAppConfigs", () => {
  it("makes the one configured stack when no deployments file is named", () => {
    const configs = loadAppConfigs({ PINPOINT_SES_REGION: "eu-west-1" }, noContext, () => {
      throw new Error("no file should be read");
    });
    expect(configs).toHaveLength(1);
    expect(configs[0]).toMatchObject({ stackName: "pinpoint-ses-sending-role", region: "eu-west-1" });
  });

  it("makes one stack per deployment, with its Region, account and options", () => {
    const [us, eu] = load(twoAccounts);
    expect(us).toMatchObject({
      stackName: "prod-us", region: "us-east-1", sesIdentities: ["example.com"],
      assumeRole: { roleArn: US_ROLE, account: "111111111111" },
      source: 'deployments[0] ("prod-us") in deployments.json', backend: { kind: "local" },
    });
    expect(eu).toMatchObject({ stackName: "prod-eu", region: "eu-west-1", assumeRole: { account: "222222222222" } });
  });

  it("reads the file named in cdktf.json context", () => {
    const configs = loadAppConfigs({}, (key) => (key === "deploymentsFile" ? FILE : undefined),
      () => JSON.stringify(twoAccounts));
    expect(configs.map((config) => config.stackName)).toEqual(["prod-us", "prod-eu"]);
  });

  it("gives each deployment its own S3 state key in the one bucket", () => {
    const configs = load(twoAccounts, { PINPOINT_SES_STATE_BUCKET: "acme-tfstate", PINPOINT_SES_STATE_REGION: "eu-central-1" });
    expect(configs.map((config) => config.backend)).toEqual([
      { kind: "s3", bucket: "acme-tfstate", key: "prod-us/terraform.tfstate", region: "eu-central-1" },
      { kind: "s3", bucket: "acme-tfstate", key: "prod-eu/terraform.tfstate", region: "eu-central-1" },
    ]);
  });

  it("puts each deployment's name where the state key template says {stack}", () => {
    const configs = load(twoAccounts, { PINPOINT_SES_STATE_BUCKET: "acme-tfstate", PINPOINT_SES_STATE_KEY: "pinpoint/{stack}.tfstate" });
    expect(configs.map((config) => config.backend)).toEqual([
      expect.objectContaining({ key: "pinpoint/prod-us.tfstate", region: "us-east-1" }),
      expect.objectContaining({ key: "pinpoint/prod-eu.tfstate", region: "us-east-1" }),
    ]);
  });

  it("gives each deployment its own Terraform Cloud workspace: its name, or its workspace field", () => {
    const configs = load(twoAccounts, { TF_CLOUD_ORGANIZATION: "acme", TF_CLOUD_PROJECT: "messaging" });
    expect(configs.map((config) => config.backend)).toEqual([
      { kind: "cloud", organization: "acme", workspace: "prod-us", project: "messaging", hostname: undefined },
      { kind: "cloud", organization: "acme", workspace: "pinpoint-eu", project: "messaging", hostname: undefined },
    ]);
  });

  it.each([
    ["a Region variable next to the file", { PINPOINT_SES_REGION: "eu-west-1" }, noContext,
      /^environment variable PINPOINT_SES_REGION is set, but the deployments file deployments.json .* gives each deployment its own/],
    ["a permissions boundary variable next to the file",
      { PINPOINT_SES_PERMISSIONS_BOUNDARY_ARN: "arn:aws:iam::123456789012:policy/b" }, noContext,
      /^environment variable PINPOINT_SES_PERMISSIONS_BOUNDARY_ARN is set, but the deployments file/],
    ["identities in the context next to the file", {}, (key: string) => (key === "sesIdentities" ? ["a.com"] : undefined),
      /^cdktf.json context "sesIdentities" is set, but the deployments file/],
    ["TF_WORKSPACE next to the file", { TF_CLOUD_ORGANIZATION: "acme", TF_WORKSPACE: "w" }, noContext,
      /^environment variable TF_WORKSPACE is set, but the deployments file/],
    ["workspace tags next to the file", { TF_CLOUD_ORGANIZATION: "acme", TF_CLOUD_WORKSPACE_TAGS: "pinpoint" }, noContext,
      /^environment variable TF_CLOUD_WORKSPACE_TAGS is set, but with a deployments file each deployment has a workspace of its own/],
    ["a state key without {stack}", { PINPOINT_SES_STATE_BUCKET: "acme-tfstate", PINPOINT_SES_STATE_KEY: "pinpoint.tfstate" },
      noContext, /^PINPOINT_SES_STATE_KEY "pinpoint.tfstate" has no \{stack\}, so every deployment would write its state to one object/],
  ])("rejects %s", (_name, env, context, message) => {
    expect(() => load(twoAccounts, env, context)).toThrow(message);
  });

  it("says which file it could not read", () => {
    expect(() => loadAppConfigs({ PINPOINT_SES_DEPLOYMENTS_FILE: "missing.json" }, noContext, () => {
      throw new Error("ENOENT: no such file");
    })).toThrow(/^PINPOINT_SES_DEPLOYMENTS_FILE names "missing.json", which cannot be read: ENOENT: no such file$/);
  });
});
