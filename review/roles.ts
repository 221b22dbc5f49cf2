/**
 * Gathers, from a plan, every IAM role with its trust policy, its inline
 * policies (aws_iam_role_policy resources, inline_policy blocks) and its
 * managed policies, before and after the change, whether or not this
 * project's module made them.
 */
import { AwsManagedPolicy, managedPolicyReader } from "./attached-policies";
import { DocumentState, plannedDocument, readDocument } from "./documents";
import { Facts, resolveFacts } from "./facts";
import {
  argumentReferences, changeKind, ChangeKind, configAddress, instanceKeys, knownStrings, policyName, referencedAddresses, ResourceChange,
} from "./plan";
import type { PlanIndex } from "./plan-index";

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
  /** For a managed policy outside the plan: its ARN, and what read its document (`data.aws_iam_policy.x`, `--policy`). */
  readonly arn?: string;
  readonly readBy?: string;
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
  /** The role's tags before the plan (the prior state's), where waivers may be written. */
  readonly priorTags: { readonly [key: string]: string };
  readonly facts: Facts;
}

/** The inline_policy blocks of one side, by name (or position, for a name known only after apply), and whether `unknown` marks them. */
function inlineBlocks(values: any, unknown?: any): Map<string, { policy: unknown; unknown: boolean }> {
  const blocks: any[] = Array.isArray(values?.inline_policy) ? values.inline_policy : [];
  return new Map(blocks.map((block, index) => [typeof block?.name === "string" ? block.name : `#${index + 1}`,
    { policy: block?.policy, unknown: Array.isArray(unknown) && (unknown[index]?.policy === true || unknown[index]?.name === true) }]));
}

/**
 * inline_policy blocks of the role that no aws_iam_role_policy resource in the
 * plan manages. When part of a block is unknown at plan time, `after_unknown`
 * marks that block's attributes (`[{}, {"policy": true}]`), not the whole list.
 */
function inlinePolicyBlocks(role: ResourceChange, managedNames: ReadonlySet<string>): PolicyChange[] {
  const before = inlineBlocks(role.change.before);
  const after = inlineBlocks(role.change.after, role.change.after_unknown?.inline_policy);
  const names = [...new Set([...before.keys(), ...after.keys()])].filter((name) => !managedNames.has(name));
  return names.map((name) => {
    const old = before.get(name);
    const next = after.get(name);
    const beforeState = readDocument(old?.policy);
    const afterState: DocumentState = next?.unknown ? { state: "unknown" } : readDocument(next?.policy);
    const change: ChangeKind = beforeState.state === "absent" ? "create"
      : afterState.state === "absent" ? "delete"
        : JSON.stringify(old?.policy) === JSON.stringify(next?.policy) ? "no change" : "update";
    return { address: `${role.address} inline_policy "${name}"`, name, change, before: beforeState, after: afterState, kind: "inline" };
  });
}

