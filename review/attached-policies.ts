/**
 * The managed policies a role gets: aws_iam_role_policy_attachment and
 * aws_iam_policy_attachment (of several roles) resources, the role's
 * managed_policy_arns, and the ARNs an aws_iam_role_policy_attachments_exclusive
 * keeps. A customer managed policy created in the same plan has an ARN known
 * only after apply; the attachment is then linked to its aws_iam_policy through
 * the configuration's expression `references`. AWS managed policies are
 * recognised by name: their documents are public but in no plan, and this tool
 * ships no copies that would go stale. What cannot be linked or read is
 * returned as not reviewable.
 */
import { ABSENT, DocumentState, plannedDocument, readDocument } from "./documents";
import {
  argumentReferences, changeKind, ChangeKind, ConfigResource, instanceKeys, knownStrings, policyName, referencedAddresses, ResourceChange,
} from "./plan";
import type { PlanIndex } from "./plan-index";
import type { NotReviewable, PolicyChange } from "./roles";

/** An AWS managed policy attached by ARN, what attaches it, and whether it is attached before and after the plan. */
export interface AwsManagedPolicy {
  readonly arn: string;
  readonly name: string;
  readonly attachedBy: string;
  readonly before: boolean;
  readonly after: boolean;
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
  readonly before: boolean;
  readonly after: boolean;
  /** Said in addition when the unknown part may hold ARNs no reference shows (a set that is wholly unknown). */
  readonly literalsHidden?: boolean;
}

const exists = (values: unknown) => values !== null && values !== undefined;

/**
 * The ARNs an attachment (`policy_arn`) or an aws_iam_role_policy_attachments_exclusive (`policy_arns`, which
 * detaches every other) attaches.
 */
function resourceLink(resource: ResourceChange, attribute: "policy_arn" | "policy_arns", config: ReadonlyMap<string, ConfigResource>): Link {
  const { before, after, after_unknown: unknown } = resource.change;
  const flag = unknown?.[attribute];
  const pending = exists(after) && (Array.isArray(flag) ? flag.some(Boolean) : flag === true);
  return {
    address: resource.address,
    arns: knownStrings([(after ?? before)?.[attribute]].flat()),
    unknownReferences: pending ? argumentReferences(config, resource.address, attribute) ?? [] : undefined,
    before: exists(before),
    after: exists(after),
    literalsHidden: attribute === "policy_arns" && flag === true,
  };
}

/** The role's managed_policy_arns, when set in the configuration or known from the role as it is. */
function roleArgumentLink(role: ResourceChange, config: ReadonlyMap<string, ConfigResource>): Link | undefined {
  const { before, after, after_unknown: unknown } = role.change;
  const references = argumentReferences(config, role.address, "managed_policy_arns");
  const pending = exists(after) && unknown?.managed_policy_arns === true;
  // Unknown and not configured: the provider reads it at apply, from attachments reviewed on their own.
  if (pending && references === undefined) return undefined;
  const arns = knownStrings((after ?? before)?.managed_policy_arns);
  if (!pending && arns.length === 0) return undefined;
  return {
    address: `${role.address} managed_policy_arns`,
    arns,
    unknownReferences: pending ? references : undefined,
    before: knownStrings(before?.managed_policy_arns).length > 0,
    after: exists(after),
    literalsHidden: pending,
  };
}

/**
 * Reads the managed policies of each role from the plan's aws_iam_policy resources, the documents known by ARN for
 * policies outside the plan (`--policy ARN=FILE`, data.aws_iam_policy), and the configuration. `related` are the
 * attachment and exclusive resources that name the role.
 */
