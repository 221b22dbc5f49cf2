/**
 * The two policy documents of the AWS procedure, read from the seed document
 * itself (`__tests__/fixtures/pinpoint-ses-role-seed.md`, copied verbatim),
 * with the procedure's placeholders replaced by a partition, Region and account.
 * The tests compare what the construct and Terraform produce with these.
 */
import * as fs from "fs";
import * as path from "path";

const SEED = fs.readFileSync(path.join(__dirname, "..", "fixtures", "pinpoint-ses-role-seed.md"), "utf8");

function jsonBlocks(): unknown[] {
  return [...SEED.matchAll(/```\s*\n([\s\S]*?)```/g)].map((match) => JSON.parse(match[1]));
}

export interface Placement {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

function place(document: unknown, at: Placement): any {
  const text = JSON.stringify(document)
    .replace(/arn:aws:/g, `arn:${at.partition}:`)
    .replace(/:us-east-1:/g, `:${at.region}:`)
    .replace(/111122223333/g, at.account)
    .replace(/"accountId"/g, JSON.stringify(at.account));
  return JSON.parse(text);
}

/** The seed's permissions policy (first JSON block), placed. */
export function seedPermissionsPolicy(at: Placement): any {
  return place(jsonBlocks()[0], at);
}

/** The seed's trust policy (second JSON block), placed. */
export function seedTrustPolicy(at: Placement): any {
  return place(jsonBlocks()[1], at);
}

/** The seed's trust policy, also limited to the given Pinpoint projects or anything beneath them (`aws:SourceArn` like `apps/ID*`). */
export function seedTrustPolicyFor(at: Placement, pinpointApplicationIds: readonly string[]): any {
  const policy = seedTrustPolicy(at);
  policy.Statement[0].Condition.ArnLike = {
    "aws:SourceArn": pinpointApplicationIds.map((id) => `arn:${at.partition}:mobiletargeting:${at.region}:${at.account}:apps/${id}*`),
  };
  return policy;
}

/** The seed's permissions policy, limited to the given SES identities and configuration sets. */
export function seedPermissionsPolicyFor(at: Placement, identities: readonly string[], configurationSets: readonly string[]): any {
  const policy = seedPermissionsPolicy(at);
  const arn = `arn:${at.partition}:ses:${at.region}:${at.account}`;
  policy.Statement[0].Resource = [
    ...identities.map((identity) => `${arn}:identity/${identity}`),
    ...configurationSets.map((name) => `${arn}:configuration-set/${name}`),
  ];
  return policy;
}
