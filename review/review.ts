/**
 * Reviews a plan: the roles in it, the findings of every rule, and, for each
 * Pinpoint sending role, the simulated verdicts of the case table.
 */
import { PINPOINT_SERVICE_PRINCIPAL } from "../modules/policy-documents";
import { Finding, finding, roleFindings } from "./findings";
import { dataSources, Plan } from "./plan";
import { servicePrincipals, statementCovers } from "./policy";
import { DocumentState, Facts, readDocument, readRoles, RoleReview } from "./roles";
import { CaseOutcome, CaseScope, describeUnexpected, pinpointCases, simulateCase } from "./simulation";

export interface ReviewOptions {
  /** Partition, Region or account to use where the plan does not tell. */
  readonly facts?: Partial<Facts>;
  /** Managed policy documents by ARN (permissions boundaries), for what the plan does not hold. */
  readonly policies?: ReadonlyMap<string, unknown>;
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
 * A role Pinpoint assumes: its trust policy (after the plan, or before a
 * delete) lets pinpoint.amazonaws.com call sts:AssumeRole.
 */
export function isPinpointSendingRole(role: RoleReview): boolean {
  const trust = role.trust.after.state === "absent" ? role.trust.before : role.trust.after;
  return trust.state === "known" && trust.policy.statements.some((statement) => statement.effect === "Allow" &&
    servicePrincipals(statement).includes(PINPOINT_SERVICE_PRINCIPAL) && statementCovers(statement, "sts:AssumeRole"));
}

/** The names in the ARNs (resources and condition values) of Allow statements that match `pattern`. */
function namesIn(documents: readonly DocumentState[], pattern: RegExp): string[] {
  return [...new Set(documents.flatMap((document) => document.state !== "known" ? [] : document.policy.statements
    .filter((statement) => statement.effect === "Allow")
    .flatMap((statement) => [...(statement.resource ?? []), ...statement.conditions.flatMap((test) => test.values)])
    .map((value) => pattern.exec(value)?.[1])
    .filter((name): name is string => name !== undefined)))];
}

/** A list of names, or undefined for "all" (a `*`, or no such ARN where none means all). */
function listed(names: readonly string[], noneMeansAll: boolean): string[] | undefined {
  return names.includes("*") || (noneMeansAll && names.length === 0) ? undefined : [...names];
}

/** Boundary documents by ARN: any data.aws_iam_policy the plan read, and those given (which win). */
function knownPolicies(plan: Plan, given: ReadonlyMap<string, unknown> | undefined): Map<string, unknown> {
  const found = new Map<string, unknown>();
  for (const source of dataSources(plan).values()) {
    if (source.type === "aws_iam_policy" && source.values?.arn && source.values?.policy) found.set(source.values.arn, source.values.policy);
  }
  for (const [arn, document] of given ?? []) found.set(arn, document);
  return found;
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
  if (boundary?.state === "absent") {
    notes.push(`The permissions boundary ${boundaryArn} is not simulated: its document is not in the plan ` +
      "(give it with --policy ARN=FILE).");
  }
  if (boundary?.state === "unreadable") {
    notes.push(`The permissions boundary ${boundaryArn} is not simulated: its document is not a valid IAM policy (${boundary.problem}).`);
  }
  if (role.managedPolicyArns.length > 0) {
    notes.push(`Attached managed policies are not simulated (their documents are not in the plan): ${role.managedPolicyArns.join(", ")}.`);
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
    sesIdentities: listed(namesIn(documents, /^arn:[^:]+:ses:[^:]*:[^:]*:identity\/(.+)$/), true),
    configurationSets: listed(namesIn(documents, /^arn:[^:]+:ses:[^:]*:[^:]*:configuration-set\/(.+)$/), false),
    pinpointApplicationIds: listed(namesIn([trust], /^arn:[^:]+:mobiletargeting:[^:]*:[^:]*:apps\/(.+)$/), true),
  };
  const roleDocuments = {
    trust: trust.policy.json,
    permissions: permissions.map((policy) => ({
      name: policy.name,
      document: policy.after.state === "known" ? policy.after.policy.json : undefined,
    })),
    boundary: boundary?.state === "known" ? boundary.policy.json : undefined,
  };
  const outcomes: CaseOutcome[] = [];
  for (const simulationCase of pinpointCases(scope)) outcomes.push(await simulateCase(simulationCase, roleDocuments));
  return { ran: true, scope, outcomes, notes };
}

export async function reviewPlan(plan: Plan, options: ReviewOptions = {}): Promise<Review> {
  const policies = knownPolicies(plan, options.policies);
  const roles: RoleResult[] = [];
  for (const role of readRoles(plan, options.facts)) {
    const pinpoint = isPinpointSendingRole(role);
    const simulation = pinpoint && role.change !== "delete" && role.change !== "forget"
      ? await simulateRole(role, policies) : undefined;
    const findings = [...roleFindings(role)];
    if (simulation?.ran) {
      for (const outcome of simulation.outcomes.filter((item) => !item.passed)) {
        findings.push(finding("simulation-mismatch", role.address,
          `${outcome.case.title}: expected ${outcome.case.expected}, simulated ${outcome.verdict}`, describeUnexpected(outcome)));
      }
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
