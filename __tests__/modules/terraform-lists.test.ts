/**
 * The construct with options known only to Terraform (module variables): list
 * tokens become Terraform expressions, and what may be null or empty is
 * decided by Terraform.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, TerraformVariable, Testing, Token } from "cdktf";
import { PinpointSesSendingRole, PinpointSesSendingRoleProps } from "../../modules";
import { ARRAY_OPERATIONS, pinpointTrustPolicy, sesSendingPolicy } from "../../modules/policy-documents";
import { terraformListOperations, whenNotEmpty } from "../../modules/terraform-lists";

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
    const arn = String.raw`arn:\$\{data\.aws_partition\.[\w-]+\.partition\}:ses:\$\{data\.aws_region\.[\w-]+\.name\}:` +
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
});

describe("terraformListOperations", () => {
  const scope = { partition: "aws", region: "us-east-1", account: "111122223333" };

  it("gives the same documents as array operations for plain lists", () => {
    const lists = terraformListOperations(new TerraformStack(Testing.app(), "test"));
    expect(sesSendingPolicy(scope, ["example.com"], ["marketing"], lists))
      .toEqual(sesSendingPolicy(scope, ["example.com"], ["marketing"], ARRAY_OPERATIONS));
    expect(pinpointTrustPolicy(scope, ["0123456789abcdef0123456789abcdef"], lists))
      .toEqual(pinpointTrustPolicy(scope, ["0123456789abcdef0123456789abcdef"], ARRAY_OPERATIONS));
  });

  it("names a second local of the same label apart from the first", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const lists = terraformListOperations(stack);
    const names = Token.asList(new TerraformVariable(stack, "names", {}).value);
    lists.map(names, (name) => `a/${name}`, "arns");
    lists.map(names, (name) => `b/${name}`, "arns");
    expect(Object.keys(JSON.parse(Testing.synth(stack)).locals).sort()).toEqual(["arns", "arns_2"]);
  });
});

describe("whenNotEmpty", () => {
  const build = (list?: readonly string[]) => (list ? `some:${list.join(",")}` : "none");

  it.each([
    ["no list", undefined, "none"],
    ["an empty list", [], "none"],
    ["a list of one", ["a"], "some:a"],
  ])("decides at synth time for %s", (_name, list, expected) => {
    expect(whenNotEmpty(list, build)).toBe(expected);
  });
});
