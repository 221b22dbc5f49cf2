/** Trust rules: who may assume the role, by every way to assume it. */
import { ACCOUNT, document, OTHER_ACCOUNT, pinpointTrust, roleAddress, roleConfig, RuleCase, sendPolicy } from "./cases";

export const TRUST_CASES: readonly RuleCase[] = [
  {
    label: "anyone_any_sts",
    why: "Principal * with sts:*: anyone may assume the role, tag the session and set its source identity",
    config: roleConfig("anyone_any_sts", document({ Effect: "Allow", Principal: "*", Action: "sts:*" })),
    expect: [["wildcard-principal", roleAddress("anyone_any_sts")]],
  },
  {
    label: "other_account_assume_star",
    why: "another account's root with sts:Assume* (every assume action), no external id",
    config: roleConfig("other_account_assume_star", document({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Action: "sts:Assume*" })),
    expect: [["cross-account-trust", roleAddress("other_account_assume_star")]],
  },
  {
    label: "partner_external_id",
    why: "IAM User Guide, 'Access to AWS accounts owned by third parties': another account with sts:ExternalId",
    config: roleConfig("partner_external_id", document({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` },
      Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "Unique ID Assigned by Example Corp" } } })),
    expect: [],
  },
  {
    label: "pinpoint_and_saml",
    why: "a Pinpoint sending role that SAML users may also assume (with SAML:aud): any principal besides Pinpoint is unexpected",
    config: roleConfig("pinpoint_and_saml", document(
      JSON.parse(pinpointTrust(ACCOUNT)).Statement[0],
      { Effect: "Allow", Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/ExampleOrgSSOProvider` }, Action: "sts:AssumeRoleWithSAML",
        Condition: { StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" } } },
    ), { policy: sendPolicy(ACCOUNT) }),
    expect: [["unexpected-trust-principal", roleAddress("pinpoint_and_saml")]],
  },
];