export function managedPolicyReader(index: PlanIndex): (role: ResourceChange | undefined, related: readonly ResourceChange[]) => ManagedPolicies {
  const { config, knownPolicies: known } = index;
  const planPolicies = index.ofType("aws_iam_policy");
  const policiesByConfig = index.byConfigAddress;
  // By ARN, and by the path and name a customer managed policy ARN ends with.
  const byArnOrPath = new Map<string, ResourceChange>();
  for (const policy of [...planPolicies].reverse()) {
    const values = policy.change.after ?? policy.change.before ?? {};
    for (const arn of [values.arn, policy.change.before?.arn]) if (typeof arn === "string") byArnOrPath.set(arn, policy);
    if (typeof values.name === "string") byArnOrPath.set(`path ${values.path ?? "/"}${values.name}`, policy);
  }
  const byArn = (arn: string) => {
    const pathAndName = /^arn:[^:]+:iam::\d{12}:policy(\/.*)$/.exec(arn)?.[1];
    return byArnOrPath.get(arn) ?? (pathAndName === undefined ? undefined : byArnOrPath.get(`path ${pathAndName}`));
  };
  /** The policies `references` point at; of a count/for_each block, the instance with the same keys when there is one. */
  const byReferences = (references: readonly string[], keys: string) => [...new Set(referencedAddresses(references, "aws_iam_policy")
    .flatMap((address) => {
      const candidates = (policiesByConfig.get(address) ?? []).filter((resource) => resource.type === "aws_iam_policy");
      const sameKeys = candidates.filter((policy) => instanceKeys(policy.address) === keys);
      return sameKeys.length > 0 ? sameKeys : candidates;
    }))];

  return (role, related) => {
    const links = [
      ...related.filter((item) => item.type === "aws_iam_role_policy_attachment" || item.type === "aws_iam_policy_attachment")
        .map((item) => resourceLink(item, "policy_arn", config)),
      role && roleArgumentLink(role, config),
      ...related.filter((item) => item.type === "aws_iam_role_policy_attachments_exclusive")
        .map((item) => resourceLink(item, "policy_arns", config)),
    ].filter((link): link is Link => link !== undefined);
    const result: ManagedPolicies = { policies: [], awsManaged: [], arns: [], notReviewable: [] };
    const seen = new Map<ResourceChange, { link: Link; before: boolean; after: boolean }>();
    const linkPolicy = (policy: ResourceChange, link: Link) => {
      const entry = seen.get(policy) ?? { link, before: false, after: false };
      seen.set(policy, { link: entry.link, before: entry.before || link.before, after: entry.after || link.after });
    };
    const addPolicy = (address: string, name: string, change: ChangeKind, before: DocumentState, after: DocumentState, link: Link,
      outside?: { arn: string; readBy: string }) =>
      result.policies.push({ address, name, change, before, after, kind: "managed", attachedBy: link.address, ...outside });
    for (const link of links) {
      for (const arn of link.arns) {
        if (!result.arns.includes(arn)) result.arns.push(arn);
        const inPlan = byArn(arn);
        const awsName = /^arn:[^:]+:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
        if (inPlan) linkPolicy(inPlan, link);
        else if (awsName) {
          const seenAws = result.awsManaged.find((policy) => policy.arn === arn);
          if (!seenAws) result.awsManaged.push({ arn, name: awsName, attachedBy: link.address, before: link.before, after: link.after });
          else Object.assign(seenAws, { before: seenAws.before || link.before, after: seenAws.after || link.after });
        } else if (known.has(arn)) {
          // A document outside the plan (a data.aws_iam_policy, or given): reviewed and simulated like one of the plan,
          // under the address that brings it to the role.
          if (!result.policies.some((policy) => policy.arn === arn)) {
            const { document, readBy } = known.get(arn)!;
            const given = readDocument(document);
            addPolicy(link.address, arn.split("/").pop() ?? arn, link.before && link.after ? "no change" : link.after ? "create" : "delete",
              link.before ? given : ABSENT, link.after ? given : ABSENT, link, { arn, readBy });
          }
        } else if (link.after && !result.notReviewable.some((item) => item.reason.includes(arn))) {
          result.notReviewable.push({
            address: link.address,
            reason: `attaches customer managed policy ${arn}, which is not in this plan: its document is not seen`,
          });
        }
      }
      if (link.unknownReferences) {
        const referenced = byReferences(link.unknownReferences, instanceKeys(link.address));
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
    for (const [policy, { link, before, after }] of seen) {
      const beforeState = before ? plannedDocument(policy.change, "before", "policy") : ABSENT;
      const afterState = after ? plannedDocument(policy.change, "after", "policy") : ABSENT;
      const change = beforeState.state === "absent" && afterState.state !== "absent" ? "create"
        : afterState.state === "absent" && beforeState.state !== "absent" ? "delete" : changeKind(policy.change.actions);
      addPolicy(policy.address, policyName(policy), change, beforeState, afterState, link);
    }
    return result;
  };
}
