import "cdktf/lib/testing/adapters/jest";
import { PinpointEmailChannel } from "@cdktf/provider-aws/lib/pinpoint-email-channel";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing, Token } from "cdktf";
import {
  PinpointSesEmailChannel, PinpointSesEmailChannelProps, PinpointSesSendingRole, PinpointSesSendingRoleProps,
} from "../../modules";

Testing.setupJest();

const APP_ID = "0123456789abcdef0123456789abcdef";
type ChannelOptions = Omit<PinpointSesEmailChannelProps, "sendingRole">;
const base: ChannelOptions = { applicationId: APP_ID, identity: "example.com", fromAddress: "news@example.com" };

/** A stack with a sending role in `region` (limited as `role` says) and a channel with `options`; returns the stack's JSON. */
function channelStack(options: Partial<ChannelOptions> = {}, region?: string, role: PinpointSesSendingRoleProps = {}) {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  const sendingRole = new PinpointSesSendingRole(stack, "role", { region, ...role });
  const channel = new PinpointSesEmailChannel(stack, "channel", { ...base, ...options, sendingRole });
  return { stack, channel, synthesized: Testing.synth(stack) };
}

describe("PinpointSesEmailChannel", () => {
  it("configures the channel with the project, from address and the role as orchestration sending role", () => {
    const { synthesized } = channelStack({ configurationSet: "marketing", enabled: false });
    expect(synthesized).toHaveResourceWithProperties(PinpointEmailChannel, {
      application_id: APP_ID,
      from_address: "news@example.com",
      configuration_set: "marketing",
      enabled: false,
    });
    const [channel] = Object.values(JSON.parse(synthesized).resource.aws_pinpoint_email_channel) as any[];
    expect(channel.orchestration_sending_role_arn).toMatch(/^\$\{aws_iam_role\.[\w-]+\.arn\}$/);
  });

  it("builds the identity ARN from the role's partition, Region and account", () => {
    const { synthesized, channel } = channelStack({}, "eu-west-1");
    const [resource] = Object.values(JSON.parse(synthesized).resource.aws_pinpoint_email_channel) as any[];
    expect(resource.identity).toMatch(
      /^arn:\$\{data\.aws_partition\.[\w-]+\.partition\}:ses:eu-west-1:\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}:identity\/example\.com$/);
    expect(channel.channel).toBeInstanceOf(PinpointEmailChannel);
  });

  it("leaves out the configuration set and enabled flag when not given", () => {
    const { synthesized } = channelStack();
    const [resource] = Object.values(JSON.parse(synthesized).resource.aws_pinpoint_email_channel) as any[];
    expect(resource.configuration_set).toBeUndefined();
    expect(resource.enabled).toBeUndefined();
  });

  it("uses the sending role's provider, so the channel is in the role's account and Region", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    const other = new AwsProvider(stack, "other", { region: "eu-west-1", alias: "other" });
    const sendingRole = new PinpointSesSendingRole(stack, "role", { provider: other });
    new PinpointSesEmailChannel(stack, "channel", { ...base, sendingRole });
    const [resource] = Object.values(JSON.parse(Testing.synth(stack)).resource.aws_pinpoint_email_channel) as any[];
    expect(resource.provider).toBe("aws.other");
  });

  it.each([
    ["an address at the identity's domain", { fromAddress: "news@example.com" }],
    ["an address at a subdomain of the identity", { fromAddress: "alerts@mail.example.com" }],
    ["a display name with the address", { fromAddress: "Example News <news@example.com>" }],
    ["the domain in other letter case", { fromAddress: "news@Example.COM" }],
    ["the identity itself when it is an address", { identity: "news@example.com", fromAddress: "news@example.com" }],
    ["a configuration set of 64 characters", { configurationSet: "c".repeat(64) }],
    ["tokens for every value", {
      applicationId: Token.asString({ Ref: "app" }), identity: Token.asString({ Ref: "identity" }),
      fromAddress: Token.asString({ Ref: "from" }), configurationSet: Token.asString({ Ref: "set" }),
    }],
  ])("accepts %s", (_name, options) => {
    expect(() => channelStack(options)).not.toThrow();
  });

  it.each([
    ["an address at another domain", { fromAddress: "news@example.org" },
      /^fromAddress "news@example.org" is not at the identity's domain "example.com" or a subdomain of it, so SES would refuse to send from it$/],
    ["an address at a domain that only ends like the identity", { fromAddress: "news@badexample.com" },
      /^fromAddress "news@badexample.com" is not at the identity's domain "example.com"/],
    ["an address at the parent of the identity", { identity: "mail.example.com", fromAddress: "news@example.com" },
      /^fromAddress "news@example.com" is not at the identity's domain "mail.example.com"/],
    ["another address than an address identity", { identity: "news@example.com", fromAddress: "info@example.com" },
      /^fromAddress "info@example.com" is not the identity "news@example.com"; an email-address identity sends only from itself$/],
    ["a from address without @", { fromAddress: "example.com" },
      /^fromAddress "example.com" is not an email address \(local@domain, or Name <local@domain>\)$/],
    ["a display name with a broken address", { fromAddress: "News <news@>" }, /^fromAddress "News <news@>" is not an email address/],
    ["an identity that is not one", { identity: "not an identity" },
      /^identity "not an identity" is not an SES identity \(an email address or a domain\)$/],
    ["an application id of 31 characters", { applicationId: APP_ID.slice(1) },
      /^applicationId "123456789abcdef0123456789abcdef" is not a Pinpoint application id \(32 lowercase hex characters\)$/],
    ["a configuration set of 65 characters", { configurationSet: "c".repeat(65) },
      /^configurationSet "c+" is not an SES configuration set name \(1 to 64 of \[A-Za-z0-9_-\]\)$/],
    ["an address even when the identity is a token", { identity: Token.asString({ Ref: "identity" }), fromAddress: "nobody" },
      /^fromAddress "nobody" is not an email address/],
  ])("rejects %s, naming the option, the rule and the value", (_name, options, message) => {
    expect(() => channelStack(options)).toThrow(message);
  });

  it.each([
    ["an identity the role lists, in other letter case", { identity: "Example.COM" }, { sesIdentities: ["example.com"] }],
    ["any identity when the role allows all of them", { identity: "example.net", fromAddress: "a@example.net" }, { sesIdentities: ["*"] }],
    ["a configuration set the role lists", { configurationSet: "marketing" }, { configurationSets: ["marketing", "alerts"] }],
    ["any configuration set when the role allows all of them", { configurationSet: "marketing" }, {}],
    ["a role whose lists are tokens", { configurationSet: "marketing" },
      { sesIdentities: Token.asList({ Ref: "ids" }), configurationSets: Token.asList({ Ref: "sets" }) }],
  ])("accepts %s", (_name, options, role) => {
    expect(() => channelStack(options, undefined, role)).not.toThrow();
  });

  it.each([
    ["an identity the role may not send through", { identity: "example.com" }, { sesIdentities: ["example.org", "news@example.com"] },
      /^identity "example.com" is not in the sending role's sesIdentities \["example.org","news@example.com"\]; the role could not send through it, so list it there too$/],
    ["a configuration set the role may not use", { configurationSet: "marketing" }, { configurationSets: ["alerts"] },
      /^configurationSet "marketing" is not in the sending role's configurationSets \["alerts"\]; the role could not send through it/],
  ])("rejects %s, at synth", (_name, options, role, message) => {
    expect(() => channelStack(options, undefined, role)).toThrow(message);
  });

  it("exposes the role's identities and configuration sets read-only", () => {
    const role = new PinpointSesSendingRole(new TerraformStack(Testing.app(), "test"), "role", { sesIdentities: ["example.com"] });
    expect([role.sesIdentities, role.configurationSets]).toEqual([["example.com"], undefined]);
    expect(Object.isFrozen(role.sesIdentities)).toBe(true);
  });

  it("adds nothing to the tree when an option is invalid", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const sendingRole = new PinpointSesSendingRole(stack, "role");
    expect(() => new PinpointSesEmailChannel(stack, "channel", { ...base, fromAddress: "x@y.z", sendingRole })).toThrow();
    expect(stack.node.tryFindChild("channel")).toBeUndefined();
  });
});
