/**
 * IAM quotas and naming rules the construct checks at synth time, so a bad
 * value fails before `terraform apply` has created anything.
 * Source: IAM User Guide, "IAM and AWS STS quotas" and the IAM API reference.
 */
export const IAM_LIMITS = {
  roleNameMaxLength: 64,
  /** aws_iam_role appends a 26-character unique suffix to `name_prefix`. */
  terraformUniqueSuffixLength: 26,
  pathMaxLength: 512,
  descriptionMaxLength: 1000,
  policyNameMaxLength: 128,
  minSessionDuration: 3600,
  maxSessionDuration: 43200,
  maxTagsPerRole: 50,
  tagKeyMaxLength: 128,
  tagValueMaxLength: 256,
  /** Default quota for a role trust policy, whitespace not counted. */
  trustPolicyMaxSize: 2048,
  /** The most that quota can be raised to (Service Quotas, "Role trust policy length"). */
  trustPolicyMaxSizeRaised: 8192,
  /** Sum of all inline policies of one role, whitespace not counted. */
  inlinePoliciesMaxSize: 10240,
} as const;

/** Longest value of what is only known at plan time, used for size checks. */
export const WORST_CASE = {
  /** `aws-us-gov` is the longest partition name. */
  partition: "p".repeat(10),
  /** The longest Region names today have 14 characters; two spare. */
  region: "r".repeat(16),
  account: "0".repeat(12),
} as const;

export const PATTERNS = {
  roleName: /^[A-Za-z0-9+=,.@_-]+$/,
  policyName: /^[A-Za-z0-9+=,.@_-]+$/,
  /** `/` alone, or `/` + printable ASCII + `/`. */
  path: /^\/$|^\/[\u0021-\u007E]+\/$/,
  description: /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$/,
  /** A customer-managed (12-digit account) or AWS-managed policy, any partition. */
  policyArn: /^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/([\u0021-\u002E\u0030-\u007E]+\/)*[A-Za-z0-9+=,.@_-]{1,128}$/,
  tagText: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u,
  region: /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/,
  /** Labels of letters, digits and inner hyphens; the top level alphabetic or an IDN `xn--` label. */
  domain: /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+([A-Za-z]{2,63}|xn--[A-Za-z0-9-]{0,58}[A-Za-z0-9])$/,
  /** A dot-atom (RFC 5322): no dot first, last or twice in a row. (At most 64 characters: checked apart, RE2 has no lookahead.) */
  emailLocalPart: /^[A-Za-z0-9!#$%&'+\-/=?^_`{|}~]+(\.[A-Za-z0-9!#$%&'+\-/=?^_`{|}~]+)*$/,
  configurationSet: /^[A-Za-z0-9_-]{1,64}$/,
  pinpointApplicationId: /^[0-9a-f]{32}$/,
} as const;
