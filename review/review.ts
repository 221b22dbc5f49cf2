/**
 * Reviews a plan: `reviewPlan(plan, options)` indexes the plan once, reads its roles, runs the rule table on each,
 * simulates the case table on each Pinpoint sending role, judges what the plan brings against the prior state,
 * applies waivers and decides the gate. Options and result are plain data, so a worker thread can run it.
 */
import { allowStatements, DocumentState, readDocument } from "./documents";
import type { Facts } from "./facts";
import { Finding, finding, fingerprintOf, ReviewedFinding } from "./findings";
import { Gate, gateOf, GateOptions, noveltyOf } from "./gate";
import type { Plan } from "./plan";
import { indexPlan, PlanIndex } from "./plan-index";
import { beforeView, readRoles, RoleReview, unchanged } from "./roles";
import { roleFindings, roleNotes } from "./rules";
import { isPinpointSendingRole } from "./rules/pinpoint-role";
import { applyWaivers, tagWaivers, Waiver } from "./waivers";
// Types only: the simulator (AGPL-3.0) is loaded on first use, never with `simulate: false`.
import type { CaseScope, CaseVerdict } from "./simulation";

export interface ReviewOptions {
  /** Partition, Region or account of every role, for a plan that does not tell; given ones win over the plan. */
  readonly facts?: Partial<Pick<Facts, "partition" | "region" | "account">>;
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
  /** Waivers from a file (`parseWaivers`); the roles' own waiver tags are read from the prior state. @default none */
  readonly waivers?: readonly Waiver[];
  /** Today, `YYYY-MM-DD` (UTC), for waiver expiry. @default the current date */
  readonly today?: string;
  /** What fails the gate. @default nothing fails */
  readonly gate?: GateOptions;
}

/** The simulation of one Pinpoint sending role, or why it could not run. */
export type RoleSimulation =
  | { readonly ran: true; readonly scope: CaseScope; readonly outcomes: readonly CaseVerdict[]; readonly notes: readonly string[] }
  | { readonly ran: false; readonly reason: string };

export interface RoleResult {
  readonly role: RoleReview;
  readonly pinpoint: boolean;
  readonly simulation?: RoleSimulation;
  readonly findings: readonly ReviewedFinding[];
  /** What the report says beside the findings: services not judged and why, facts the plan does not tell. */
  readonly notes: readonly string[];
}

