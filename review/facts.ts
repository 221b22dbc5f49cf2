/**
 * Where a role lives (partition, Region, account), for the rules and the
 * simulation. The role's own documents come first: the construct's `region`
 * option writes its Region into the SES ARNs while the provider may sit in
 * another Region, and the trust policy's aws:SourceAccount names the account
 * Pinpoint acts for.
 */
import { partitionOfRegion } from "../modules/partitions";
import { ConfigResource, configAddress, dataSources, Plan, providerRegion } from "./plan";
import type { DocumentState } from "./roles";

/** Where the role is: partition, Region and account, and where each came from. */
export interface Facts {
  readonly partition?: string;
  readonly region?: string;
  readonly account?: string;
  /** For the report: `account 123… from data.aws_caller_identity.x`. */
  readonly sources: readonly string[];
}

type FactKey = "partition" | "region" | "account";
/** A candidate value and where it came from. */
type Candidate = readonly [value: string | undefined, source: string];
type Found = { [key in FactKey]?: string };

/** The services whose ARNs in a Pinpoint role's documents place the role itself. */
const OWN_SERVICES = new Set(["ses", "mobiletargeting"]);

/**
 * Partition, Region and account named by the role's own documents: the trust
 * policy's aws:SourceAccount and aws:SourceArn, then the SES and Pinpoint ARNs
 * its policies act on. Wildcards and empty fields tell nothing.
 */
export function factsFromDocuments(trust: DocumentState, permissions: readonly DocumentState[]): Found {
  const found: Found = {};
  const take = (arn: string) => {
    const [, partition, service, region, account] = /^arn:([^:*?]+):([^:*?]+):([^:*?]*):([^:]*):/.exec(arn) ?? [];
    if (!partition || !OWN_SERVICES.has(service)) return;
    found.partition ??= partition;
    if (region) found.region ??= region;
    if (/^\d{12}$/.test(account)) found.account ??= account;
  };
  for (const document of [trust, ...permissions]) {
    if (document.state !== "known") continue;
    for (const statement of document.policy.statements.filter((item) => item.effect === "Allow")) {
      for (const test of statement.conditions) {
        const key = test.key.toLowerCase();
        if (key === "aws:sourceaccount" && /^\d{12}$/.test(test.values[0] ?? "")) found.account ??= test.values[0];
        if (key === "aws:sourcearn") test.values.forEach(take);
      }
      (statement.resource ?? []).forEach(take);
    }
  }
  return found;
}

/** Data sources and configuration read once per plan, shared by every role. */
export class PlanFacts {
  private readonly sources: Map<string, { type: string; values: any }>;
  private readonly callerAccounts: Set<string>;

  constructor(private readonly plan: Plan) {
    this.sources = dataSources(plan);
    this.callerAccounts = new Set([...this.sources.values()]
      .filter((source) => source.type === "aws_caller_identity" && typeof source.values?.account_id === "string")
      .map((source) => source.values.account_id));
  }

  /** What the resource blocks reference among the data sources Terraform read. */
  private fromDataSources(blocks: readonly (ConfigResource | undefined)[]): { [key in FactKey]?: Candidate } {
    const found: { [key in FactKey]?: Candidate } = {};
    const referenced = new Set(blocks.flatMap((block) => block?.references ?? [])
      .map((reference) => /^((?:module\.[^.]+\.)*data\.[^.]+\.[^.]+)/.exec(reference)?.[1])
      .filter((address): address is string => address !== undefined));
    for (const address of referenced) {
      // A data source of a count/for_each block has instance keys; take any instance.
      const entry = this.sources.get(address) ??
        [...this.sources.entries()].find(([candidate]) => configAddress(candidate) === address)?.[1];
      if (!entry) continue;
      const value = {
        aws_caller_identity: ["account", entry.values?.account_id],
        aws_partition: ["partition", entry.values?.partition],
        aws_region: ["region", entry.values?.name ?? entry.values?.region],
      }[entry.type] as [FactKey, unknown] | undefined;
      if (value && typeof value[1] === "string") found[value[0]] ??= [value[1], `from ${address}`];
    }
    return found;
  }

  /**
   * Partition, Region and account of a role: given ones first, then the
   * role's own documents, then the data sources its blocks reference, then its
   * provider's Region, then the plan's only caller account.
   */
  resolve(blocks: readonly (ConfigResource | undefined)[], own: Found, given: Partial<Facts>): Facts {
    const sources: string[] = [];
    const pick = (key: FactKey, candidates: ReadonlyArray<Candidate | undefined>): string | undefined => {
      const [value, source] = candidates.find((candidate) => candidate?.[0]) ?? [];
      if (value) sources.push(`${key} ${value} ${source}`);
      return value;
    };
    const fromData = this.fromDataSources(blocks);
    const providerKey = blocks[0]?.providerConfigKey;
    const ownSource = "from the role's own documents";
    const region = pick("region", [
      [given.region, "(given)"], [own.region, ownSource], fromData.region,
      [providerRegion(this.plan, providerKey), `from provider ${providerKey}`],
    ]);
    return {
      region,
      partition: pick("partition", [
        [given.partition, "(given)"], [own.partition, ownSource], fromData.partition,
        [region && partitionOfRegion(region), "from the Region"],
      ]),
      account: pick("account", [
        [given.account, "(given)"], [own.account, ownSource], fromData.account,
        [this.callerAccounts.size === 1 ? [...this.callerAccounts][0] : undefined, "from the plan's data.aws_caller_identity"],
      ]),
      sources,
    };
  }
}
