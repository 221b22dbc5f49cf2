import { loadAppConfigs } from "../../app/config";

const noContext = () => undefined;
const contextOf = (values: { [key: string]: unknown }) => (key: string) => values[key];
/** The configuration of the app's one stack. */
const oneStack = (env: { [name: string]: string }, context: (key: string) => unknown) => {
  const configs = loadAppConfigs(env, context);
  expect(configs).toHaveLength(1);
  return configs[0];
};

describe("loadAppConfigs without a deployments file", () => {
  it("defaults to us-east-1, the default stack name, no options and local state", () => {
    expect(oneStack({}, noContext)).toEqual({
      stackName: "pinpoint-ses-sending-role",
      region: "us-east-1",
      roleName: undefined,
      roleNamePrefix: undefined,
      sesIdentities: undefined,
      configurationSets: undefined,
      pinpointApplicationIds: undefined,
      tags: undefined,
      backend: { kind: "local" },
    });
  });

  it("reads every option from environment variables", () => {
    const config = oneStack({
      PINPOINT_SES_STACK_NAME: "email-role",
      PINPOINT_SES_REGION: "eu-west-1",
      PINPOINT_SES_ROLE_NAME: "pinpoint-email",
      PINPOINT_SES_IDENTITIES: "example.com, news@example.org",
      PINPOINT_SES_CONFIGURATION_SETS: "marketing",
      PINPOINT_SES_APPLICATION_IDS: "0123456789abcdef0123456789abcdef",
      PINPOINT_SES_TAGS: '{"team":"messaging"}',
    }, noContext);
    expect(config).toMatchObject({
      stackName: "email-role",
      region: "eu-west-1",
      roleName: "pinpoint-email",
      sesIdentities: ["example.com", "news@example.org"],
      configurationSets: ["marketing"],
      pinpointApplicationIds: ["0123456789abcdef0123456789abcdef"],
      tags: { team: "messaging" },
    });
  });

  it("reads options from cdktf.json context when no variable is set", () => {
    const config = oneStack({}, contextOf({
      region: "cn-north-1",
      roleNamePrefix: "team-a-",
      sesIdentities: ["example.com"],
      tags: { team: "a" },
    }));
    expect(config).toMatchObject({
      region: "cn-north-1", roleNamePrefix: "team-a-", sesIdentities: ["example.com"], tags: { team: "a" },
    });
  });

  it("reads the role's permissions boundary from the environment or the context", () => {
    const arn = "arn:aws:iam::123456789012:policy/pinpoint-ses-boundary";
    expect(oneStack({ PINPOINT_SES_PERMISSIONS_BOUNDARY_ARN: arn }, noContext).permissionsBoundaryArn).toBe(arn);
    expect(oneStack({}, contextOf({ permissionsBoundaryArn: arn })).permissionsBoundaryArn).toBe(arn);
  });

  it("prefers an environment variable to the context", () => {
    expect(oneStack({ PINPOINT_SES_REGION: "us-west-2" }, contextOf({ region: "eu-west-1" })).region)
      .toBe("us-west-2");
  });

  it("selects Terraform Cloud when organization and workspace are set", () => {
    expect(oneStack({ TF_CLOUD_ORGANIZATION: "acme", TF_WORKSPACE: "pinpoint-prod" }, noContext).backend)
      .toEqual({ kind: "cloud", organization: "acme", workspace: "pinpoint-prod", hostname: undefined });
  });

  it("selects S3 with a key per stack and the stack's Region by default", () => {
    expect(oneStack({ PINPOINT_SES_STATE_BUCKET: "acme-tfstate", PINPOINT_SES_REGION: "eu-west-1" }, noContext).backend)
      .toEqual({ kind: "s3", bucket: "acme-tfstate", key: "pinpoint-ses-sending-role/terraform.tfstate", region: "eu-west-1" });
  });

  it.each([
    ["tags that are not JSON", { PINPOINT_SES_TAGS: "team=messaging" }, noContext,
      /^environment variable PINPOINT_SES_TAGS is "team=messaging"; expected a JSON object/],
    ["tags with a number value", { PINPOINT_SES_TAGS: '{"n":1}' }, noContext,
      /^environment variable PINPOINT_SES_TAGS is \{"n":1\}; expected an object of string values$/],
    ["a context list that is a string", {}, contextOf({ sesIdentities: "example.com" }),
      /^cdktf.json context "sesIdentities" is "example.com"; expected an array of strings$/],
    ["a context region that is a number", {}, contextOf({ region: 1 }),
      /^cdktf.json context "region" is 1; expected a string$/],
    ["an organization without a workspace", { TF_CLOUD_ORGANIZATION: "acme" }, noContext,
      /^Terraform Cloud needs a workspace: TF_WORKSPACE \(one named workspace\) or TF_CLOUD_WORKSPACE_TAGS .*; got only TF_CLOUD_ORGANIZATION$/],
    ["both Terraform Cloud and an S3 bucket",
      { TF_CLOUD_ORGANIZATION: "acme", TF_WORKSPACE: "w", PINPOINT_SES_STATE_BUCKET: "acme-tfstate" }, noContext,
      /^PINPOINT_SES_STATE_BUCKET "acme-tfstate" and Terraform Cloud .* are both set; state goes to one backend/],
    ["a bucket name with capitals", { PINPOINT_SES_STATE_BUCKET: "Acme" }, noContext,
      /^PINPOINT_SES_STATE_BUCKET "Acme" is not an S3 bucket name/],
    ["a stack name with a space", { PINPOINT_SES_STACK_NAME: "my stack" }, noContext,
      /^PINPOINT_SES_STACK_NAME "my stack" is not a valid stack name/],
  ])("rejects %s, naming the setting", (_name, env, context, message) => {
    expect(() => oneStack(env, context)).toThrow(message);
  });
});

