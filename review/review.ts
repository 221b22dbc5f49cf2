/**
 * Reviews a plan: the roles in it, the findings of every rule, and, for each
 * Pinpoint sending role, the simulated verdicts of the case table.
 */
import { allowStatements, DocumentState, readDocument } from "./documents";
import type { Facts } from "./facts";
import { Finding, finding } from "./findings";
import { dataSources, Plan } from "./plan";
import { readRoles, RoleReview } from "./roles";
import { isPinpointSendingRole, roleFindings } from "./rules";
// Types only: the simulator (AGPL-3.0) is loaded on first use, never with `simulate: false`.
import type { CaseOutcome, CaseScope } from "./simulation";

export interface ReviewOptions {
  /** Partition, Region or account of every role, for a plan that does not tell; given ones win over the plan. */
  readonly facts?: Partial<Facts>;
  /**
   * Managed policy documents by ARN, for what the plan does not hold: a
   * permissions boundary, or a customer managed policy attached by ARN (then
   * reviewed and simulated like one of the plan instead of "not seen").
   */
  readonly policies?: ReadonlyMap<string, unknown>;
  /**
   * Run the case table through the IAM policy simulator for Pinpoint sending
   * roles. With false, only the rules run and `@cloud-copilot/iam-simulate` is
   * never loaded.
   * @default true
   */
  readonly simulate?: boolean;
}

/** The simulation of one Pinpoint sending role, or why it could not run. */
export type RoleSimulation =
  | { readonly ran: true; readonly scope: CaseScope; readonly outcomes: readonly CaseOutcome[]; readonly notes: readonly string[] }
  | { readonly ran: false; readonly reason: string };

export interface RoleResult {
  readonly role: RoleReview;
  readonly pinpoint: boolean;
  readonly simulation?: RoleSimulation;
  readonly findings: readonly Finding[];
}

export interface Review {
  readonly terraformVersion?: string;
  readonly formatVersion: string;
  readonly roles: readonly RoleResult[];
  readonly findings: readonly Finding[];
}

/**
 * The names in the ARNs (resources and condition values) of Allow statements that match `pattern`,
 * or undefined for "all" (a `*`, or no such ARN where none means all).
 */
function namesIn(documents: readonly DocumentState[], pattern: RegExp, noneMeansAll: boolean): string[] | undefined {
  const names = [...new Set(documents.flatMap((document) => allowStatements(document)
    .flatMap(([statement]) => [...(statement.resource ?? []), ...statement.conditions.flatMap((test) => test.values)])
    .map((value) => pattern.exec(value)?.[1])
    .filter((name): name is string => name !== undefined)))];
  return names.includes("*") || (noneMeansAll && names.length === 0) ? undefined : names;
}

