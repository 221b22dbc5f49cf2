/**
 * The managed policies a role gets: aws_iam_role_policy_attachment and
 * aws_iam_policy_attachment (of several roles) resources,
 * the role's managed_policy_arns, and the ARNs an
 * aws_iam_role_policy_attachments_exclusive keeps. A customer managed policy
 * created in the same plan has an ARN known only after apply; the attachment
 * is then linked to its aws_iam_policy through the configuration's expression
 * `references`. What cannot be linked or read is returned as not reviewable.
 */
import { awsManagedPolicyName, policyArnParts } from "./managed-policies";
import { ChangeKind, ConfigResource, configAddress, instanceKeys, ResourceChange } from "./plan";
import { ABSENT, DocumentState, readDocument } from "./documents";
import type { NotReviewable, PolicyChange } from "./roles";

/** An AWS managed policy attached by ARN, and what attaches it. */
export interface AwsManagedPolicy {
  readonly arn: string;
  readonly name: string;
  readonly attachedBy: string;
}

/** Every managed policy of one role, sorted by what the review can do with it. */
export interface ManagedPolicies {
  /** Customer managed policies of the plan, with their documents. */
  readonly policies: PolicyChange[];
  readonly awsManaged: AwsManagedPolicy[];
  /** Every known ARN attached, for the report. */
  readonly arns: string[];
  readonly notReviewable: NotReviewable[];
}

/** A link from the role to managed policies: known ARNs, or references to follow when unknown. */
interface Link {
  readonly address: string;
  readonly arns: readonly string[];
  /** Present when some ARNs are known only after apply: the configuration's references of the argument. */
  readonly unknownReferences?: readonly string[];
  readonly instanceKeys: string;
  readonly before: boolean;
  readonly after: boolean;
  /** Said in addition when the unknown part may hold ARNs no reference shows (a set that is wholly unknown). */
  readonly literalsHidden?: boolean;
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];

/** The aws_iam_policy resources of a plan, found by ARN, by path and name, or by reference. */
export class PolicyIndex {
  private readonly byConfigAddress = new Map<string, ResourceChange[]>();

  constructor(private readonly policies: readonly ResourceChange[]) {
    for (const policy of policies) {
      const key = configAddress(policy.address);
      this.byConfigAddress.set(key, [...(this.byConfigAddress.get(key) ?? []), policy]);
    }
  }

  byArn(arn: string): ResourceChange | undefined {
    const parts = policyArnParts(arn);
    return this.policies.find((policy) => {
      const values = policy.change.after ?? policy.change.before ?? {};
      if (values.arn === arn || policy.change.before?.arn === arn) return true;
      return parts !== undefined && typeof values.name === "string" && parts.pathAndName === `${values.path ?? "/"}${values.name}`;
    });
  }

  /** The policies `references` point at; of a count/for_each block, the instance with the same keys when there is one. */
  byReferences(references: readonly string[], keys: string): ResourceChange[] {
    const found = new Set<ResourceChange>();
    for (const reference of references) {
      const address = /^((?:module\.[^.]+\.)*aws_iam_policy\.[^.]+)/.exec(reference)?.[1];
      const candidates = address ? this.byConfigAddress.get(address) ?? [] : [];
      const sameKeys = candidates.filter((policy) => instanceKeys(policy.address) === keys);
      (sameKeys.length > 0 ? sameKeys : candidates).forEach((policy) => found.add(policy));
    }
    return [...found];
  }
}

function attachmentLink(attachment: ResourceChange, config: Map<string, ConfigResource>): Link {
  const { before, after, after_unknown: unknown } = attachment.change;
  const arn = (after ?? before)?.policy_arn;
  const pending = after !== null && after !== undefined && unknown?.policy_arn === true;
  return {
    address: attachment.address,
    arns: typeof arn === "string" && !pending ? [arn] : [],
    unknownReferences: pending ? config.get(configAddress(attachment.address))?.argumentReferences.policy_arn ?? [] : undefined,
    instanceKeys: instanceKeys(attachment.address),
    before: before !== null && before !== undefined,
    after: after !== null && after !== undefined,
  };
}

/** The role's managed_policy_arns, when set in the configuration or known from the role as it is. */
function roleArgumentLink(role: ResourceChange, config: Map<string, ConfigResource>): Link | undefined {
  const { before, after, after_unknown: unknown } = role.change;
  const block = config.get(configAddress(role.address));
  const configured = block !== undefined && "managed_policy_arns" in block.argumentReferences;
  const pending = after !== null && after !== undefined && unknown?.managed_policy_arns === true;
  // Unknown and not configured: the provider reads it at apply, from attachments reviewed on their own.
  if (pending && !configured) return undefined;
  const arns = strings(after ? after.managed_policy_arns : before?.managed_policy_arns);
  if (!pending && arns.length === 0) return undefined;
  return {
    address: `${role.address} managed_policy_arns`,
    arns,
    unknownReferences: pending ? block?.argumentReferences.managed_policy_arns ?? [] : undefined,
    instanceKeys: instanceKeys(role.address),
    before: strings(before?.managed_policy_arns).length > 0,
    after: after !== null && after !== undefined,
    literalsHidden: pending,
  };
}

