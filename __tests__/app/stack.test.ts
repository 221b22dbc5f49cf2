import { appStackJson, onlyResource } from "../support/synth";

describe("PinpointSesStack", () => {
  it("configures the AWS provider, pinned to the mirrored version, in the configured Region", () => {
    const json = appStackJson({ region: "us-gov-west-1" });
    expect(json.provider.aws).toEqual([{ region: "us-gov-west-1" }]);
    expect(json.terraform.required_providers.aws).toEqual({ source: "aws", version: "5.100.0" });
  });

  it("outputs the role's ARN and name", () => {
    const json = appStackJson();
    expect(json.output.role_arn.value).toMatch(/^\$\{aws_iam_role\.[\w-]+\.arn\}$/);
    expect(json.output.role_name.value).toMatch(/^\$\{aws_iam_role\.[\w-]+\.name\}$/);
  });

  it("passes the configured options to the construct", () => {
    const json = appStackJson({ roleName: "pinpoint-email", tags: { team: "messaging" }, sesIdentities: ["example.com"] });
    expect(onlyResource(json, "aws_iam_role")).toMatchObject({ name: "pinpoint-email", tags: { team: "messaging" } });
    expect(onlyResource(json, "aws_iam_role_policy").policy).toContain(":identity/example.com\"");
  });

  it("writes a Terraform Cloud block for a named workspace", () => {
    const terraform = appStackJson({
      backend: { kind: "cloud", organization: "acme", workspace: "pinpoint-prod", hostname: "tfe.example.com" },
    }).terraform;
    expect(terraform.backend).toBeUndefined();
    expect(terraform.cloud).toEqual({ organization: "acme", hostname: "tfe.example.com", workspaces: { name: "pinpoint-prod" } });
  });

  it("writes an encrypted S3 backend with S3-native locking", () => {
    const terraform = appStackJson({
      backend: { kind: "s3", bucket: "acme-tfstate", key: "pinpoint/terraform.tfstate", region: "eu-west-1" },
    }).terraform;
    expect(terraform.backend).toEqual({
      s3: { bucket: "acme-tfstate", key: "pinpoint/terraform.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true },
    });
  });
});

describe("PinpointSesStack for one of many deployments", () => {
  const APP_ID = "0123456789abcdef0123456789abcdef";
  const channel = { applicationId: APP_ID, identity: "example.com", fromAddress: "News <news@example.com>" };

  it("assumes the deployment's role and refuses every other account", () => {
    const json = appStackJson({
      region: "eu-west-1",
      assumeRole: { roleArn: "arn:aws:iam::222222222222:role/deployer", account: "222222222222", externalId: "x" },
    });
    expect(json.provider.aws).toEqual([{
      region: "eu-west-1",
      assume_role: [{ role_arn: "arn:aws:iam::222222222222:role/deployer", external_id: "x" }],
      allowed_account_ids: ["222222222222"],
    }]);
  });

  it("writes a Terraform Cloud block that selects workspaces by tags, in a project", () => {
    const terraform = appStackJson({
      backend: { kind: "cloud", organization: "acme", workspaceTags: ["pinpoint", "env:prod"], project: "messaging" },
    }).terraform;
    expect(terraform.cloud).toEqual({ organization: "acme", workspaces: { tags: ["pinpoint", "env:prod"], project: "messaging" } });
  });

  it("configures the email channel with the role as orchestration sending role", () => {
    const json = appStackJson({ sesIdentities: ["example.com"], emailChannel: { ...channel, configurationSet: "marketing" } });
    const created = onlyResource(json, "aws_pinpoint_email_channel");
    expect(created).toMatchObject({
      application_id: APP_ID, from_address: "News <news@example.com>", configuration_set: "marketing",
    });
    expect(created.orchestration_sending_role_arn).toMatch(/^\$\{aws_iam_role\.[\w-]+\.arn\}$/);
    expect(created.identity).toMatch(
      /^arn:\$\{data\.aws_partition\.[\w-]+\.partition\}:ses:\$\{data\.aws_region\.[\w-]+\.id\}:\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}:identity\/example\.com$/);
  });

  it("reads each data source once, shared by the role and the email channel", () => {
    const json = appStackJson({ emailChannel: channel });
    const counts = Object.fromEntries(Object.entries(json.data).map(([type, byName]) => [type, Object.keys(byName as object).length]));
    expect(counts).toEqual({ aws_partition: 1, aws_caller_identity: 1, aws_region: 1 });
  });

  it("refuses an email channel whose identity the role may not send through", () => {
    expect(() => appStackJson({ sesIdentities: ["example.org"], emailChannel: channel }))
      .toThrow(/^identity "example.com" is not in the sending role's sesIdentities \["example.org"\]; the role could not send through it/);
  });

  it("names the deployment in an error about its options", () => {
    expect(() => appStackJson({ source: 'deployments[1] ("prod-eu") in deployments.json', roleName: "r".repeat(65) }))
      .toThrow(/^deployments\[1\] \("prod-eu"\) in deployments.json: roleName "r+" is 65 characters/);
  });
});