async function simulateRole(role: RoleReview, policies: Map<string, unknown>): Promise<RoleSimulation> {
  const { partition, region, account } = role.facts;
  if (!partition || !region || !account) {
    const missing = [!partition && "partition", !region && "Region", !account && "account"].filter(Boolean).join(" and ");
    return { ran: false, reason: `the plan does not tell the role's ${missing}; pass --partition, --region or --account` };
  }
  if (role.trust.after.state !== "known") return { ran: false, reason: `its trust policy is ${role.trust.after.state} after the plan` };
  const permissions = role.policies.filter((policy) => policy.after.state !== "absent");
  const pending = permissions.find((policy) => policy.after.state !== "known");
  if (pending) return { ran: false, reason: `policy ${pending.name} is ${pending.after.state} after the plan` };
  if (role.boundary.afterUnknown) return { ran: false, reason: "its permissions boundary is known only after apply" };

  const notes: string[] = [];
  const boundaryArn = role.boundary.after;
  const boundary = boundaryArn ? readDocument(policies.get(boundaryArn)) : undefined;
  if (boundary?.state === "absent" || boundary?.state === "unreadable") {
    notes.push(`The permissions boundary ${boundaryArn} is not simulated: its document is ${boundary.state === "absent"
      ? "not in the plan (give it with --policy ARN=FILE)" : `not a valid IAM policy (${boundary.problem})`}.`);
  }
  if (role.awsManagedPolicies.length > 0) {
    notes.push("AWS managed policies are not simulated (their documents are not in the plan); the rules judge them by name: " +
      `${role.awsManagedPolicies.map((policy) => policy.name).join(", ")}.`);
  }
  if (role.notReviewable.length > 0) {
    notes.push(`Not simulated, because the plan does not hold them: ${role.notReviewable.map((item) => item.address).join(", ")}.`);
  }
  const trust = role.trust.after;
  const documents = permissions.map((policy) => policy.after);
  const name = role.name ?? `${role.namePrefix ?? ""}GENERATED`;
  if (!role.name) notes.push(`The role's name is generated at apply; the simulation calls it ${name}.`);
  const scope: CaseScope = {
    partition,
    region,
    account,
    roleArn: `arn:${partition}:iam::${account}:role${role.path}${name}`,
    // No identity ARN leaves the sending cases to show that the role cannot send;
    // no configuration-set ARN reads as a role that sends without one.
    sesIdentities: namesIn(documents, /^arn:[^:]+:ses:[^:]*:[^:]*:identity\/(.+)$/, true),
    configurationSets: namesIn(documents, /^arn:[^:]+:ses:[^:]*:[^:]*:configuration-set\/(.+)$/, false),
    pinpointApplicationIds: namesIn([trust], /^arn:[^:]+:mobiletargeting:[^:]*:[^:]*:apps\/(.+)$/, true),
  };
  const roleDocuments = {
    trust: trust.policy.json,
    permissions: permissions.map(({ name, after }) => ({ name, document: after.state === "known" ? after.policy.json : undefined })),
    boundary: boundary?.state === "known" ? boundary.policy.json : undefined,
  };
  const { pinpointCases, simulateCase } = await import("./simulation");
  const outcomes: CaseOutcome[] = [];
  for (const simulationCase of pinpointCases(scope)) outcomes.push(await simulateCase(simulationCase, roleDocuments));
  return { ran: true, scope, outcomes, notes };
}

export async function reviewPlan(plan: Plan, options: ReviewOptions = {}): Promise<Review> {
  // Managed policy documents by ARN (boundaries, policies outside the plan): any data.aws_iam_policy the plan read,
  // and those given (which win).
  const policies = new Map<string, unknown>([
    ...[...dataSources(plan).values()].filter((source) => source.type === "aws_iam_policy" && source.values?.arn && source.values?.policy)
      .map((source): [string, unknown] => [source.values.arn, source.values.policy]),
    ...(options.policies ?? []),
  ]);
  const roles: RoleResult[] = [];
  for (const role of readRoles(plan, options.facts, policies)) {
    const pinpoint = isPinpointSendingRole(role);
    const simulation: RoleSimulation | undefined = !pinpoint || role.change === "delete" || role.change === "forget" ? undefined
      : options.simulate === false ? { ran: false, reason: "simulation is turned off (--no-simulation); the rules ran" }
        : await simulateRole(role, policies);
    const findings = roleFindings(role, pinpoint);
    if (simulation?.ran) {
      const { describeUnexpected } = await import("./simulation");
      findings.push(...simulation.outcomes.filter((outcome) => !outcome.passed).map((outcome) => finding("simulation-mismatch", role.address,
        `${outcome.case.title}: expected ${outcome.case.expected}, simulated ${outcome.verdict}`, describeUnexpected(outcome))));
    }
    roles.push({ role, pinpoint, simulation, findings });
  }
  return {
    terraformVersion: plan.terraform_version,
    formatVersion: plan.format_version,
    roles,
    findings: roles.flatMap((result) => result.findings),
  };
}
