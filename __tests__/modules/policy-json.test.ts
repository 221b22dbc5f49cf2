/**
 * The construct with options known only to Terraform (variables, other
 * resources' attributes): list tokens become Terraform expressions, and what
 * may be null or empty is decided by Terraform (modules/policy-json.ts).
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, TerraformVariable, Testing, Token } from "cdktf";
import { PinpointSesSendingRole, PinpointSesSendingRoleProps } from "../../modules";

/** Synthesizes the construct with props made from variables of the stack; returns the stack's JSON. */
function withVariables(build: (variable: (name: string) => TerraformVariable) => PinpointSesSendingRoleProps) {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  new PinpointSesSendingRole(stack, "role", build((name) => new TerraformVariable(stack, name, {})));
  return JSON.parse(Testing.synth(stack));
}

const only = (json: any, type: string): any => Object.values(json.resource[type])[0];

describe("PinpointSesSendingRole with options known only to Terraform", () => {
  it("builds the identity and configuration-set ARNs with formatlist, in locals joined by concat", () => {
    const json = withVariables((variable) => ({
      sesIdentities: Token.asList(variable("identities").value),
      configurationSets: Token.asList(variable("sets").value),
    }));
    const locals = Object.entries(json.locals);
    const local = (label: string) => locals.find(([name]) => name.includes(label))?.[1];
    const arn = String.raw`arn:\$\{data\.aws_partition\.[\w-]+\.partition\}:ses:\$\{data\.aws_region\.[\w-]+\.id\}:` +
      String.raw`\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}`;
    expect(local("ses_identity_arns")).toMatch(new RegExp(`^\\$\\{formatlist\\("${arn}:identity/%s", var\\.identities\\)\\}$`));
    expect(local("configuration_set_arns")).toMatch(new RegExp(`^\\$\\{formatlist\\("${arn}:configuration-set/%s", var\\.sets\\)\\}$`));
    expect(local("ses_sending_resources")).toMatch(/^\$\{concat\(local\.[\w-]*ses_identity_arns[\w-]*, local\.[\w-]*configuration_set_arns[\w-]*\)\}$/);
    expect(only(json, "aws_iam_role_policy").policy).toMatch(/"Resource" = local\.[\w-]*ses_sending_resources[\w-]*\}/);
  });

  it("maps a literal list next to a token list at synth time and joins them in Terraform", () => {
    const json = withVariables((variable) => ({ sesIdentities: Token.asList(variable("identities").value) }));
    const joined = Object.entries(json.locals).find(([name]) => name.includes("ses_sending_resources"))?.[1] as string;
    expect(joined).toMatch(/^\$\{concat\(local\.[\w-]+, \["arn:.*:configuration-set\/\*"\]\)\}$/);
  });

  it("adds the aws:SourceArn condition only when Terraform finds the app id list not empty", () => {
    const json = withVariables((variable) => ({ pinpointApplicationIds: Token.asList(variable("apps").value) }));
    const trust: string = only(json, "aws_iam_role").assume_role_policy;
    expect(trust).toMatch(/^\$\{\(length\(var\.apps\) >= 1\) \? jsonencode\(\{.*"ArnLike" = \{"aws:SourceArn" = local\.[\w-]*pinpoint_application_arns[\w-]*\}.*\}\) : jsonencode\(\{.*\}\)\}$/);
    expect(trust.split(" : ")[1]).not.toContain("ArnLike");
  });

  it("takes the name from the prefix when Terraform finds the roleName token null", () => {
    const json = withVariables((variable) => ({ roleName: variable("name").stringValue, roleNamePrefix: "team-a-" }));
    const role = only(json, "aws_iam_role");
    expect(role.name).toBe("${var.name}");
    expect(role.name_prefix).toBe('${(var.name == null) ? "team-a-" : null}');
  });

  it("writes no local and no conditional for plain lists", () => {
    const json = withVariables(() => ({ sesIdentities: ["example.com"], pinpointApplicationIds: ["0123456789abcdef0123456789abcdef"] }));
    expect(json.locals).toBeUndefined();
    expect(only(json, "aws_iam_role").assume_role_policy).toMatch(/^\$\{jsonencode\(/);
  });

  it("synthesizes without cdktf's warning about escape sequences in nested functions", () => {
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      withVariables((variable) => ({
        sesIdentities: Token.asList(variable("identities").value),
        configurationSets: Token.asList(variable("sets").value),
        pinpointApplicationIds: Token.asList(variable("apps").value),
        region: variable("region").stringValue,
      }));
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it("keeps the locals of two constructs in one stack apart", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    const identities = Token.asList(new TerraformVariable(stack, "identities", {}).value);
    new PinpointSesSendingRole(stack, "first", { sesIdentities: identities });
    new PinpointSesSendingRole(stack, "second", { sesIdentities: identities });
    const locals = Object.keys(JSON.parse(Testing.synth(stack)).locals);
    expect(locals.filter((name) => name.includes("ses_identity_arns"))).toHaveLength(2);
    expect(new Set(locals).size).toBe(4);
  });
});
