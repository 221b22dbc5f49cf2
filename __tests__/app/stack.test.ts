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
