/**
 * Plans that change applied roles, in the shape `terraform show -json` gives an update (before and after values),
 * with AWS's documented policies: for the tests of what a plan brings (novelty), the gate and its outputs.
 */
import type { HandBuiltChange } from "./hand-built-plans";

export const CHANGED_ACCOUNT = "456789012345";
const ACCOUNT = CHANGED_ACCOUNT;
const document = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
// The EC2 trust policy as AWS documents it, and two permission policies.
export const EC2_TRUST = document({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" });
export const ANYONE = document({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" });
export const S3_ALL = document({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::reports/*" });
export const S3_AND_SQS_ALL = document({ Effect: "Allow", Action: ["s3:*", "sqs:*"], Resource: "*" });

/** A role change; `before` undefined for a create, `tags` the role's tags before the plan. */
export function roleChange(name: string, trust: { before?: string; after: string }, tags: { [key: string]: string } = {}): HandBuiltChange {
  const values = (policy: string) => ({ name, path: "/", arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, assume_role_policy: policy, inline_policy: [], tags });
  return {
    address: `aws_iam_role.${name}`, mode: "managed", type: "aws_iam_role", name,
    change: { actions: trust.before === undefined ? ["create"] : trust.before === trust.after ? ["no-op"] : ["update"],
      before: trust.before === undefined ? null : values(trust.before), after: values(trust.after), after_unknown: trust.before === undefined ? { arn: true } : {} },
  };
}

export function policyChange(role: string, policy: { before?: string; after: string }): HandBuiltChange {
  const values = (text: string) => ({ name: "permissions", role, policy: text });
  return {
    address: `aws_iam_role_policy.${role}`, mode: "managed", type: "aws_iam_role_policy", name: role,
    change: { actions: policy.before === undefined ? ["create"] : policy.before === policy.after ? ["no-op"] : ["update"],
      before: policy.before === undefined ? null : values(policy.before), after: values(policy.after), after_unknown: {} },
  };
}

/** A plan changing applied roles: `kept` unchanged with a service wildcard, `widened` adds one, `opened` new and open to anyone. */
export const CHANGES = [
  roleChange("kept", { before: EC2_TRUST, after: EC2_TRUST }), policyChange("kept", { before: S3_ALL, after: S3_ALL }),
  roleChange("widened", { before: EC2_TRUST, after: EC2_TRUST }), policyChange("widened", { before: S3_ALL, after: S3_AND_SQS_ALL }),
  roleChange("opened", { after: ANYONE }),
];