function nameOf(role: ResourceChange): string | undefined {
  return role.change.after?.name ?? role.change.before?.name ?? undefined;
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
function unseenExclusiveNames(exclusive: ResourceChange | undefined, inline: readonly PolicyChange[]): NotReviewable[] {
  if (!exclusive?.change.after) return [];
  const unknown = exclusive.change.after_unknown?.policy_names;
  if (unknown === true || (Array.isArray(unknown) && unknown.some(Boolean))) {
    return [{ address: exclusive.address, reason: "keeps inline policies whose names are known only after apply" }];
  }
  const known = new Set(inline.map((policy) => policy.name));
  return knownStrings(exclusive.change.after.policy_names).filter((name) => !known.has(name)).map((name) => ({
    address: exclusive.address,
    reason: `keeps inline policy ${JSON.stringify(name)}, which is not in this plan: its document is not seen`,
  }));
}

/** Every IAM role of the plan, and every role that only appears as the target of a policy in it. */
export function readRoles(index: PlanIndex, given: Partial<Pick<Facts, "partition" | "region" | "account">> = {}): RoleReview[] {
  const roles = index.ofType("aws_iam_role");
  const config = index.config;
  // The first role of each known name.
  const rolesByName = new Map([...roles].reverse().flatMap((role) => nameOf(role) === undefined ? [] : [[nameOf(role), role]]));
  /** The roles an argument refers to through the configuration: `role = aws_iam_role.x.name`. */
  const referencedRoles = (resource: ResourceChange, argument: string) =>
    referencedAddresses(argumentReferences(config, resource.address, argument) ?? [], "aws_iam_role")
      .flatMap((address) => index.byConfigAddress.get(address) ?? []);
  const attachedPolicies = managedPolicyReader(index);
  const belonging = new Map<ResourceChange | string, ResourceChange[]>();
  const belongs = (key: ResourceChange | string, resource: ResourceChange) => {
    const list = belonging.get(key);
    if (list) list.push(resource);
    else belonging.set(key, [resource]);
  };
  for (const resource of index.managed) {
    if (resource.type === "aws_iam_policy_attachment") {
      // Every role of its `roles` list: through the configuration's references, and by known name.
      const names = knownStrings((resource.change.after ?? resource.change.before)?.roles);
      new Set([...referencedRoles(resource, "roles"), ...names.map((name) => rolesByName.get(name) ?? name)])
        .forEach((key) => belongs(key, resource));
    }
    const argument = ROLE_SCOPED[resource.type];
    if (argument === undefined) continue;
    // Through the configuration (of a count/for_each block, the role with the same keys), else by a known name.
    const candidates = referencedRoles(resource, argument);
    const referenced = candidates.length <= 1 ? candidates[0]
      : candidates.find((role) => instanceKeys(role.address) === instanceKeys(resource.address));
    const name = resource.change.after?.[argument] ?? resource.change.before?.[argument];
    belongs(referenced ?? (typeof name === "string" ? rolesByName.get(name) ?? name : undefined) ?? "(role known after apply)", resource);
  }

  const review = (role: ResourceChange | undefined, key: ResourceChange | string): RoleReview => {
    // A role that is not in the plan reads as one without a change or values.
    const change: ResourceChange["change"] = role?.change ?? { actions: [], before: null, after: null };
    const related = belonging.get(key) ?? [];
    const policyResources = related.filter((resource) => resource.type === "aws_iam_role_policy").map((resource): PolicyChange => ({
      address: resource.address,
      name: policyName(resource),
      change: changeKind(resource.change.actions),
      before: plannedDocument(resource.change, "before", "policy"),
      after: plannedDocument(resource.change, "after", "policy"),
      kind: "inline",
    }));
    const managedNames = new Set(policyResources.map((policy) => policy.name));
    const inline = [...policyResources, ...(role ? inlinePolicyBlocks(role, managedNames) : [])];
    const attached = attachedPolicies(role, related);
    const policies = [...inline, ...attached.policies];
    const exclusive = related.find((resource) => resource.type === "aws_iam_role_policies_exclusive");
    const exclusiveArns = related.find((resource) => resource.type === "aws_iam_role_policy_attachments_exclusive");
    // What the exclusive lists keep after the plan, when known.
    const kept = (resource: ResourceChange | undefined, attribute: string) =>
      resource?.change.after && !resource.change.after_unknown?.[attribute] ? new Set(knownStrings(resource.change.after[attribute])) : undefined;
    const keptNames = kept(exclusive, "policy_names");
    const keptArns = kept(exclusiveArns, "policy_arns");
    const values = change.after ?? change.before ?? {};
    const replacePaths = (change.replace_paths ?? []).map((path) => path.join("."));
    const trust = { before: plannedDocument(change, "before", "assume_role_policy"),
      after: plannedDocument(change, "after", "assume_role_policy") };
    const blocks = [role, ...related].flatMap((item) => (item ? [config.get(configAddress(item.address))] : []));
    return {
      address: role ? role.address : `role ${JSON.stringify(key)} (not in this plan)`,
      inPlan: role !== undefined,
      change: changeKind(change.actions),
      replacedBecause: replacePaths.length > 0 ? replacePaths : role?.action_reason ? [role.action_reason] : [],
      name: role ? nameOf(role) : (key as string),
      previousName: change.before?.name ?? undefined,
      namePrefix: values.name_prefix ?? undefined,
      path: values.path ?? "/",
      boundary: {
        before: change.before?.permissions_boundary || undefined,
        after: change.after?.permissions_boundary || undefined,
        afterUnknown: change.after_unknown?.permissions_boundary === true,
      },
      trust,
      policies,
      exclusivePolicyNames: exclusive ? knownStrings((exclusive.change.after ?? exclusive.change.before)?.policy_names) : undefined,
      exclusivePolicyArns: exclusiveArns
        ? knownStrings((exclusiveArns.change.after ?? exclusiveArns.change.before)?.policy_arns) : undefined,
      managedPolicyArns: attached.arns,
      removedByExclusive: [
        ...inline.filter((policy) => keptNames && policy.after.state !== "absent" && !keptNames.has(policy.name)).map((policy) => policy.name),
        ...attached.arns.filter((arn) => keptArns && !keptArns.has(arn)),
      ],
      awsManagedPolicies: attached.awsManaged,
      notReviewable: [
        ...policies.filter((policy) => policy.after.state === "unknown")
          .map((policy) => ({ address: policy.address, reason: `the document of policy ${policy.name} is known only after apply` })),
        ...unseenExclusiveNames(exclusive, inline),
        ...attached.notReviewable,
        // inline_policy blocks written in the configuration whose whole list is unknown at plan time
        ...(role?.change.after && role.change.after_unknown?.inline_policy === true && argumentReferences(config, role.address, "inline_policy")
          ? [{ address: `${role.address} inline_policy`, reason: "the role's inline_policy blocks are known only after apply" }] : []),
      ],
      priorTags: { ...(change.before?.tags_all ?? {}), ...(change.before?.tags ?? {}) },
      facts: resolveFacts(index, role, blocks, given),
    };
  };

  return [
    ...roles.map((role) => review(role, role)),
    ...[...belonging.keys()].filter((key): key is string => typeof key === "string").map((name) => review(undefined, name)),
  ];
}

/**
 * The role as it was before the plan, for judging what the plan brings: every document as it was, only what was
 * attached then, and nothing that the plan alone makes (a replacement, values known only after apply).
 * Undefined for a role the plan creates.
 */
export function beforeView(role: RoleReview): RoleReview | undefined {
  if (role.inPlan && role.trust.before.state === "absent") return undefined;
  const side = (document: { before: DocumentState; after: DocumentState }) => ({ before: document.before, after: document.before });
  return {
    ...role,
    change: "no change",
    replacedBecause: [],
    name: role.previousName ?? role.name,
    boundary: { before: role.boundary.before, after: role.boundary.before, afterUnknown: false },
    trust: side(role.trust),
    policies: role.policies.filter((policy) => policy.before.state !== "absent").map((policy) => ({ ...policy, change: "no change", ...side(policy) })),
    removedByExclusive: [],
    awsManagedPolicies: role.awsManagedPolicies.filter((policy) => policy.before),
    notReviewable: [],
  };
}

/** Whether the plan leaves the role and everything that gives it permissions as they are. */
export function unchanged(role: RoleReview): boolean {
  return role.change === "no change" && role.notReviewable.length === 0 &&
    role.policies.every((policy) => policy.change === "no change") && role.awsManagedPolicies.every((policy) => policy.before && policy.after);
}
