/**
 * The rule families' case tables are the specification: each case is Terraform configuration (JSON syntax) of one
 * role and what belongs to it, written from AWS's documented policies, and the findings the review must give it,
 * exactly (a new finding starts here, as a failing case). rule-cases.terraform.test.ts plans every table in one
 * `terraform plan` with the real AWS provider and checks each case.
 */
import type { RuleId } from "../../../review/findings";

/** The account the endpoint's caller identity answers; another one; the account the aliased provider assumes a role in. */
export const ACCOUNT = "345678901234";
export const OTHER_ACCOUNT = "999999999999";
export const TARGET_ACCOUNT = "109876543210";

/** Terraform JSON configuration: top-level blocks merged across cases. */
export type TerraformJson = { readonly [block: string]: { readonly [type: string]: { readonly [name: string]: unknown } } };

export interface RuleCase {
  /** The role's label, unique across the tables; its address is `aws_iam_role.LABEL`. */
  readonly label: string;
  /** What the case is, and where AWS documents it. */
  readonly why: string;
  readonly config: TerraformJson;
  /** Every distinct (rule, address) the review must report for the role, and no other. */
  readonly expect: ReadonlyArray<readonly [RuleId, string]>;
}

export const document = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
export const roleAddress = (label: string) => `aws_iam_role.${label}`;
export const policyAddress = (label: string) => `aws_iam_role_policy.${label}`;

/** A role with `trust`, an optional inline policy, and more blocks; `provider` an alias such as `aws.target`. */
export function roleConfig(label: string, trust: string, options: { policy?: string; provider?: string; more?: TerraformJson } = {}): TerraformJson {
  const provider = options.provider ? { provider: options.provider } : {};
  return merge({
    resource: {
      aws_iam_role: { [label]: { name: label.replace(/_/g, "-"), assume_role_policy: trust, ...provider } },
      ...(options.policy ? { aws_iam_role_policy: { [label]: { name: "permissions", role: `\${aws_iam_role.${label}.name}`, policy: options.policy, ...provider } } } : {}),
    },
  }, options.more ?? {});
}

/** Blocks of several configurations in one. */
export function merge(...configs: TerraformJson[]): TerraformJson {
  const merged: { [block: string]: { [type: string]: { [name: string]: unknown } } } = {};
  for (const config of configs) {
    for (const [block, types] of Object.entries(config)) {
      for (const [type, items] of Object.entries(types)) merged[block] = { ...merged[block], [type]: { ...merged[block]?.[type], ...items } };
    }
  }
  return merged;
}

/** The trust policy of a Pinpoint sending role for `account`, as the AWS procedure has it. */
export const pinpointTrust = (account: string) => document({ Sid: "AllowPinpoint", Effect: "Allow", Principal: { Service: "pinpoint.amazonaws.com" },
  Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": account } } });

/** The send policy of a Pinpoint sending role on `account`'s identities and configuration sets in us-east-1. */
export const sendPolicy = (account: string) => document({ Effect: "Allow", Action: ["ses:SendEmail", "ses:SendRawEmail"],
  Resource: [`arn:aws:ses:us-east-1:${account}:identity/*`, `arn:aws:ses:us-east-1:${account}:configuration-set/*`] });
