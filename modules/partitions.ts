/** Region-name prefixes of the AWS partitions other than `aws`. */
const REGION_PARTITIONS: ReadonlyArray<readonly [string, string]> = [
  ["cn-", "aws-cn"], ["us-gov-", "aws-us-gov"], ["us-isob-", "aws-iso-b"], ["us-iso-", "aws-iso"],
  ["eu-isoe-", "aws-iso-e"], ["us-isof-", "aws-iso-f"],
];

/** The partition of a Region name (`cn-north-1` → `aws-cn`), for checks made before Terraform runs. */
export function partitionOfRegion(region: string): string {
  return REGION_PARTITIONS.find(([prefix]) => region.startsWith(prefix))?.[1] ?? "aws";
}
