/**
 * Where a role lives (partition, Region, account), for the rules and the
 * simulation. The role's own documents come first: the construct's `region`
 * option writes its Region into the SES ARNs while the provider may sit in
 * another Region, and the trust policy's aws:SourceAccount names the account
 * Pinpoint acts for.
 */
import { partitionOfRegion } from "../modules/partitions";
import { allowStatements, DocumentState } from "./documents";
import { ConfigResource, configAddress, dataSources, Plan, referencedAddresses } from "./plan";

/** Where the role is: partition, Region and account, and where each came from. */
export interface Facts {
  readonly partition?: string;
  readonly region?: string;
  readonly account?: string;
  /** For the report: `account 123… from data.aws_caller_identity.x`. */
  readonly sources: readonly string[];
}

type FactKey = "partition" | "region" | "account";
type Candidate = readonly [value: string | undefined, source: string];

/** The services whose ARNs in a Pinpoint role's documents place the role itself. */
const OWN_SERVICES = new Set(["ses", "mobiletargeting"]);

/**
 * Partition, Region and account named by the role's own documents: the trust
 * policy's aws:SourceAccount and aws:SourceArn, then the SES and Pinpoint ARNs
 * its policies act on. Wildcards and empty fields tell nothing.
 */
function factsFromDocuments(documents: readonly DocumentState[]): { [key in FactKey]?: string } {
  const found: { [key in FactKey]?: string } = {};
  const take = (arn: string) => {
    const [, partition, service, region, account] = /^arn:([^:*?]+):([^:*?]+):([^:*?]*):([^:]*):/.exec(arn) ?? [];
    if (!partition || !OWN_SERVICES.has(service)) return;
    found.partition ??= partition;
    if (region) found.region ??= region;
    if (/^\d{12}$/.test(account)) found.account ??= account;
  };
  for (const [statement] of documents.flatMap((document) => allowStatements(document))) {
    for (const test of statement.conditions) {
      const key = test.key.toLowerCase();
      if (key === "aws:sourceaccount" && /^\d{12}$/.test(test.values[0] ?? "")) found.account ??= test.values[0];
      if (key === "aws:sourcearn") test.values.forEach(take);
    }
    (statement.resource ?? []).forEach(take);
  }
  return found;
}

/**
 * Partition, Region and account of each role of `plan`: given ones first, then the role's own
 * documents (`documents`: its trust policy first), then the data sources its configuration
 * `blocks` reference, then its provider's Region, then the plan's only caller account.
 */
export function factsResolver(plan: Plan): (blocks: readonly (ConfigResource | undefined)[], documents: readonly DocumentState[],
  given: Partial<Facts>) => Facts {
  const data = dataSources(plan);
  const callerAccounts = new Set([...data.values()]
    .filter((source) => source.type === "aws_caller_identity" && typeof source.values?.account_id === "string")
    .map((source) => source.values.account_id));
  return (blocks, documents, given) => {
    const fromData: { [key in FactKey]?: Candidate } = {};
    const references = blocks.flatMap((block) => Object.values(block?.argumentReferences ?? {}).flat());
    for (const address of referencedAddresses(references, "data\\.[^.]+")) {
      // A data source of a count/for_each block has instance keys; take any instance.
      const entry = data.get(address) ?? [...data.entries()].find(([candidate]) => configAddress(candidate) === address)?.[1];
      if (!entry) continue;
      const value = {
        aws_caller_identity: ["account", entry.values?.account_id],
        aws_partition: ["partition", entry.values?.partition],
        aws_region: ["region", entry.values?.name ?? entry.values?.region],
      }[entry.type] as [FactKey, unknown] | undefined;
      if (value && typeof value[1] === "string") fromData[value[0]] ??= [value[1], `from ${address}`];
    }
    const own = factsFromDocuments(documents);
    const sources: string[] = [];
    /** The first value of: the given one, the role's own documents', the data sources', `fallback`. */
    const pick = (key: FactKey, fallback: Candidate): string | undefined => {
      const candidates = [[given[key], "(given)"], [own[key], "from the role's own documents"], fromData[key], fallback] as const;
      const [value, source] = candidates.find((candidate) => candidate?.[0]) ?? [];
      if (value) sources.push(`${key} ${value} ${source}`);
      return value;
    };
    const providerKey = blocks[0]?.providerConfigKey;
    // The Region set as a constant on the provider configuration, if any.
    const providerRegion = plan.configuration?.provider_config?.[providerKey ?? ""]?.expressions?.region?.constant_value;
    const region = pick("region", [typeof providerRegion === "string" ? providerRegion : undefined, `from provider ${providerKey}`]);
    return {
      region,
      partition: pick("partition", [region && partitionOfRegion(region), "from the Region"]),
      account: pick("account", [callerAccounts.size === 1 ? [...callerAccounts][0] : undefined, "from the plan's data.aws_caller_identity"]),
      sources,
    };
  };
}
