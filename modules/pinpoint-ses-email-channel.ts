import { Construct } from "constructs";
import { frameworkOf } from "./framework";
import type { PinpointEmailChannel, TerraformProvider } from "./framework-types";
import { PinpointSesSendingRole } from "./pinpoint-ses-sending-role";
import { ALL, sesIdentityArn } from "./policy-documents";
import { PATTERNS } from "./iam-limits";
import { fail, isSesIdentity, knownText, show, Tokens } from "./validation";

/** Options of {@link PinpointSesEmailChannel}. */
export interface PinpointSesEmailChannelProps {
  /** Id of the Pinpoint project (application): 32 lowercase hex characters. */
  readonly applicationId: string;
  /**
   * The verified SES identity Pinpoint sends through: a domain (`example.com`)
   * or an email address. Its ARN is built from the sending role's partition,
   * Region and account.
   */
  readonly identity: string;
  /**
   * Address the email comes from, plain (`news@example.com`) or with a
   * display name (`News <news@example.com>`). For a domain identity an
   * address at that domain or one of its subdomains; for an address identity
   * that address.
   */
  readonly fromAddress: string;
  /** The role Pinpoint assumes to send: its ARN is the channel's orchestration sending role. */
  readonly sendingRole: PinpointSesSendingRole;
  /**
   * Name of an SES configuration set applied to every message of the channel.
   * @default - no configuration set
   */
  readonly configurationSet?: string;
  /**
   * Whether the channel is enabled.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Provider for the channel.
   * @default - the sending role's provider, so the channel is in the role's account and Region
   */
  readonly provider?: TerraformProvider;
}

/**
 * The email channel of a Pinpoint project, sending through an SES identity of
 * the account with a {@link PinpointSesSendingRole}: the last step of the AWS
 * procedure, "configure Amazon Pinpoint to use your Amazon SES resources".
 *
 * Amazon Pinpoint reached end of support on 2026-10-30, and newer releases of
 * the hashicorp/aws provider deprecate `aws_pinpoint_email_channel`.
 */
export class PinpointSesEmailChannel extends Construct {
  /** The `aws_pinpoint_email_channel` resource. */
  public readonly channel: PinpointEmailChannel;
  /** ARN of the SES identity the channel sends through. */
  public readonly identityArn: string;

  constructor(scope: Construct, id: string, props: PinpointSesEmailChannelProps) {
    // Before super(): a scope outside a stack, a missing binding or a bad option must leave nothing behind in the tree.
    const { core, aws } = frameworkOf(scope, "PinpointSesEmailChannel");
    validateEmailChannelProps(core.Token, props);
    super(scope, id);

    this.identityArn = sesIdentityArn(props.sendingRole.accountScope, props.identity);
    this.channel = new aws.PinpointEmailChannel(this, "channel", {
      provider: props.provider ?? props.sendingRole.role.provider,
      applicationId: props.applicationId,
      identity: this.identityArn,
      fromAddress: props.fromAddress,
      configurationSet: props.configurationSet,
      enabled: props.enabled,
      orchestrationSendingRoleArn: props.sendingRole.roleArn,
    });
  }
}

function validateEmailChannelProps(tokens: Tokens, props: PinpointSesEmailChannelProps): void {
  if (knownText(tokens, props.applicationId) && !PATTERNS.pinpointApplicationId.test(props.applicationId)) {
    fail("applicationId", props.applicationId, "is not a Pinpoint application id (32 lowercase hex characters)");
  }
  if (knownText(tokens, props.identity) && !isSesIdentity(props.identity)) {
    fail("identity", props.identity, "is not an SES identity (an email address or a domain)");
  }
  if (knownText(tokens, props.configurationSet) && !PATTERNS.configurationSet.test(props.configurationSet)) {
    fail("configurationSet", props.configurationSet, "is not an SES configuration set name (1 to 64 of [A-Za-z0-9_-])");
  }
  checkRoleMayUse(tokens, "identity", props.identity, "sesIdentities", props.sendingRole.sesIdentities);
  checkRoleMayUse(tokens, "configurationSet", props.configurationSet, "configurationSets", props.sendingRole.configurationSets);
  if (!knownText(tokens, props.fromAddress)) return;
  // The address without a display name: `News <a@b.co>` → `a@b.co`.
  const address = /^[^<>]*<([^<>]+)>$/.exec(props.fromAddress.trim())?.[1] ?? props.fromAddress;
  if (!address.includes("@") || !isSesIdentity(address)) {
    fail("fromAddress", props.fromAddress, "is not an email address (local@domain, or Name <local@domain>)");
  }
  if (!knownText(tokens, props.identity)) return;
  // SES sends through a domain identity from the domain and its subdomains, through an address identity only from
  // that address (SES Developer Guide, "Creating and verifying identities").
  const [from, identity] = [address.toLowerCase(), props.identity.toLowerCase()];
  const domain = from.slice(from.lastIndexOf("@") + 1);
  if (identity.includes("@") && from !== identity) {
    fail("fromAddress", props.fromAddress,
      `is not the identity ${show(props.identity)}; an email-address identity sends only from itself`);
  }
  if (!identity.includes("@") && domain !== identity && !domain.endsWith(`.${identity}`)) {
    fail("fromAddress", props.fromAddress,
      `is not at the identity's domain ${show(props.identity)} or a subdomain of it, so SES would refuse to send from it`);
  }
}

/**
 * The channel's identity and configuration set must be ones its sending role
 * may use (SES names are case-insensitive), or SES refuses every send of the
 * channel at run time.
 */
function checkRoleMayUse(tokens: Tokens, option: string, value: string | undefined, roleOption: string,
  allowed: readonly string[] | undefined): void {
  if (!knownText(tokens, value) || allowed === undefined || tokens.isUnresolved(allowed)) return;
  if (allowed.some((name) => !knownText(tokens, name) || name === ALL || name.toLowerCase() === value.toLowerCase())) return;
  throw new Error(`${option} ${show(value)} is not in the sending role's ${roleOption} ${show(allowed)}; ` +
    `the role could not send through it, so list it there too`);
}
