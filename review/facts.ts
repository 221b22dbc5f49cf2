/**
 * Where a role lives (partition, Region, account), from the plan and the command line only, never from the
 * documents under review: a trust policy naming an account is judged against these facts, not taken as one.
 * In order: given (`--partition`, `--region`, `--account`), the role's own ARN in the prior state, the
 * data sources its blocks refer to (data.aws_caller_identity, data.aws_partition, data.aws_region), its provider's
 * configuration (`region`, `assume_role.role_arn`, `allowed_account_ids`), the plan's only caller identity.
 */
import { partitionOfRegion } from "../modules/partitions";
import { ConfigResource, referencedAddresses, ResourceChange } from "./plan";
import type { PlanIndex } from "./plan-index";

/** Where the role is: partition, Region and account, where each came from, and what disagreed. */
export interface Facts {
  readonly partition?: string;
  readonly region?: string;
  readonly account?: string;
  /** For the report: `account 123… from data.aws_caller_identity.x`. */
  readonly sources: readonly string[];
  /** Other values the plan gives for a fact than the one taken: `account 999… from the provider's allowed_account_ids`. */
  readonly conflicts: readonly string[];
}

type FactKey = "partition" | "region" | "account";
type Candidate = readonly [value: string | undefined, source: string];

const ARN_PARTS = /^arn:([^:]+):[^:]*:[^:]*:(\d{12})?:/;

/**
 * The facts of one role: `role` its change (undefined for a role outside the plan), `blocks` the configuration
 * blocks of the role and of the resources that belong to it (their references lead to the data sources).
 */
export function resolveFacts(index: PlanIndex, role: ResourceChange | undefined, blocks: readonly (ConfigResource | undefined)[],
  given: Partial<Pick<Facts, FactKey>>): Facts {
  const fromData: { [key in FactKey]: Candidate[] } = { account: [], partition: [], region: [] };
  const references = blocks.flatMap((block) => Object.values(block?.argumentReferences ?? {}).flat());
  for (const address of referencedAddresses(references, "data\\.[^.]+")) {
    // A data source of a count/for_each block has instance keys; any instance tells the same.
    const source = index.data.get(address) ?? index.dataByConfigAddress.get(address);
    const values = source?.values;
    if (source?.type === "aws_caller_identity") {
      fromData.account.push([values?.account_id, `from ${address}`]);
      fromData.partition.push([ARN_PARTS.exec(values?.arn ?? "")?.[1], `from ${address}`]);
    }
    if (source?.type === "aws_partition") fromData.partition.push([values?.partition, `from ${address}`]);
    if (source?.type === "aws_region") fromData.region.push([values?.name ?? values?.region, `from ${address}`]);
  }
  const roleArn = role?.change.before?.arn ?? role?.change.after?.arn;
  const [, arnPartition, arnAccount] = typeof roleArn === "string" ? ARN_PARTS.exec(roleArn) ?? [] : [];
  const providerKey = index.config.get(role?.address.replace(/\[("(?:[^"\\]|\\.)*"|\d+)\]/g, "") ?? "")?.providerConfigKey ??
    blocks.find((block) => block?.providerConfigKey)?.providerConfigKey;
  const provider = providerKey ? index.providers.get(providerKey) : undefined;
  const sources: string[] = [];
  const conflicts: string[] = [];
  /** The first value of `candidates`; the others that disagree are conflicts. */
  const pick = (key: FactKey, candidates: readonly Candidate[]): string | undefined => {
    const known = candidates.filter((candidate): candidate is readonly [string, string] => typeof candidate[0] === "string" && candidate[0] !== "");
    const [value, source] = known[0] ?? [];
    if (value === undefined) return undefined;
    sources.push(`${key} ${value} ${source}`);
    for (const [other, from] of known) if (other !== value && !conflicts.some((text) => text.startsWith(`${key} ${other} `))) conflicts.push(`${key} ${other} ${from}`);
    return value;
  };
  const region = pick("region", [[given.region, "(given)"], ...fromData.region, [provider?.region, `from provider ${providerKey}`]]);
  const callers = [...index.callerAccounts];
  return {
    region,
    partition: pick("partition", [[given.partition, "(given)"], [arnPartition, "from the role's ARN"], ...fromData.partition,
      [provider?.partition, `from provider ${providerKey}`], [region && partitionOfRegion(region), "from the Region"]]),
    account: pick("account", [[given.account, "(given)"], [arnAccount, "from the role's ARN"], ...fromData.account,
      [provider?.account, `from ${provider?.accountSource}`],
      [callers.length === 1 ? callers[0] : undefined, "from the plan's data.aws_caller_identity"]]),
    sources,
    conflicts,
  };
}
