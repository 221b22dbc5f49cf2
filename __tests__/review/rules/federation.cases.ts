/**
 * Federated principals, from the documented trust policies: GitHub's "Configuring OpenID Connect in Amazon Web
 * Services" (aud sts.amazonaws.com, sub repo:ORG/REPO:…), Amazon EKS "IAM roles for service accounts", the IAM User
 * Guide's SAML 2.0 role (SAML:aud https://signin.aws.amazon.com/saml), Amazon Cognito "Role trust and permissions".
 */
import { ACCOUNT, document, pinpointTrust, roleAddress, roleConfig, RuleCase, sendPolicy } from "./cases";

const GITHUB = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const EKS = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`;
const SAML = `arn:aws:iam::${ACCOUNT}:saml-provider/ExampleOrgSSOProvider`;

const github = (condition?: object) => ({ Effect: "Allow", Principal: { Federated: GITHUB }, Action: "sts:AssumeRoleWithWebIdentity",
  ...(condition ? { Condition: condition } : {}) });
const AUDIENCE = { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" };

export const FEDERATION_CASES: readonly RuleCase[] = [
  {
    label: "github_any_repo",
    why: "GitHub's OIDC provider without conditions: any workflow of any repository can take the role",
    config: roleConfig("github_any_repo", document(github())),
    expect: [["oidc-trust-unguarded", roleAddress("github_any_repo")]],
  },
  {
    label: "github_audience_only",
    why: "aud sts.amazonaws.com is every GitHub workflow's default audience: without sub, any repository",
    config: roleConfig("github_audience_only", document(github({ StringEquals: AUDIENCE }))),
    expect: [["oidc-trust-unguarded", roleAddress("github_audience_only")]],
  },
  {
    label: "github_repo_wildcard",
    why: "sub repo:* names no owner: any repository",
    config: roleConfig("github_repo_wildcard", document(github({ StringEquals: AUDIENCE, StringLike: { "token.actions.githubusercontent.com:sub": "repo:*" } }))),
    expect: [["oidc-trust-unguarded", roleAddress("github_repo_wildcard")]],
  },
  {
    label: "github_one_repo",
    why: "GitHub's documented trust: aud sts.amazonaws.com and sub of one repository's branch",
    config: roleConfig("github_one_repo", document(github({ StringEquals: { ...AUDIENCE,
      "token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:ref:refs/heads/octo-branch" } }))),
    expect: [],
  },
  {
    label: "eks_service_account",
    why: "Amazon EKS IAM roles for service accounts: the cluster's OIDC provider, aud and sub of one service account",
    config: roleConfig("eks_service_account", document({ Effect: "Allow", Principal: { Federated: EKS }, Action: "sts:AssumeRoleWithWebIdentity",
      Condition: { StringEquals: { "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud": "sts.amazonaws.com",
        "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub": "system:serviceaccount:default:my-service-account" } } })),
    expect: [],
  },
  {
    label: "saml_without_audience",
    why: "a SAML provider's users without SAML:aud",
    config: roleConfig("saml_without_audience", document({ Effect: "Allow", Principal: { Federated: SAML }, Action: ["sts:AssumeRoleWithSAML", "sts:TagSession"] })),
    expect: [["saml-trust-without-audience", roleAddress("saml_without_audience")]],
  },
  {
    label: "saml_console",
    why: "IAM User Guide, role for SAML 2.0 federation: SAML:aud https://signin.aws.amazon.com/saml",
    config: roleConfig("saml_console", document({ Effect: "Allow", Principal: { Federated: SAML }, Action: "sts:AssumeRoleWithSAML",
      Condition: { StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" } } })),
    expect: [],
  },
  {
    label: "cognito_any_pool",
    why: "Cognito identities without cognito-identity.amazonaws.com:aud: any identity pool, of any account",
    config: roleConfig("cognito_any_pool", document({ Effect: "Allow", Principal: { Federated: "cognito-identity.amazonaws.com" },
      Action: "sts:AssumeRoleWithWebIdentity", Condition: { "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" } } })),
    expect: [["cognito-trust-without-audience", roleAddress("cognito_any_pool")]],
  },
  {
    label: "cognito_one_pool",
    why: "Amazon Cognito, role trust and permissions: aud of one identity pool and amr",
    config: roleConfig("cognito_one_pool", document({ Effect: "Allow", Principal: { Federated: "cognito-identity.amazonaws.com" },
      Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "cognito-identity.amazonaws.com:aud": "us-east-1:12345678-corner-cafe-123456790ab" },
        "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "unauthenticated" } } })),
    expect: [],
  },
  {
    label: "pinpoint_and_github",
    why: "a Pinpoint sending role that any GitHub repository's workflows may also assume",
    config: roleConfig("pinpoint_and_github", document(JSON.parse(pinpointTrust(ACCOUNT)).Statement[0], github()), { policy: sendPolicy(ACCOUNT) }),
    expect: [["unexpected-trust-principal", roleAddress("pinpoint_and_github")], ["oidc-trust-unguarded", roleAddress("pinpoint_and_github")]],
  },
];
