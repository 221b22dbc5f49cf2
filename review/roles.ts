/**
 * Gathers, from a plan, every IAM role with its trust policy and its inline
 * policies (aws_iam_role_policy resources, inline_policy blocks), before and
 * after the change, whether or not this project's module made them.
 */
import {
  changeKind,
  ChangeKind,
  ConfigResource,
  configAddress,
  configResources,
  dataSources,
  instanceKeys,
  Plan,
  providerRegion,
  ResourceChange,
} from "./plan";
import { partitionOfRegion } from "../modules/partitions";
import { parsePolicy, Policy, PolicyFormatError } from "./policy";

/** A policy document on one side of a change. */
export type DocumentState =
  | { readonly state: "absent" }
  | { readonly state: "unknown" }
  | { readonly state: "unreadable"; readonly problem: string }
  | { readonly state: "known"; readonly policy: Policy };

/** One inline policy of a role and its change. */
export interface PolicyChange {
  /** Resource address, or the role's address and the name for an inline_policy block. */
  readonly address: string;
  readonly name: string;
  readonly change: ChangeKind;
  readonly before: DocumentState;
  readonly after: DocumentState;
}

/** Where the role is: partition, Region and account, and where each came from. */
export interface Facts {
  readonly partition?: string;
  readonly region?: string;
  readonly account?: string;
  /** For the report: `account 123… from data.aws_caller_identity.x`. */
  readonly sources: readonly string[];
}

export interface RoleReview {
  readonly address: string;
  /** False for a role that is not in the plan but has policies in it. */
  readonly inPlan: boolean;
  readonly change: ChangeKind;
  /** Why Terraform replaces it (attributes that force replacement), when it does. */
  readonly replacedBecause: readonly string[];
  /** Name after the change (before, for a delete); undefined until apply for a generated name. */
  readonly name?: string;
  /** Name before the change, when the role exists already. */
  readonly previousName?: string;
  readonly namePrefix?: string;
  readonly path: string;
  readonly boundary: { readonly before?: string; readonly after?: string; readonly afterUnknown: boolean };
  readonly trust: { readonly before: DocumentState; readonly after: DocumentState };
  readonly policies: readonly PolicyChange[];
  /** Names kept by aws_iam_role_policies_exclusive, when the plan has one for the role. */
  readonly exclusivePolicyNames?: readonly string[];
  /** Managed policies attached (role attribute and attachment resources); their contents are not in the plan. */
  readonly managedPolicyArns: readonly string[];
  readonly facts: Facts;
}

const ABSENT: DocumentState = { state: "absent" };

function document(change: ResourceChange["change"], side: "before" | "after", attribute: string): DocumentState {
  const values = change[side];
  if (values === null || values === undefined) return ABSENT;
  if (side === "after" && change.after_unknown?.[attribute] === true) return { state: "unknown" };
  return readDocument(values[attribute]);
}

/** A policy document given as JSON text or an object; absent for nothing, unreadable for a bad one. */
export function readDocument(raw: unknown): DocumentState {
  if (raw === null || raw === undefined || raw === "") return ABSENT;
  try {
    return { state: "known", policy: parsePolicy(raw) };
  } catch (error) {
    if (error instanceof PolicyFormatError) return { state: "unreadable", problem: error.message };
    throw error;
  }
}

/** Finds the role a role-scoped resource (policy, attachment, exclusive list) belongs to. */
class RoleMatcher {
  constructor(private readonly roles: readonly ResourceChange[], private readonly config: Map<string, ConfigResource>) {}

  find(resource: ResourceChange, roleAttribute: string): ResourceChange | undefined {
    return this.byReference(resource, roleAttribute) ?? this.byName(resource, roleAttribute);
  }

  /** Through the configuration: `role = aws_iam_role.x.name`. */
  private byReference(resource: ResourceChange, roleAttribute: string): ResourceChange | undefined {
    const references = this.config.get(configAddress(resource.address))?.argumentReferences[roleAttribute] ?? [];
    const candidates = this.roles.filter((role) =>
      references.some((reference) => reference === configAddress(role.address) ||
        reference.startsWith(`${configAddress(role.address)}.`)));
    if (candidates.length <= 1) return candidates[0];
    return candidates.find((role) => instanceKeys(role.address) === instanceKeys(resource.address));
  }

  /** Through a known name: `role = "my-role"`. */
  private byName(resource: ResourceChange, roleAttribute: string): ResourceChange | undefined {
    const name = roleNameOf(resource, roleAttribute);
    return name === undefined ? undefined : this.roles.find((role) => nameOf(role) === name);
  }
}

function nameOf(role: ResourceChange): string | undefined {
  return role.change.after?.name ?? role.change.before?.name ?? undefined;
}

function roleNameOf(resource: ResourceChange, roleAttribute: string): string | undefined {
  const name = resource.change.after?.[roleAttribute] ?? resource.change.before?.[roleAttribute];
  return typeof name === "string" ? name : undefined;
}

