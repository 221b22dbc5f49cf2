/**
 * Facts from the plan, never from the policy under review: where the plan places a Pinpoint sending role (the
 * caller identity, the provider's assume_role), its trust and sends naming another account are findings.
 * And a permission outside the plan is named by the attachment that brings it.
 */
import { ACCOUNT, document, OTHER_ACCOUNT, pinpointTrust, policyAddress, roleAddress, roleConfig, RuleCase, sendPolicy, TARGET_ACCOUNT } from "./cases";

/** A managed policy that exists before the plan, read by data.aws_iam_policy.ops (the test creates it first). */
export const OPS_POLICY = { name: "ops-iam", document: document({ Effect: "Allow", Action: "iam:*", Resource: "*" }) };
export const OPS_POLICY_ARN = `arn:aws:iam::${ACCOUNT}:policy/${OPS_POLICY.name}`;

export const PINPOINT_CASES: readonly RuleCase[] = [
  {
    label: "pinpoint_clean",
    why: "the AWS procedure's two documents for the account the caller identity answers",
    config: roleConfig("pinpoint_clean", pinpointTrust(ACCOUNT), { policy: sendPolicy(ACCOUNT) }),
    expect: [],
  },
  {
    label: "pinpoint_for_other_account",
    why: "documents that agree with each other on account 999999999999, in a plan whose caller identity is another account",
    config: roleConfig("pinpoint_for_other_account", pinpointTrust(OTHER_ACCOUNT), { policy: sendPolicy(OTHER_ACCOUNT) }),
    expect: [["foreign-source-account", roleAddress("pinpoint_for_other_account")],
      ["simulation-mismatch", roleAddress("pinpoint_for_other_account")], ["foreign-resource", policyAddress("pinpoint_for_other_account")]],
  },
  {
    label: "pinpoint_in_target_account",
    why: "through a provider that assumes a role in another account: the role lives there, not in the credentials' account its documents name",
    config: roleConfig("pinpoint_in_target_account", pinpointTrust(ACCOUNT), { policy: sendPolicy(ACCOUNT), provider: "aws.target" }),
    expect: [["foreign-source-account", roleAddress("pinpoint_in_target_account")],
      ["simulation-mismatch", roleAddress("pinpoint_in_target_account")], ["foreign-resource", policyAddress("pinpoint_in_target_account")]],
  },
  {
    label: "ops_read_by_data",
    why: "a policy read by data.aws_iam_policy and attached by aws_iam_role_policy_attachment: named by the attachment",
    config: roleConfig("ops_read_by_data", document({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }), {
      more: {
        data: { aws_iam_policy: { ops: { arn: OPS_POLICY_ARN } } },
        resource: { aws_iam_role_policy_attachment: { ops_read_by_data: { role: "${aws_iam_role.ops_read_by_data.name}", policy_arn: "${data.aws_iam_policy.ops.arn}" } } },
      },
    }),
    expect: [["service-wildcard", "aws_iam_role_policy_attachment.ops_read_by_data"]],
  },
];

/** The provider configurations: the default, and one assuming a role in TARGET_ACCOUNT. */
export const PROVIDERS = {
  provider: { aws: [{ region: "us-east-1" }, { alias: "target", region: "us-east-1", assume_role: [{ role_arn: `arn:aws:iam::${TARGET_ACCOUNT}:role/deployer` }] }] },
};
