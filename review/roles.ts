/**
 * Gathers, from a plan, every IAM role with its trust policy and its inline
 * policies (aws_iam_role_policy resources, inline_policy blocks), before and
 * after the change, whether or not this project's module made them.
 */
import { AwsManagedPolicy, managedPolicies, PolicyIndex } from "./attached-policies";
import { Facts, factsFromDocuments, PlanFacts } from "./facts";
import { changeKind, ChangeKind, ConfigResource, configAddress, configResources, instanceKeys, Plan, ResourceChange } from "./plan";
import { ABSENT, DocumentState, readDocument } from "./documents";

export { readDocument } from "./documents";
export type { DocumentState } from "./documents";

export type { AwsManagedPolicy } from "./attached-policies";
export type { Facts } from "./facts";


/** One policy document of a role (inline, or customer managed in the plan) and its change. */
export interface PolicyChange {
  /** Resource address, or the role's address and the name for an inline_policy block. */
  readonly address: string;
  readonly name: string;
  readonly change: ChangeKind;
  readonly before: DocumentState;
  readonly after: DocumentState;
  /** `inline`: aws_iam_role_policy or an inline_policy block; `managed`: an aws_iam_policy of the plan attached to the role. */
  readonly kind: "inline" | "managed";
  /** For a managed policy: the attachment (or role argument, or exclusive list) that attaches it. */
  readonly attachedBy?: string;
}

/** A source of permissions the review cannot read: it is a finding of its own, never a silent pass. */
export interface NotReviewable {
  readonly address: string;
  readonly reason: string;
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
  /** ARNs kept by aws_iam_role_policy_attachments_exclusive, when the plan has one for the role. */
  readonly exclusivePolicyArns?: readonly string[];
  /**
   * What the exclusive lists will remove at apply among what the plan gives the
   * role (inline policy names, managed policy ARNs): still reviewed, since the
   * next apply brings it back.
   */
  readonly removedByExclusive: readonly string[];
  /** Every known managed policy ARN attached (role argument, attachment resources, exclusive lists). */
  readonly managedPolicyArns: readonly string[];
  /** AWS managed policies attached, recognised by name. */
  readonly awsManagedPolicies: readonly AwsManagedPolicy[];
  /** What gives the role permissions but cannot be read from the plan. */
  readonly notReviewable: readonly NotReviewable[];
  readonly facts: Facts;
}


function document(change: ResourceChange["change"], side: "before" | "after", attribute: string): DocumentState {
  const values = change[side];
  if (values === null || values === undefined) return ABSENT;
  if (side === "after" && change.after_unknown?.[attribute] === true) return { state: "unknown" };
  return readDocument(values[attribute]);
}


/** Finds the role a role-scoped resource (policy, attachment, exclusive list) belongs to. */
class RoleMatcher {
  private readonly byConfigAddress = new Map<string, ResourceChange[]>();
  private readonly byNameIndex = new Map<string, ResourceChange>();

  constructor(roles: readonly ResourceChange[], private readonly config: Map<string, ConfigResource>) {
    for (const role of roles) {
      const key = configAddress(role.address);
      this.byConfigAddress.set(key, [...(this.byConfigAddress.get(key) ?? []), role]);
      const name = nameOf(role);
      if (name !== undefined && !this.byNameIndex.has(name)) this.byNameIndex.set(name, role);
    }
  }

  find(resource: ResourceChange, roleAttribute: string): ResourceChange | undefined {
    return this.byReference(resource, roleAttribute) ?? this.byName(resource, roleAttribute);
  }

  /** Through the configuration: `role = aws_iam_role.x.name`. */
  private byReference(resource: ResourceChange, roleAttribute: string): ResourceChange | undefined {
    const references = this.config.get(configAddress(resource.address))?.argumentReferences[roleAttribute] ?? [];
    const addresses = new Set(references.map((reference) => /^((?:module\.[^.]+\.)*aws_iam_role\.[^.]+)/.exec(reference)?.[1]));
    const candidates = [...addresses].flatMap((address) => (address && this.byConfigAddress.get(address)) || []);
    if (candidates.length <= 1) return candidates[0];
    return candidates.find((role) => instanceKeys(role.address) === instanceKeys(resource.address));
  }

  /**
   * Every role of an aws_iam_policy_attachment's `roles` list: by known name,
   * and through the configuration's references for names known after apply.
   */
  findAll(resource: ResourceChange): Array<ResourceChange | string> {
    const values = resource.change.after ?? resource.change.before ?? {};
    const names = knownStrings(values.roles);
    const references = this.config.get(configAddress(resource.address))?.argumentReferences.roles ?? [];
    const referenced = [...new Set(references.map((reference) => /^((?:module\.[^.]+\.)*aws_iam_role\.[^.]+)/.exec(reference)?.[1]))]
      .flatMap((address) => (address && this.byConfigAddress.get(address)) || []);
    const byName = names.map((name) => this.byNameIndex.get(name) ?? name);
    return [...new Set([...referenced, ...byName])];
  }

