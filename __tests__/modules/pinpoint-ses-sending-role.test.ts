import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePoliciesExclusive } from "@cdktf/provider-aws/lib/iam-role-policies-exclusive";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { PinpointSesSendingRole } from "../../modules";
import { constructStack } from "../support/synth";

// cdktf's matchers (toHaveResource…): set up here, where they are used, so that files that never load cdktf skip loading it.
Testing.setupJest();

const APP_ID = "0123456789abcdef0123456789abcdef";

/** The resources of one type in a synthesized stack, as objects. */
function resourcesOf(synthesized: string, kind: "resource" | "data", type: string): any[] {
  return Object.values(JSON.parse(synthesized)[kind]?.[type] ?? {});
}

describe("PinpointSesSendingRole with no options", () => {
  const { synthesized, stack, sendingRole } = constructStack();

  it("reads partition, account and Region from data sources", () => {
    expect(synthesized).toHaveDataSource(DataAwsPartition);
    expect(synthesized).toHaveDataSource(DataAwsCallerIdentity);
    expect(synthesized).toHaveDataSource(DataAwsRegion);
  });

  it("creates one role named from the default prefix, with the default description", () => {
    expect(synthesized).toHaveResourceWithProperties(IamRole, {
      name_prefix: "pinpoint-ses-sending-",
      description: "Lets Amazon Pinpoint send campaign and journey email through Amazon SES",
    });
    const [role] = resourcesOf(synthesized, "resource", "aws_iam_role");
    expect(role.name).toBeUndefined();
    expect(role.permissions_boundary).toBeUndefined();
    expect(role.tags).toBeUndefined();
  });

  it("detaches policies added outside Terraform before deleting the role, so destroy never meets DeleteConflict", () => {
    expect(synthesized).toHaveResourceWithProperties(IamRole, { force_detach_policies: true });
  });

  it("trusts pinpoint.amazonaws.com only for the caller's account", () => {
    const [role] = resourcesOf(synthesized, "resource", "aws_iam_role");
    expect(role.assume_role_policy).toMatch(/^\$\{jsonencode\(/);
    expect(role.assume_role_policy).toContain('"Service" = "pinpoint.amazonaws.com"');
    expect(role.assume_role_policy).toContain('"Action" = "sts:AssumeRole"');
    expect(role.assume_role_policy).toMatch(
      /"StringEquals" = \{"aws:SourceAccount" = data\.aws_caller_identity\.[\w-]+\.account_id\}/);
    expect(role.assume_role_policy).not.toContain("ArnLike");
  });

  it("attaches the SES sending policy to the role, with ARNs built from the data sources", () => {
    const [policy] = resourcesOf(synthesized, "resource", "aws_iam_role_policy");
    expect(policy.name).toBe("PinpointUsesSESForEmailSends");
    expect(policy.role).toMatch(/^\$\{aws_iam_role\.[\w-]+\.name\}$/);
    const arn = String.raw`arn:\$\{data\.aws_partition\.[\w-]+\.partition\}:ses:\$\{data\.aws_region\.[\w-]+\.id\}:` +
      String.raw`\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}`;
    expect(policy.policy).toMatch(new RegExp(`"${arn}:identity/\\*", "${arn}:configuration-set/\\*"`));
    expect(policy.policy).toContain('"Action" = ["ses:SendEmail", "ses:SendRawEmail"]');
    expect(policy.policy).not.toMatch(/arn:aws:|\d{12}/);
  });

  it("exposes the role's ARN, name and unique id as references to the role", () => {
    new TerraformOutput(stack, "arn", { value: sendingRole.roleArn });
    new TerraformOutput(stack, "name", { value: sendingRole.roleName });
    new TerraformOutput(stack, "unique_id", { value: sendingRole.roleUniqueId });
    const outputs = JSON.parse(Testing.synth(stack)).output;
    expect(outputs.arn.value).toMatch(/^\$\{aws_iam_role\.[\w-]+\.arn\}$/);
    expect(outputs.name.value).toMatch(/^\$\{aws_iam_role\.[\w-]+\.name\}$/);
    expect(outputs.unique_id.value).toMatch(/^\$\{aws_iam_role\.[\w-]+\.unique_id\}$/);
    expect(sendingRole.role).toBeInstanceOf(IamRole);
    expect(sendingRole.policy).toBeInstanceOf(IamRolePolicy);
  });
});

describe("PinpointSesSendingRole options", () => {
  it("uses an exact roleName instead of a prefix", () => {
    const { synthesized } = constructStack({ roleName: "pinpoint-email" });
    const [role] = resourcesOf(synthesized, "resource", "aws_iam_role");
    expect(role.name).toBe("pinpoint-email");
    expect(role.name_prefix).toBeUndefined();
  });

  it("uses a custom roleNamePrefix", () => {
    const { synthesized } = constructStack({ roleNamePrefix: "team-a-" });
    expect(synthesized).toHaveResourceWithProperties(IamRole, { name_prefix: "team-a-" });
  });

  it("passes path, description, boundary, session duration and tags to the role", () => {
    const { synthesized } = constructStack({
      path: "/messaging/",
      description: "Pinpoint sender for team A",
      permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/boundaries/pinpoint",
      maxSessionDuration: 7200,
      tags: { team: "messaging", "cost-center": "42" },
    });
    expect(synthesized).toHaveResourceWithProperties(IamRole, {
      path: "/messaging/",
      description: "Pinpoint sender for team A",
      permissions_boundary: "arn:aws:iam::123456789012:policy/boundaries/pinpoint",
      max_session_duration: 7200,
      tags: { team: "messaging", "cost-center": "42" },
    });
  });

  it("uses a given Region in the ARNs and reads no Region data source", () => {
    const { synthesized } = constructStack({ region: "eu-central-1", pinpointApplicationIds: [APP_ID] });
    expect(synthesized).not.toHaveDataSource(DataAwsRegion);
    const [policy] = resourcesOf(synthesized, "resource", "aws_iam_role_policy");
    const [role] = resourcesOf(synthesized, "resource", "aws_iam_role");
    expect(policy.policy).toContain(":ses:eu-central-1:");
    expect(role.assume_role_policy).toContain(`:mobiletargeting:eu-central-1:`);
  });

  it("scopes the permissions policy to the listed identities and configuration sets", () => {
    const { synthesized } = constructStack({
      sesIdentities: ["example.com", "news@example.org"],
      configurationSets: ["marketing", "transactional"],
    });
    const [policy] = resourcesOf(synthesized, "resource", "aws_iam_role_policy");
    for (const suffix of ["identity/example.com", "identity/news@example.org",
      "configuration-set/marketing", "configuration-set/transactional"]) {
      expect(policy.policy).toContain(`:${suffix}"`);
    }
    expect(policy.policy).not.toContain("identity/*");
    expect(policy.policy).not.toContain("configuration-set/*");
  });

  it("scopes the trust policy to the listed Pinpoint apps", () => {
    const { synthesized } = constructStack({ pinpointApplicationIds: [APP_ID] });
    const [role] = resourcesOf(synthesized, "resource", "aws_iam_role");
    expect(role.assume_role_policy).toMatch(new RegExp(
      String.raw`"ArnLike" = \{"aws:SourceArn" = \["arn:\$\{data\.aws_partition\.[\w-]+\.partition\}:mobiletargeting:` +
      String.raw`\$\{data\.aws_region\.[\w-]+\.id\}:\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}:apps/${APP_ID}\*"\]\}`));
    expect(role.assume_role_policy).toContain('"aws:SourceAccount"');
  });

  it("names the inline policy from policyName", () => {
    const { synthesized } = constructStack({ policyName: "ses-send" });
    expect(synthesized).toHaveResourceWithProperties(IamRolePolicy, { name: "ses-send" });
  });

  it("puts every resource and data source on an aliased provider", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    const other = new AwsProvider(stack, "other", { region: "eu-west-1", alias: "other" });
    new PinpointSesSendingRole(stack, "role", { provider: other });
    const json = JSON.parse(Testing.synth(stack));
    const blocks = [
      ...Object.values(json.data as object).flatMap((byName) => Object.values(byName)),
      ...Object.values(json.resource as object).flatMap((byName) => Object.values(byName)),
    ] as any[];
    expect(blocks).toHaveLength(5);
    for (const block of blocks) expect(block.provider).toBe("aws.other");
  });

  it("shares given partition and caller-identity data sources between instances", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    const partition = new DataAwsPartition(stack, "partition");
    const callerIdentity = new DataAwsCallerIdentity(stack, "caller");
    new PinpointSesSendingRole(stack, "a", { partition, callerIdentity, region: "us-east-1" });
    new PinpointSesSendingRole(stack, "b", { partition, callerIdentity, region: "us-east-1" });
    const synthesized = Testing.synth(stack);
    expect(resourcesOf(synthesized, "data", "aws_partition")).toHaveLength(1);
    expect(resourcesOf(synthesized, "data", "aws_caller_identity")).toHaveLength(1);
    expect(resourcesOf(synthesized, "data", "aws_region")).toHaveLength(0);
    expect(resourcesOf(synthesized, "resource", "aws_iam_role")).toHaveLength(2);
  });

  it("gives two default instances in one account names that cannot collide", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    new PinpointSesSendingRole(stack, "a");
    new PinpointSesSendingRole(stack, "b");
    const roles = resourcesOf(Testing.synth(stack), "resource", "aws_iam_role");
    expect(roles).toHaveLength(2);
    // name_prefix without name: Terraform appends a unique suffix to each.
    for (const role of roles) {
      expect(role.name).toBeUndefined();
      expect(role.name_prefix).toBe("pinpoint-ses-sending-");
    }
  });

  it("adds nothing to the tree when an option is invalid", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    expect(() => new PinpointSesSendingRole(stack, "role", { maxSessionDuration: 1 })).toThrow(/maxSessionDuration/);
    expect(stack.node.tryFindChild("role")).toBeUndefined();
    expect(stack.node.children).toHaveLength(0);
  });
});