function inlineBlocks(values: any): Map<string, unknown> {
  const blocks = Array.isArray(values?.inline_policy) ? values.inline_policy : [];
  return new Map(blocks.filter((block: any) => block?.name).map((block: any) => [block.name, block.policy]));
}

/** inline_policy blocks of the role that no aws_iam_role_policy resource in the plan manages. */
function inlinePolicyBlocks(role: ResourceChange, managedNames: ReadonlySet<string>): PolicyChange[] {
  const before = inlineBlocks(role.change.before);
  const afterUnknown = role.change.after_unknown?.inline_policy === true;
  const after = inlineBlocks(role.change.after);
  const names = [...new Set([...before.keys(), ...after.keys()])].filter((name) => !managedNames.has(name));
  return names.map((name) => {
    const beforeState = before.has(name) ? readDocument(before.get(name)) : ABSENT;
    const afterState: DocumentState = afterUnknown && role.change.after
      ? { state: "unknown" }
      : after.has(name) ? readDocument(after.get(name)) : ABSENT;
    const change: ChangeKind = beforeState.state === "absent" ? "create"
      : afterState.state === "absent" ? "delete"
        : JSON.stringify(before.get(name)) === JSON.stringify(after.get(name)) ? "no change" : "update";
    return { address: `${role.address} inline_policy "${name}"`, name, change, before: beforeState, after: afterState };
  });
}

function policyChange(resource: ResourceChange): PolicyChange {
  const values = resource.change.after ?? resource.change.before ?? {};
  return {
    address: resource.address,
    name: values.name ?? (values.name_prefix ? `${values.name_prefix}… (generated)` : "(known after apply)"),
    change: changeKind(resource.change.actions),
    before: document(resource.change, "before", "policy"),
    after: document(resource.change, "after", "policy"),
  };
}

/** Reads partition, Region and account from the first ARNs and SourceAccount values in the documents. */
function factsFromDocuments(documents: readonly DocumentState[]): Partial<Facts> {
  const found: { partition?: string; region?: string; account?: string } = {};
  for (const doc of documents) {
    if (doc.state !== "known") continue;
    for (const statement of doc.policy.statements) {
      for (const test of statement.conditions) {
        if (test.key.toLowerCase() === "aws:sourceaccount") found.account ??= test.values[0];
      }
      const arns = [...(statement.resource ?? []), ...statement.conditions.flatMap((test) => test.values)];
      for (const arn of arns) {
        const [, partition, service, region, account] = /^arn:([^:*]+):([^:*]+):([^:*]*):(\d{12})?:/.exec(arn) ?? [];
        if (!partition || service === "iam") continue;
        found.partition ??= partition;
        if (region) found.region ??= region;
        if (account) found.account ??= account;
      }
    }
  }
  return found;
}

type FactKey = "partition" | "region" | "account";
/** A candidate value and where it came from. */
type Candidate = readonly [value: string | undefined, source: string];

/** What the resource blocks reference among the data sources Terraform read. */
function factsFromDataSources(plan: Plan, blocks: readonly (ConfigResource | undefined)[]): { [key in FactKey]?: Candidate } {
  const referenced = new Set(blocks.flatMap((block) => block?.references ?? [])
    .map((reference) => /^((?:module\.[^.]+\.)*data\.[^.]+\.[^.]+)/.exec(reference)?.[1])
    .filter((address): address is string => address !== undefined));
  const found: { [key in FactKey]?: Candidate } = {};
  for (const [address, source] of dataSources(plan)) {
    if (!referenced.has(configAddress(address))) continue;
    const value = {
      aws_caller_identity: ["account", source.values?.account_id],
      aws_partition: ["partition", source.values?.partition],
      aws_region: ["region", source.values?.name ?? source.values?.region],
    }[source.type] as [FactKey, unknown] | undefined;
    if (value && typeof value[1] === "string") found[value[0]] ??= [value[1], `from ${address}`];
  }
  return found;
}

/**
 * Partition, Region and account of a role: given ones first, then the data
 * sources its blocks reference, then its provider's Region, then the plan's
 * only caller account, then the ARNs in its own documents.
 */
