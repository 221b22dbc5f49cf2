/**
 * One index of a plan, built once per review: resources by type and by address without instance keys, the
 * configuration's blocks and their references, the data sources Terraform read, the provider configurations, and
 * the managed policy documents known by ARN. Rules and readers look things up here instead of scanning the plan.
 */
import { configAddress, configResources, ConfigResource, Plan, ResourceChange } from "./plan";

/** A data source Terraform read for the plan (`prior_state`). */
export interface DataSource {
  readonly address: string;
  readonly type: string;
  readonly values: any;
}

/** What a provider configuration of the plan says about where its resources live. */
export interface ProviderFacts {
  readonly region?: string;
  /** The account of `assume_role.role_arn`, or the only entry of `allowed_account_ids`. */
  readonly account?: string;
  readonly accountSource?: string;
  readonly partition?: string;
}

/** A managed policy document known by ARN: read by a `data.aws_iam_policy` of the plan, or given (`--policy`). */
export interface KnownPolicy {
  readonly document: unknown;
  /** `data.aws_iam_policy.x`, or `--policy` for one given. */
  readonly readBy: string;
}

export interface PlanIndex {
  readonly plan: Plan;
  readonly managed: readonly ResourceChange[];
  /** Managed resources of a type, in plan order. */
  ofType(type: string): readonly ResourceChange[];
  /** Managed resources by their address without instance keys. */
  readonly byConfigAddress: ReadonlyMap<string, readonly ResourceChange[]>;
  /** The configuration's resource blocks by full address (module path included). */
  readonly config: ReadonlyMap<string, ConfigResource>;
  /** Data sources by address, and the first instance of each by address without instance keys. */
  readonly data: ReadonlyMap<string, DataSource>;
  readonly dataByConfigAddress: ReadonlyMap<string, DataSource>;
  /** Every account a data.aws_caller_identity of the plan answered. */
  readonly callerAccounts: ReadonlySet<string>;
  /** Provider configurations by key (`aws`, `aws.eu`, `module.m:aws`). */
  readonly providers: ReadonlyMap<string, ProviderFacts>;
  /** Managed policy documents by ARN. */
  readonly knownPolicies: ReadonlyMap<string, KnownPolicy>;
}

const ARN = /^arn:([^:]+):[^:]*:[^:]*:(\d{12})?:/;

/** The constant of a provider argument, in the shapes plan JSON gives (a block is a list of one object). */
function constant(expressions: any, ...path: string[]): unknown {
  let value = expressions;
  for (const key of path) {
    value = Array.isArray(value) ? value[0] : value;
    value = value?.[key];
  }
  return value?.constant_value;
}

function providerFacts(expressions: any): ProviderFacts {
  const region = constant(expressions, "region");
  const roleArn = constant(expressions, "assume_role", "role_arn");
  const allowed = constant(expressions, "allowed_account_ids");
  const [, partition, account] = typeof roleArn === "string" ? ARN.exec(roleArn) ?? [] : [];
  const onlyAllowed = Array.isArray(allowed) && allowed.length === 1 && typeof allowed[0] === "string" ? allowed[0] : undefined;
  return {
    region: typeof region === "string" ? region : undefined,
    account: account ?? onlyAllowed,
    accountSource: account ? `the provider's assume_role.role_arn ${roleArn}` : onlyAllowed ? "the provider's allowed_account_ids" : undefined,
    partition,
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = key(item);
    const group = groups.get(name);
    if (group) group.push(item);
    else groups.set(name, [item]);
  }
  return groups;
}

/** Indexes `plan`; `given` are policy documents by ARN given outside the plan (they win over data sources). */
export function indexPlan(plan: Plan, given: ReadonlyMap<string, unknown> = new Map()): PlanIndex {
  const managed = plan.resource_changes.filter((change) => change.mode === "managed");
  const byType = groupBy(managed, (change) => change.type);
  const dataResources = (module: any): any[] => [...(module?.resources ?? []), ...(module?.child_modules ?? []).flatMap(dataResources)];
  const data = new Map<string, DataSource>(dataResources(plan.prior_state?.values?.root_module)
    .filter((resource) => resource.mode === "data")
    .map((resource) => [resource.address, { address: resource.address, type: resource.type, values: resource.values }]));
  const dataByConfigAddress = new Map<string, DataSource>();
  for (const source of data.values()) if (!dataByConfigAddress.has(configAddress(source.address))) dataByConfigAddress.set(configAddress(source.address), source);
  const knownPolicies = new Map<string, KnownPolicy>();
  for (const source of data.values()) {
    if (source.type === "aws_iam_policy" && typeof source.values?.arn === "string" && source.values?.policy) {
      knownPolicies.set(source.values.arn, { document: source.values.policy, readBy: source.address });
    }
  }
  for (const [arn, document] of given) knownPolicies.set(arn, { document, readBy: "--policy" });
  const providers = new Map(Object.entries<any>(plan.configuration?.provider_config ?? {})
    .map(([key, provider]) => [key, providerFacts(provider?.expressions)]));
  return {
    plan,
    managed,
    ofType: (type) => byType.get(type) ?? [],
    byConfigAddress: groupBy(managed, (change) => configAddress(change.address)),
    config: configResources(plan),
    data,
    dataByConfigAddress,
    callerAccounts: new Set([...data.values()].filter((source) => source.type === "aws_caller_identity" &&
      typeof source.values?.account_id === "string").map((source) => source.values.account_id)),
    providers,
    knownPolicies,
  };
}
