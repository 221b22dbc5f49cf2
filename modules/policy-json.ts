/**
 * The role's two policy documents as the JSON strings its resources take.
 * Plain lists go through the pure builders at synth time. A list option may
 * also be a token (a Terraform variable, another resource's attribute) whose
 * elements only Terraform knows: its ARNs become a `formatlist` and lists are
 * joined with `concat`. Each expression is a Terraform local of the
 * construct, so no function call sits inside another: cdktf 0.21 warns
 * ("escape sequences … may be incorrect") about a template string in a
 * function call nested in another, such as `formatlist` inside `jsonencode`.
 * `core` is the app's framework (cdktf or cdktn), whose tokens the construct's tree holds.
 */
import { Construct } from "constructs";
import type { Core } from "./framework-types";
import {
  ALL, AccountScope, configurationSetArn, pinpointSourceArnPattern, pinpointTrustPolicy, sendingPolicyForArns, sesIdentityArn,
  trustPolicyForSourceArns,
} from "./policy-documents";

const isListToken = ({ Token }: Core, list: readonly string[] | undefined): boolean => list !== undefined && Token.isUnresolved(list);

/** One ARN per name: mapped here for a plain list, by `formatlist` in a local for a list token. */
function arnsOf(core: Core, construct: Construct, local: string, names: readonly string[], arnOf: (name: string) => string): string[] {
  if (!isListToken(core, names)) return names.map(arnOf);
  // Partition, Region and account are references or checked literals: the format has no `%` but this one.
  return new core.TerraformLocal(construct, local, core.Fn.formatlist(arnOf("%s"), [names])).asList;
}

/**
 * The trust policy. For a list token of app ids, Terraform decides whether
 * the `aws:SourceArn` condition applies, with a conditional on its length.
 */
export function trustPolicyJson(core: Core, construct: Construct, scope: AccountScope,
  pinpointApplicationIds?: readonly string[]): string {
  const { Fn, Op, Token } = core;
  if (pinpointApplicationIds === undefined || !isListToken(core, pinpointApplicationIds)) {
    return Fn.jsonencode(pinpointTrustPolicy(scope, pinpointApplicationIds));
  }
  const sourceArns = arnsOf(core, construct, "pinpoint_application_arns", pinpointApplicationIds,
    (id) => pinpointSourceArnPattern(scope, id));
  // `>= 1`, not `> 0`: cdktf 0.21 drops a right-hand operand of 0 (it writes `> undefined`).
  return Token.asString(Fn.conditional(Op.gte(Fn.lengthOf(pinpointApplicationIds), 1),
    Fn.jsonencode(trustPolicyForSourceArns(scope, sourceArns)), Fn.jsonencode(pinpointTrustPolicy(scope))));
}

/** The permissions policy; with a list token, its resources are joined by `concat` in Terraform. */
export function sendingPolicyJson(core: Core, construct: Construct, scope: AccountScope,
  sesIdentities: readonly string[] = [ALL], configurationSets: readonly string[] = [ALL]): string {
  const identityArns = arnsOf(core, construct, "ses_identity_arns", sesIdentities, (identity) => sesIdentityArn(scope, identity));
  const setArns = arnsOf(core, construct, "configuration_set_arns", configurationSets, (name) => configurationSetArn(scope, name));
  const resources = isListToken(core, sesIdentities) || isListToken(core, configurationSets)
    ? new core.TerraformLocal(construct, "ses_sending_resources", core.Fn.concat([identityArns, setArns])).asList
    : [...identityArns, ...setArns];
  return core.Fn.jsonencode(sendingPolicyForArns(resources));
}