describe("PinpointSesSendingRole lifecycle options", () => {
  /** The logical name of the only resource of a type, to check references without hard-coding hashes. */
  const onlyName = (json: any, type: string) => {
    const names = Object.keys(json.resource?.[type] ?? {});
    expect(names).toHaveLength(1);
    return names[0];
  };

  it("leaves other inline policies alone and imports nothing by default", () => {
    const json = JSON.parse(constructStack().synthesized);
    expect(json.resource.aws_iam_role_policies_exclusive).toBeUndefined();
    expect(json.import).toBeUndefined();
  });

  it("makes its inline policy the role's only one with exclusiveInlinePolicy", () => {
    const { synthesized } = constructStack({ exclusiveInlinePolicy: true });
    expect(synthesized).toHaveResource(IamRolePoliciesExclusive);
    const json = JSON.parse(synthesized);
    const [exclusive] = resourcesOf(synthesized, "resource", "aws_iam_role_policies_exclusive");
    expect(exclusive.role_name).toBe(`\${aws_iam_role.${onlyName(json, "aws_iam_role")}.name}`);
    expect(exclusive.policy_names).toEqual([`\${aws_iam_role_policy.${onlyName(json, "aws_iam_role_policy")}.name}`]);
  });

  it("imports the role by name and its inline policy as ROLE:POLICY with adoptExistingRole", () => {
    const json = JSON.parse(constructStack({
      roleName: "pinpoint-console-role",
      path: "/service-role/",
      policyName: "console-policy",
      adoptExistingRole: true,
    }).synthesized);
    expect(json.import).toEqual([
      { id: "pinpoint-console-role", to: `aws_iam_role.${onlyName(json, "aws_iam_role")}` },
      { id: "pinpoint-console-role:console-policy", to: `aws_iam_role_policy.${onlyName(json, "aws_iam_role_policy")}` },
    ]);
  });

  it("imports the inline policy under its default name when policyName is not given", () => {
    const json = JSON.parse(constructStack({ roleName: "r", adoptExistingRole: true }).synthesized);
    expect(json.import.map((block: any) => block.id)).toEqual(["r", "r:PinpointUsesSESForEmailSends"]);
  });

  it("imports through the construct's aliased provider", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    const other = new AwsProvider(stack, "other", { region: "eu-west-1", alias: "other" });
    new PinpointSesSendingRole(stack, "role", { provider: other, roleName: "r", adoptExistingRole: true });
    const imports = JSON.parse(Testing.synth(stack)).import;
    expect(imports.map((block: any) => block.provider)).toEqual(["aws.other", "aws.other"]);
  });
});