function resolveFacts(
  plan: Plan,
  blocks: readonly (ConfigResource | undefined)[],
  documents: readonly DocumentState[],
  given: Partial<Facts>,
): Facts {
  const sources: string[] = [];
  const pick = (key: FactKey, candidates: ReadonlyArray<Candidate | undefined>): string | undefined => {
    const [value, source] = candidates.find((candidate) => candidate?.[0]) ?? [];
    if (value) sources.push(`${key} ${value} ${source}`);
    return value;
  };
  const fromData = factsFromDataSources(plan, blocks);
  const fromDocuments = factsFromDocuments(documents);
  const providerKey = blocks[0]?.providerConfigKey;
  const accounts = new Set([...dataSources(plan).values()]
    .filter((source) => source.type === "aws_caller_identity").map((source) => source.values?.account_id));
  const region = pick("region", [
    [given.region, "(given)"], fromData.region,
    [providerRegion(plan, providerKey), `from provider ${providerKey}`], [fromDocuments.region, "from the role's policies"],
  ]);
  return {
    region,
    partition: pick("partition", [
      [given.partition, "(given)"], fromData.partition,
      [region && partitionOfRegion(region), "from the Region"], [fromDocuments.partition, "from the role's policies"],
    ]),
    account: pick("account", [
      [given.account, "(given)"], fromData.account,
      [accounts.size === 1 ? [...accounts][0] : undefined, "from the plan's data.aws_caller_identity"],
      [fromDocuments.account, "from the role's policies"],
    ]),
    sources,
  };
}

/** Replace reasons: the attributes Terraform names, or its action reason. */
function replaceReasons(role: ResourceChange): string[] {
  const paths = (role.change.replace_paths ?? []).map((path) => path.join("."));
  return paths.length > 0 ? paths : role.action_reason ? [role.action_reason] : [];
}

function knownStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/**
 * What happens to the role as a whole: its own change, or `update` when only
 * its inline policies change.
 */
export function overallChange(role: RoleReview): ChangeKind {
  if (role.change !== "no change") return role.change;
  return role.policies.some((policy) => policy.change !== "no change") ? "update" : "no change";
}

/** Every IAM role of the plan, and every role that only appears as the target of a policy in it. */
export function readRoles(plan: Plan, given: Partial<Facts> = {}): RoleReview[] {
  const managed = plan.resource_changes.filter((change) => change.mode === "managed");
  const roles = managed.filter((change) => change.type === "aws_iam_role");
  const config = configResources(plan);
  const matcher = new RoleMatcher(roles, config);
  const belonging = new Map<ResourceChange | string, ResourceChange[]>();
  const attach = (resource: ResourceChange, roleAttribute: string) => {
    const key = matcher.find(resource, roleAttribute) ?? roleNameOf(resource, roleAttribute) ?? "(role known after apply)";
    belonging.set(key, [...(belonging.get(key) ?? []), resource]);
  };
  for (const resource of managed) {
    if (resource.type === "aws_iam_role_policy" || resource.type === "aws_iam_role_policy_attachment") attach(resource, "role");
    if (resource.type === "aws_iam_role_policies_exclusive") attach(resource, "role_name");
  }

  const review = (role: ResourceChange | undefined, key: ResourceChange | string): RoleReview => {
    const related = belonging.get(key) ?? [];
    const policyResources = related.filter((resource) => resource.type === "aws_iam_role_policy");
    const managedNames = new Set(policyResources.map((resource) => policyChange(resource).name));
    const policies = [...policyResources.map(policyChange), ...(role ? inlinePolicyBlocks(role, managedNames) : [])];
    const exclusive = related.find((resource) => resource.type === "aws_iam_role_policies_exclusive");
    const values = role ? (role.change.after ?? role.change.before ?? {}) : {};
    const trust = role
      ? { before: document(role.change, "before", "assume_role_policy"), after: document(role.change, "after", "assume_role_policy") }
      : { before: ABSENT, after: ABSENT };
    const blocks = [role, ...related].filter((item): item is ResourceChange => item !== undefined)
      .map((item) => config.get(configAddress(item.address)));
    const documents = [trust.after, trust.before, ...policies.flatMap((policy) => [policy.after, policy.before])];
    return {
      address: role ? role.address : `role ${JSON.stringify(key)} (not in this plan)`,
      inPlan: role !== undefined,
      change: role ? changeKind(role.change.actions) : "no change",
      replacedBecause: role ? replaceReasons(role) : [],
      name: role ? nameOf(role) : (key as string),
      previousName: role?.change.before?.name ?? undefined,
      namePrefix: values.name_prefix ?? undefined,
      path: values.path ?? "/",
      boundary: {
        before: role?.change.before?.permissions_boundary || undefined,
        after: role?.change.after?.permissions_boundary || undefined,
        afterUnknown: role?.change.after_unknown?.permissions_boundary === true,
      },
      trust,
      policies,
      exclusivePolicyNames: exclusive ? knownStrings((exclusive.change.after ?? exclusive.change.before)?.policy_names) : undefined,
      managedPolicyArns: [
        ...knownStrings(values.managed_policy_arns),
        ...related.filter((resource) => resource.type === "aws_iam_role_policy_attachment")
          .map((resource) => (resource.change.after ?? resource.change.before)?.policy_arn)
          .filter((arn): arn is string => typeof arn === "string"),
      ],
      facts: resolveFacts(plan, blocks, documents, given),
    };
  };

  return [
    ...roles.map((role) => review(role, role)),
    ...[...belonging.keys()].filter((key): key is string => typeof key === "string").map((name) => review(undefined, name)),
  ];
}