  /** Through a known name: `role = "my-role"`. */
  private byName(resource: ResourceChange, roleAttribute: string): ResourceChange | undefined {
    const name = roleNameOf(resource, roleAttribute);
    return name === undefined ? undefined : this.byNameIndex.get(name);
  }
}

function nameOf(role: ResourceChange): string | undefined {
  return role.change.after?.name ?? role.change.before?.name ?? undefined;
}

function roleNameOf(resource: ResourceChange, roleAttribute: string): string | undefined {
  const name = resource.change.after?.[roleAttribute] ?? resource.change.before?.[roleAttribute];
  return typeof name === "string" ? name : undefined;
}

/** The inline_policy blocks of one side, by name (or position, for a name known only after apply). */
function inlineBlocks(values: any): Map<string, { index: number; policy: unknown }> {
  const blocks: any[] = Array.isArray(values?.inline_policy) ? values.inline_policy : [];
  return new Map(blocks.map((block, index) => [typeof block?.name === "string" ? block.name : `#${index + 1}`, { index, policy: block?.policy }]));
}

/**
 * inline_policy blocks of the role that no aws_iam_role_policy resource in the
 * plan manages. When part of a block is unknown at plan time, `after_unknown`
 * marks that block's attributes (`[{}, {"policy": true}]`), not the whole list.
 */