describe("loadAppConfigs for Terraform Cloud workspace tags", () => {
  it("selects the workspaces carrying the tags of TF_CLOUD_WORKSPACE_TAGS, with a project", () => {
    expect(oneStack({
      TF_CLOUD_ORGANIZATION: "acme", TF_CLOUD_WORKSPACE_TAGS: "pinpoint, env:prod", TF_CLOUD_PROJECT: "messaging",
    }, noContext).backend).toEqual({
      kind: "cloud", organization: "acme", workspaceTags: ["pinpoint", "env:prod"], project: "messaging", hostname: undefined,
    });
  });

  it("leaves TF_WORKSPACE to Terraform when tags are set: it picks one of the tagged workspaces", () => {
    const backend = oneStack({ TF_CLOUD_ORGANIZATION: "acme", TF_WORKSPACE: "pinpoint-prod", TF_CLOUD_WORKSPACE_TAGS: "pinpoint" },
      noContext).backend;
    expect(backend).toEqual(expect.objectContaining({ workspaceTags: ["pinpoint"] }));
    expect(backend).not.toHaveProperty("workspace");
  });

  it("reads the tags from an array in cdktf.json context", () => {
    expect(oneStack({}, contextOf({ cloudOrganization: "acme", cloudWorkspaceTags: ["pinpoint"] })).backend)
      .toEqual(expect.objectContaining({ kind: "cloud", workspaceTags: ["pinpoint"] }));
  });

  it.each([
    ["a tag of 255 characters", "t".repeat(255)],
    ["a tag of one character", "t"],
  ])("accepts %s", (_name, tag) => {
    expect(oneStack({ TF_CLOUD_ORGANIZATION: "acme", TF_CLOUD_WORKSPACE_TAGS: tag }, noContext).backend)
      .toEqual(expect.objectContaining({ workspaceTags: [tag] }));
  });

  it.each([
    ["a tag of 256 characters", { TF_CLOUD_WORKSPACE_TAGS: "t".repeat(256) }, /has "t+", which is not a workspace tag/],
    ["a tag with a space", { TF_CLOUD_WORKSPACE_TAGS: "team a" }, /has "team a", which is not a workspace tag/],
    ["a tag ending in a hyphen", { TF_CLOUD_WORKSPACE_TAGS: "pinpoint-" }, /has "pinpoint-", which is not a workspace tag/],
    ["an empty tag between commas", { TF_CLOUD_WORKSPACE_TAGS: "a,,b" }, /has "", which is not a workspace tag/],
  ])("rejects %s, naming the variable", (_name, env, message) => {
    expect(() => oneStack({ TF_CLOUD_ORGANIZATION: "acme", ...env }, noContext))
      .toThrow(new RegExp(`^environment variable TF_CLOUD_WORKSPACE_TAGS .*${message.source}`));
  });

  it("rejects tags without an organization, naming what was set", () => {
    expect(() => oneStack({ TF_CLOUD_WORKSPACE_TAGS: "pinpoint" }, noContext))
      .toThrow(/^Terraform Cloud needs TF_CLOUD_ORGANIZATION; got only environment variable TF_CLOUD_WORKSPACE_TAGS$/);
  });
});
