/**
 * The IAM, STS and Pinpoint actions hashicorp/aws 5.100.0 sends for this construct's resources (`aws_iam_role`,
 * `aws_iam_role_policy`, `aws_iam_role_policies_exclusive`, `aws_pinpoint_email_channel` and `data.aws_caller_identity`),
 * as recorded by the local test endpoint (__tests__/terraform/provider-calls.test.ts and deployer-lifecycle.test.ts).
 * Those tests fail if the provider sends an action that is not listed here, and check the create, read, update, import
 * and destroy sets exactly, so this list stays what the provider really calls. Use it to build a least-privilege policy
 * for whoever runs `terraform apply`.
 */
export const OBSERVED_ACTIONS = {
  /** Every plan and apply: `data.aws_caller_identity`. (`aws_partition` and `aws_region` call nothing.) */
  plan: ["sts:GetCallerIdentity"],
  /** Reading the role and its inline policy: every refresh, every import, and after every write. */
  read: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies"],
  /** Creating the role and its inline policy (tags and boundary go with CreateRole). */
  create: ["iam:CreateRole", "iam:PutRolePolicy"],
  /** Changing them in place: trust policy, description, session duration, tags, boundary, inline policy. */
  update: ["iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:TagRole",
    "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:UpdateRoleDescription"],
  /** Importing an existing role and inline policy: reads only. */
  import: [],
  /** With `exclusiveInlinePolicy`: list the role's inline policies, delete any stray one. */
  exclusive: ["iam:DeleteRolePolicy", "iam:ListRolePolicies"],
  /** Deleting the inline policy, then the role. */
  destroy: ["iam:DeleteRole", "iam:DeleteRolePolicy", "iam:ListInstanceProfilesForRole", "iam:ListRolePolicies"],
  /**
   * Deleting a role that someone gave more policies out of band
   * (`force_detach_policies`): detach the managed ones, delete the inline ones.
   */
  forceDetach: ["iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies"],
  /** `aws_pinpoint_email_channel`: create and update are one call, then read; destroy deletes. */
  emailChannel: ["mobiletargeting:DeleteEmailChannel", "mobiletargeting:GetEmailChannel", "mobiletargeting:UpdateEmailChannel"],
} as const satisfies { readonly [phase: string]: readonly string[] };

export type Phase = keyof typeof OBSERVED_ACTIONS;

/** The actions of some phases together, sorted, each once. */
export function actionsOf(...phases: Phase[]): string[] {
  return [...new Set(phases.flatMap((phase): readonly string[] => OBSERVED_ACTIONS[phase]))].sort();
}

/** Every action the provider was seen to send, sorted. */
export const ALL_OBSERVED_ACTIONS: readonly string[] = actionsOf(...(Object.keys(OBSERVED_ACTIONS) as Phase[]));