function inlinePolicyBlocks(role: ResourceChange, managedNames: ReadonlySet<string>): PolicyChange[] {
  const before = inlineBlocks(role.change.before);
  const after = inlineBlocks(role.change.after);
  const unknown = role.change.after_unknown?.inline_policy;
  const blockUnknown = (index: number) => Array.isArray(unknown) && (unknown[index]?.policy === true || unknown[index]?.name === true);
  const names = [...new Set([...before.keys(), ...after.keys()])].filter((name) => !managedNames.has(name));
  return names.map((name) => {
    const old = before.get(name);
    const next = after.get(name);
    const beforeState = old ? readDocument(old.policy) : ABSENT;
    const afterState: DocumentState = next && blockUnknown(next.index) ? { state: "unknown" } : next ? readDocument(next.policy) : ABSENT;
    const change: ChangeKind = beforeState.state === "absent" ? "create"
      : afterState.state === "absent" ? "delete"
        : JSON.stringify(old?.policy) === JSON.stringify(next?.policy) ? "no change" : "update";
    return { address: `${role.address} inline_policy "${name}"`, name, change, before: beforeState, after: afterState, kind: "inline" };
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
    kind: "inline",
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

const ROLE_SCOPED: { readonly [type: string]: string } = {
  aws_iam_role_policy: "role",
  aws_iam_role_policy_attachment: "role",
  aws_iam_role_policies_exclusive: "role_name",
  aws_iam_role_policy_attachments_exclusive: "role_name",
};

/** Inline policy names an aws_iam_role_policies_exclusive keeps that the plan does not hold: their documents are not seen. */
function unseenExclusiveNames(exclusive: ResourceChange | undefined, policies: readonly PolicyChange[]): NotReviewable[] {
  if (!exclusive?.change.after) return [];
  const unknown = exclusive.change.after_unknown?.policy_names;
  if (unknown === true || (Array.isArray(unknown) && unknown.some(Boolean))) {
    return [{ address: exclusive.address, reason: "keeps inline policies whose names are known only after apply" }];
  }
  const known = new Set(policies.filter((policy) => policy.kind === "inline").map((policy) => policy.name));
  return knownStrings(exclusive.change.after.policy_names).filter((name) => !known.has(name)).map((name) => ({
    address: exclusive.address,
    reason: `keeps inline policy ${JSON.stringify(name)}, which is not in this plan: its document is not seen`,
  }));
}

/** Inline policy names and managed ARNs of the plan that an exclusive list (known) leaves out. */
function removedByExclusive(
  names: ResourceChange | undefined,
  arns: ResourceChange | undefined,
  inline: readonly PolicyChange[],
  managedArns: readonly string[],
): string[] {
  const kept = (resource: ResourceChange | undefined, attribute: string) =>
    resource?.change.after && !resource.change.after_unknown?.[attribute] ? new Set(knownStrings(resource.change.after[attribute])) : undefined;
  const keptNames = kept(names, "policy_names");
  const keptArns = kept(arns, "policy_arns");
  return [
    ...(keptNames ? inline.filter((policy) => policy.after.state !== "absent" && !keptNames.has(policy.name)).map((policy) => policy.name) : []),
    ...(keptArns ? managedArns.filter((arn) => !keptArns.has(arn)) : []),
  ];
}

/** inline_policy blocks written in the configuration whose whole list is unknown at plan time. */
function unknownInlineBlocks(role: ResourceChange, config: Map<string, ConfigResource>): NotReviewable[] {
  const configured = "inline_policy" in (config.get(configAddress(role.address))?.argumentReferences ?? {});
  return role.change.after && role.change.after_unknown?.inline_policy === true && configured
    ? [{ address: `${role.address} inline_policy`, reason: "the role's inline_policy blocks are known only after apply" }]
    : [];
}

/** Documents that are part of the role's permissions but unknown until apply. */
function pendingDocuments(policies: readonly PolicyChange[]): NotReviewable[] {
  return policies.filter((policy) => policy.after.state === "unknown").map((policy) => ({
    address: policy.address,
    reason: `the document of policy ${policy.name} is known only after apply`,
  }));
}

/** Every IAM role of the plan, and every role that only appears as the target of a policy in it. */
export function readRoles(plan: Plan, given: Partial<Facts> = {}, known: ReadonlyMap<string, unknown> = new Map()): RoleReview[] {
  const managed = plan.resource_changes.filter((change) => change.mode === "managed");
  const roles = managed.filter((change) => change.type === "aws_iam_role");
  const config = configResources(plan);
  const matcher = new RoleMatcher(roles, config);
  const policyIndex = new PolicyIndex(managed.filter((change) => change.type === "aws_iam_policy"));
  const planFacts = new PlanFacts(plan);
  const belonging = new Map<ResourceChange | string, ResourceChange[]>();
  const belongs = (key: ResourceChange | string, resource: ResourceChange) => {
    const list = belonging.get(key);
    if (list) list.push(resource);
    else belonging.set(key, [resource]);
  };
  for (const resource of managed) {
    if (resource.type === "aws_iam_policy_attachment") matcher.findAll(resource).forEach((key) => belongs(key, resource));
    const roleAttribute = ROLE_SCOPED[resource.type];
    if (roleAttribute === undefined) continue;
    belongs(matcher.find(resource, roleAttribute) ?? roleNameOf(resource, roleAttribute) ?? "(role known after apply)", resource);
  }

  const review = (role: ResourceChange | undefined, key: ResourceChange | string): RoleReview => {
    const related = belonging.get(key) ?? [];
    const policyResources = related.filter((resource) => resource.type === "aws_iam_role_policy");
    const managedNames = new Set(policyResources.map((resource) => policyChange(resource).name));
    const inline = [...policyResources.map(policyChange), ...(role ? inlinePolicyBlocks(role, managedNames) : [])];
    const attached = managedPolicies(role, related, { index: policyIndex, known, config }, document, changeKind);
    const policies = [...inline, ...attached.policies];
    const exclusive = related.find((resource) => resource.type === "aws_iam_role_policies_exclusive");
    const exclusiveArns = related.find((resource) => resource.type === "aws_iam_role_policy_attachments_exclusive");
    const values = role ? (role.change.after ?? role.change.before ?? {}) : {};
    const trust = role
      ? { before: document(role.change, "before", "assume_role_policy"), after: document(role.change, "after", "assume_role_policy") }
      : { before: ABSENT, after: ABSENT };
    const blocks = [role, ...related].filter((item): item is ResourceChange => item !== undefined)
      .map((item) => config.get(configAddress(item.address)));
    const own = factsFromDocuments(trust.after.state === "known" ? trust.after : trust.before, policies.map((policy) => policy.after));
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
      exclusivePolicyArns: exclusiveArns
        ? knownStrings((exclusiveArns.change.after ?? exclusiveArns.change.before)?.policy_arns) : undefined,
      managedPolicyArns: attached.arns,
      removedByExclusive: removedByExclusive(exclusive, exclusiveArns, inline, attached.arns),
      awsManagedPolicies: attached.awsManaged,
      notReviewable: [...pendingDocuments(policies), ...unseenExclusiveNames(exclusive, inline), ...attached.notReviewable,
        ...(role ? unknownInlineBlocks(role, config) : [])],
      facts: planFacts.resolve(blocks, own, given),
    };
  };

  return [
    ...roles.map((role) => review(role, role)),
    ...[...belonging.keys()].filter((key): key is string => typeof key === "string").map((name) => review(undefined, name)),
  ];
}
