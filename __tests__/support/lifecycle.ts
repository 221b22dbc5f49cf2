/**
 * Lifecycle scenarios for the Terraform-backed tests: each scenario has its
 * own local IAM endpoint, working directory and state, and forks the
 * `terraform init` its test file made once. Plus the assertions they share.
 *
 * With `PINPOINT_SES_TEST_ENDPOINT=http://HOST:PORT` the scenarios run
 * against that IAM/STS endpoint instead (LocalStack, moto on 127.0.0.1):
 * what they assert about IAM they read through the IAM API (`scenario.iam`);
 * tests that need the local endpoint's record of calls, its injected faults
 * or its authorisation report that they were skipped and why.
 */
import { endpointEnv, LocalAwsEndpoint, StoredRole } from "./aws-endpoint";
import { IamClient, RoleView } from "./iam-client";
import { ALL_OBSERVED_ACTIONS } from "../../deployer/observed-actions";
import { Placement, seedPermissionsPolicy, seedTrustPolicy } from "./seed";
import { appStackJson } from "./synth";
import { managedResources, PlanJson, RunResult, TerraformWorkdir, testEnv } from "./terraform";

/**
 * A working directory initialised for the app's stack shape (provider and
 * backend), for scenarios to fork: one `terraform init` for the whole run,
 * shared by every test file.
 */
export function initialisedWorkdir(label: string): Promise<TerraformWorkdir> {
  return TerraformWorkdir.shared("app-stack", { "cdk.tf.json": appStackJson() }, label);
}

/** `PINPOINT_SES_TEST_ENDPOINT`, checked: the external endpoint the scenarios run against, if any. */
export const EXTERNAL_ENDPOINT: string | undefined = externalEndpoint(process.env.PINPOINT_SES_TEST_ENDPOINT);

function externalEndpoint(value: string | undefined): string | undefined {
  if (value === undefined || value === "") return undefined;
  if (!/^http:\/\/[\w.-]+:\d{1,5}$/.test(value)) {
    throw new Error(`PINPOINT_SES_TEST_ENDPOINT "${value}" is not http://HOST:PORT (an IAM/STS endpoint such as LocalStack or moto)`);
  }
  return value;
}

/** One scenario: an endpoint (the local one unless PINPOINT_SES_TEST_ENDPOINT says otherwise) and a working directory with its own state. */
export class Scenario {
  static async start(base: TerraformWorkdir, label: string, account: string): Promise<Scenario> {
    if (EXTERNAL_ENDPOINT) {
      // LocalStack takes the account from a 12-digit access key; moto from MOTO_ACCOUNT_ID.
      const iam = new IamClient(EXTERNAL_ENDPOINT, account);
      const answered = await iam.account();
      if (answered !== account) {
        throw new Error(`PINPOINT_SES_TEST_ENDPOINT ${EXTERNAL_ENDPOINT} answers account ${answered}; this scenario needs ` +
          `account ${account} (LocalStack takes it from the access key ${account}; start moto with MOTO_ACCOUNT_ID=${account})`);
      }
      return new Scenario(undefined, iam, endpointEnv(EXTERNAL_ENDPOINT, account), base.fork(label), account);
    }
    const local = await LocalAwsEndpoint.start({ account });
    return new Scenario(local, new IamClient(local.url), local.env(), base.fork(label), account);
  }

  /** The environment terraform runs with: the test's, pointed at this endpoint. */
  readonly env: NodeJS.ProcessEnv;
  /** The actions each phase sent, by phase name (see {@link step}); only on the local endpoint. */
  readonly actions: { [step: string]: string[] } = {};

  private constructor(
    /** The local endpoint, when the scenario runs against it. */
    readonly local: LocalAwsEndpoint | undefined,
    /** Reads and out-of-band changes through the IAM API, on any endpoint. */
    readonly iam: IamClient,
    env: { [name: string]: string },
    readonly workdir: TerraformWorkdir,
    readonly account: string,
  ) {
    this.env = testEnv(env);
  }

  /** The local endpoint, for tests that need its record of calls, its faults or its authorisation. */
  get endpoint(): LocalAwsEndpoint {
    if (!this.local) throw new Error(`this test needs the local endpoint, not ${EXTERNAL_ENDPOINT}`);
    return this.local;
  }

  /** Writes the stack the next terraform commands work on. */
  use(stackJson: object): void {
    this.workdir.write("cdk.tf.json", stackJson);
  }

  /** Runs `command` and keeps the set of actions it sent under `name`. */
  async step<T>(name: string, command: (scenario: this) => Promise<T>): Promise<T> {
    const since = this.local?.calls.length ?? 0;
    const result = await command(this);
    if (this.local) this.actions[name] = [...new Set(this.local.actions(since))].sort();
    return result;
  }