/** The ARNs an aws_iam_role_policy_attachments_exclusive keeps attached (it detaches every other). */
function exclusiveLink(exclusive: ResourceChange, config: Map<string, ConfigResource>): Link {
  const { before, after, after_unknown: unknown } = exclusive.change;
  const values = after ?? before ?? {};
  const elementsUnknown = Array.isArray(unknown?.policy_arns) ? unknown.policy_arns.some(Boolean) : unknown?.policy_arns === true;
  return {
    address: exclusive.address,
    arns: strings(values.policy_arns),
    unknownReferences: after && elementsUnknown
      ? config.get(configAddress(exclusive.address))?.argumentReferences.policy_arns ?? [] : undefined,
    instanceKeys: instanceKeys(exclusive.address),
    before: before !== null && before !== undefined,
    after: after !== null && after !== undefined,
    literalsHidden: unknown?.policy_arns === true,
  };
}

function changeOf(before: DocumentState, after: DocumentState, policy: ChangeKind): ChangeKind {
  if (before.state === "absent" && after.state !== "absent") return "create";
  if (after.state === "absent" && before.state !== "absent") return "delete";
  return policy;
}

/**
 * Every managed policy of a role: `related` are the attachment and exclusive
 * resources that name it; `document` reads a policy's side of a change.
 */
export function managedPolicies(
  role: ResourceChange | undefined,
  related: readonly ResourceChange[],
  plan: {
    readonly index: PolicyIndex;
    /** Documents given by ARN for policies outside the plan (`--policy ARN=FILE`, data.aws_iam_policy). */
    readonly known: ReadonlyMap<string, unknown>;
    readonly config: Map<string, ConfigResource>;
  },
  document: (change: ResourceChange["change"], side: "before" | "after", attribute: string) => DocumentState,
  changeKind: (actions: readonly string[]) => ChangeKind,
): ManagedPolicies {
  const { index, known, config } = plan;
  const links: Link[] = [
    ...related.filter((item) => item.type === "aws_iam_role_policy_attachment" || item.type === "aws_iam_policy_attachment")
      .map((item) => attachmentLink(item, config)),
    ...(role ? [roleArgumentLink(role, config)].filter((link): link is Link => link !== undefined) : []),
    ...related.filter((item) => item.type === "aws_iam_role_policy_attachments_exclusive").map((item) => exclusiveLink(item, config)),
  ];
  const result: ManagedPolicies = { policies: [], awsManaged: [], arns: [], notReviewable: [] };
  const seen = new Map<string, { policy: ResourceChange; link: Link; before: boolean; after: boolean }>();
  const linkPolicy = (policy: ResourceChange, link: Link) => {
    const entry = seen.get(policy.address) ?? { policy, link, before: false, after: false };
    seen.set(policy.address, { ...entry, before: entry.before || link.before, after: entry.after || link.after });
  };

  const givenPolicy = (arn: string, link: Link) => {
    if (result.policies.some((policy) => policy.address === arn)) return;
    const given = readDocument(known.get(arn));
    result.policies.push({
      address: arn,
      name: arn.split("/").pop() ?? arn,
      change: link.before && link.after ? "no change" : link.after ? "create" : "delete",
      before: link.before ? given : ABSENT,
      after: link.after ? given : ABSENT,
      kind: "managed",
      attachedBy: link.address,
    });
  };
  for (const link of links) {
    for (const arn of link.arns) {
      if (!result.arns.includes(arn)) result.arns.push(arn);
      const inPlan = index.byArn(arn);
      const awsName = awsManagedPolicyName(arn);
      if (inPlan) linkPolicy(inPlan, link);
      else if (!awsName && known.has(arn)) givenPolicy(arn, link);
      else if (awsName) {
        if (!result.awsManaged.some((known) => known.arn === arn)) result.awsManaged.push({ arn, name: awsName, attachedBy: link.address });
      } else if (link.after && !result.notReviewable.some((item) => item.reason.includes(arn))) {
        result.notReviewable.push({
          address: link.address,
          reason: `attaches customer managed policy ${arn}, which is not in this plan: its document is not seen`,
        });
      }
    }
    if (link.unknownReferences) {
      const referenced = index.byReferences(link.unknownReferences, link.instanceKeys);
      referenced.forEach((policy) => linkPolicy(policy, link));
      if (referenced.length === 0 || link.literalsHidden) {
        result.notReviewable.push({
          address: link.address,
          reason: referenced.length === 0
            ? "attaches a policy whose ARN is known only after apply and that no aws_iam_policy of this plan matches"
            : `is known only after apply: the policies it refers to are reviewed (${referenced.map((p) => p.address).join(", ")}), ` +
              "but an ARN written literally in the same list cannot be seen in the plan",
        });
      }
    }
  }

  for (const { policy, link, before, after } of seen.values()) {
    const values = policy.change.after ?? policy.change.before ?? {};
    const beforeState = before ? document(policy.change, "before", "policy") : ABSENT;
    const afterState = after ? document(policy.change, "after", "policy") : ABSENT;
    result.policies.push({
      address: policy.address,
      name: values.name ?? (values.name_prefix ? `${values.name_prefix}… (generated)` : "(known after apply)"),
      change: changeOf(beforeState, afterState, changeKind(policy.change.actions)),
      before: beforeState,
      after: afterState,
      kind: "managed",
      attachedBy: link.address,
    });
  }
  return result;
}