export interface Review {
  readonly terraformVersion?: string;
  readonly formatVersion: string;
  readonly roles: readonly RoleResult[];
  /** Every finding, the waivers' own included. */
  readonly findings: readonly ReviewedFinding[];
  readonly gate: Gate;
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

/**
 * The Region the role sends in: the one Region of the SES identity ARNs its policies name (the construct's
 * `region` option puts them outside the provider's Region), else where the plan places the role.
 */
function sendingRegion(documents: readonly DocumentState[], fallback: string | undefined): string | undefined {
  const regions = new Set(documents.flatMap((document) => allowStatements(document).flatMap(([statement]) => statement.resource ?? []))
    .map((arn) => /^arn:[^:]+:ses:([a-z0-9-]+):[^:]*:identity\//.exec(arn)?.[1]).filter((region): region is string => region !== undefined));
  return regions.size === 1 ? [...regions][0] : fallback;
}

async function simulateRole(role: RoleReview, index: PlanIndex): Promise<RoleSimulation> {
  const { partition, account } = role.facts;
  const permissions = role.policies.filter((policy) => policy.after.state !== "absent");
  const region = sendingRegion(permissions.map((policy) => policy.after), role.facts.region);
  if (!partition || !region || !account) {
    const missing = [!partition && "partition", !region && "Region", !account && "account"].filter((item): item is string => Boolean(item))
      .join(", ").replace(/, ([^,]+)$/, " and $1");
    return { ran: false, reason: `the plan does not tell the role's ${missing}; pass --partition, --region or --account` };
  }
  if (role.trust.after.state !== "known") return { ran: false, reason: `its trust policy is ${role.trust.after.state} after the plan` };
  const pending = permissions.find((policy) => policy.after.state !== "known");
  if (pending) return { ran: false, reason: `policy ${pending.name} is ${pending.after.state} after the plan` };
  if (role.boundary.afterUnknown) return { ran: false, reason: "its permissions boundary is known only after apply" };

  const notes: string[] = [];
  const boundaryArn = role.boundary.after;
  const boundary = boundaryArn ? readDocument(index.knownPolicies.get(boundaryArn)?.document) : undefined;
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
  if (region !== role.facts.region) notes.push(`Simulated in ${region}, the Region of the SES identities the role's policies name.`);
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
    permissions: permissions.map(({ name: policyName, after }) => ({ name: policyName, document: after.state === "known" ? after.policy.json : undefined })),
    boundary: boundary?.state === "known" ? boundary.policy.json : undefined,
  };
  const { pinpointCases, caseVerdict } = await import("./simulation");
  const outcomes: CaseVerdict[] = [];
  for (const simulationCase of pinpointCases(scope)) outcomes.push(await caseVerdict(simulationCase, roleDocuments));
  return { ran: true, scope, outcomes, notes };
}

/** The rules' findings of one role and, when simulated, a simulation-mismatch for each case that came out otherwise. */
async function judge(role: RoleReview, index: PlanIndex, simulate: boolean): Promise<{ findings: Finding[]; simulation?: RoleSimulation }> {
  const findings = roleFindings(role, index);
  const pinpoint = isPinpointSendingRole(role);
  if (!pinpoint || role.change === "delete" || role.change === "forget") return { findings };
  if (!simulate) return { findings, simulation: { ran: false, reason: "simulation is turned off (--no-simulation); the rules ran" } };
  const simulation = await simulateRole(role, index);
  if (simulation.ran) {
    const { describeUnexpected } = await import("./simulation");
    findings.push(...simulation.outcomes.filter((outcome) => !outcome.passed).map((outcome) => finding("simulation-mismatch", role.address,
      `${outcome.case.title}: expected ${outcome.case.expected}, simulated ${outcome.verdict}`, describeUnexpected(outcome), [outcome.case.title])));
  }
  return { findings, simulation };
}

/** Reviews a parsed plan (`parsePlan`). */
export async function reviewPlan(plan: Plan, options: ReviewOptions = {}): Promise<Review> {
  const index = indexPlan(plan, options.policies);
  const simulate = options.simulate !== false;
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const roles: RoleResult[] = [];
  const waivers: Waiver[] = [...(options.waivers ?? [])];
  const invalidTags: ReviewedFinding[] = [];
  for (const role of readRoles(index, options.facts)) {
    const { findings, simulation } = await judge(role, index, simulate);
    // The same rules on the role as it was: only for a role the plan changes (unchanged, everything exists already).
    const previous = beforeView(role);
    const before = unchanged(role) ? "all" : previous ? (await judge(previous, index, simulate)).findings : [];
    const reviewed = findings.map((item): ReviewedFinding => ({
      ...item, role: role.address, novelty: noveltyOf(item, before), fingerprint: fingerprintOf(item, role.address),
    }));
    const tags = tagWaivers(role);
    waivers.push(...tags.waivers);
    invalidTags.push(...tags.invalid.map((item) => problem(item, role.address)));
    roles.push({ role, pinpoint: isPinpointSendingRole(role), simulation, findings: reviewed, notes: roleNotes(role) });
  }
  const applied = applyWaivers(roles.flatMap((result) => result.findings), waivers, today);
  let offset = 0;
  const results = roles.map((result) => {
    const findings = applied.findings.slice(offset, offset + result.findings.length);
    offset += result.findings.length;
    return { ...result, findings };
  });
  const findings = [...results.flatMap((result) => result.findings), ...invalidTags,
    ...applied.problems.map((item) => problem(item, roleOf(item.address, results)))];
  return {
    terraformVersion: plan.terraform_version,
    formatVersion: plan.format_version,
    roles: results,
    findings,
    gate: gateOf(findings, options.gate),
  };
}

/** A waiver's own finding: about this run's inputs, so always new. */
function problem(item: Finding, role: string): ReviewedFinding {
  return { ...item, role, novelty: "new", fingerprint: fingerprintOf(item, role) };
}

/** The role an address belongs to, for a waiver's finding (the address itself when no role has it). */
function roleOf(address: string, results: readonly RoleResult[]): string {
  return results.find((result) => result.role.address === address || result.findings.some((item) => item.address === address))?.role.address ?? address;
}