  apply(options: { savedPlan?: boolean; allowFailure?: boolean } = {}): Promise<RunResult> {
    return this.workdir.apply(this.env, options);
  }

  plan(): Promise<PlanJson> {
    return this.workdir.plan(this.env);
  }

  /** The managed resources in state, by type. */
  async resources(): Promise<{ [type: string]: any[] }> {
    return managedResources(await this.workdir.state());
  }

  async stop(): Promise<void> {
    await this.local?.stop();
    this.workdir.remove();
  }
}

/** Asserts that `terraform plan -detailed-exitcode` finds nothing to do; shows the plan if it does. */
export async function expectNoChanges(scenario: Scenario): Promise<void> {
  const result = await scenario.workdir.planExitCode(scenario.env);
  const plan = result.status === 0 ? "no changes" : `${result.stdout}\n${result.stderr}`;
  expect({ exitCode: result.status, plan }).toEqual({ exitCode: 0, plan: "no changes" });
}

/**
 * The actions a plan will take, by resource type, leaving out what it leaves
 * alone (`no-op`, data reads): `{ aws_iam_role: ["update"] }`.
 */
export function plannedActions(plan: PlanJson): { [type: string]: readonly string[] } {
  const changes = (plan.resource_changes ?? []).filter((change) =>
    !change.change.actions.every((action) => action === "no-op" || action === "read"));
  const byType: { [type: string]: readonly string[] } = {};
  for (const change of changes) {
    if (byType[change.type]) throw new Error(`two changes of ${change.type}: the helper expects one resource per type`);
    byType[change.type] = change.change.actions;
  }
  return byType;
}

/** The trust policy and inline policies of a role, parsed. */
export function documentsOf(role: Pick<RoleView | StoredRole, "assumeRolePolicy" | "policies">): { trust: unknown; policies: { [name: string]: unknown } } {
  return {
    trust: JSON.parse(role.assumeRolePolicy),
    policies: Object.fromEntries([...role.policies].map(([name, text]) => [name, JSON.parse(text)])),
  };
}

/** The only role on the endpoint; fails if there is not exactly one. */
export function onlyRole(endpoint: LocalAwsEndpoint): StoredRole {
  const roles = endpoint.roles();
  if (roles.length !== 1) throw new Error(`expected one role on the endpoint, found ${roles.map((r) => r.name)}`);
  return roles[0];
}

/** The only role of the scenario's account, read through the IAM API; fails if there is not exactly one. */
export async function readOnlyRole(scenario: Scenario): Promise<RoleView> {
  const roles = await scenario.iam.roles();
  if (roles.length !== 1) throw new Error(`expected one role in account ${scenario.account}, found ${roles.map((r) => r.name)}`);
  return roles[0];
}

/** What a test can need of the local endpoint, as `itOnLocalEndpoint` reports it. */
export const LOCAL_ONLY = {
  recording: "the local endpoint's record of the provider's calls",
  faults: "the local endpoint's injected faults",
  authorisation: "the local endpoint's authorisation of each call as the deployer",
} as const;

/**
 * A test that needs the local endpoint (`needs` says for what): against an
 * external endpoint it runs as a test that reports it was skipped and why.
 */
export function itOnLocalEndpoint(name: string, needs: string, test: () => unknown): void {
  if (!EXTERNAL_ENDPOINT) {
    it(name, test as () => Promise<unknown>);
    return;
  }
  const reason = `skipped against ${EXTERNAL_ENDPOINT}: needs ${needs}`;
  it(`${name} (${reason})`, () => {
    process.stderr.write(`${name}: ${reason}\n`);
    expect(reason).toContain(EXTERNAL_ENDPOINT);
  });
}

/** A group of tests that needs the local endpoint throughout; against an external one, one test reports why it was skipped. */
export function describeOnLocalEndpoint(name: string, needs: string, body: () => void): void {
  if (!EXTERNAL_ENDPOINT) {
    describe(name, body);
    return;
  }
  describe(name, () => itOnLocalEndpoint("runs", needs, () => undefined));
}

/** The seed's two documents placed in a partition, Region and account, as `documentsOf` gives them. */
export function seedDocuments(at: Placement, policyName = "PinpointUsesSESForEmailSends") {
  return { trust: seedTrustPolicy(at), policies: { [policyName]: seedPermissionsPolicy(at) } };
}

/** Asserts that the endpoint received only recorded actions, and none it does not implement. */
export function expectOnlyRecordedActions(endpoint: LocalAwsEndpoint): void {
  expect(endpoint.unimplemented).toEqual([]);
  expect([...new Set(endpoint.actions())].filter((action) => !ALL_OBSERVED_ACTIONS.includes(action))).toEqual([]);
}
