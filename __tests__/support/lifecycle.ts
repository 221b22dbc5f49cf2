/**
 * Lifecycle scenarios for the Terraform-backed tests: each scenario has an
 * account of its own on the run's AWS emulator (moto), its own working
 * directory and state, and forks the one `terraform init` of the run. What
 * the scenarios assert about IAM they read through the IAM API
 * (`scenario.iam`), never through the emulator's internals. A scenario on
 * the local endpoint (`startLocal`) is for what moto cannot do: injected
 * faults, authorisation as the deployer, eventual consistency, paging, and a
 * record of the provider's calls. Plus the assertions they share.
 */
import { LocalAwsEndpoint, StoredRole } from "./aws-endpoint";
import { EmulatedAccount, endpointEnv } from "./emulator";
import { IamClient, RoleView } from "./iam-client";
import { ALL_OBSERVED_ACTIONS } from "../../deployer/observed-actions";
import { Placement, seedPermissionsPolicy, seedTrustPolicy } from "./seed";
import { appStackJson } from "./synth";
import { changesOf, managedResources, PlanJson, RunResult, TerraformWorkdir, testEnv } from "./terraform";

/**
 * A working directory initialised for the app's stack shape (provider and
 * backend), for scenarios to fork: one `terraform init` for the whole run,
 * shared by every test file.
 */
export function initialisedWorkdir(label: string): Promise<TerraformWorkdir> {
  return TerraformWorkdir.shared("app-stack", { "cdk.tf.json": appStackJson() }, label);
}

export interface ScenarioOptions {
  /** The Region whose partition IAM reads are signed for (moto keeps one IAM per partition). @default "us-east-1" */
  readonly region?: string;
  /**
   * The account, for a scenario whose documents must name it before it starts: no other test of the run may use it.
   * @default - a fresh account
   */
  readonly account?: string;
}

/** One scenario: an account on an endpoint, and a working directory with its own state. */
export class Scenario {
  /** A scenario in a fresh account of the run's emulator (moto). */
  static async start(base: TerraformWorkdir, label: string, options: ScenarioOptions = {}): Promise<Scenario> {
    const account = await EmulatedAccount.open(options.account, options.region);
    return new Scenario(undefined, account.iam, account.env, base.fork(label), account.account);
  }

  /** A scenario on a local endpoint of its own, for what moto cannot do (faults, authorisation, delays, paging, a record of calls). */
  static async startLocal(base: TerraformWorkdir, label: string, options: ScenarioOptions = {}): Promise<Scenario> {
    const local = await LocalAwsEndpoint.start({ account: options.account });
    const iam = new IamClient(local.url, "local-test", options.region);
    return new Scenario(local, iam, endpointEnv(local.url, "local-test"), base.fork(label), local.account);
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
    if (!this.local) throw new Error("this scenario runs on moto; start it with Scenario.startLocal to use the local endpoint");
    return this.local;
  }

  /** Writes the stack the next terraform commands work on. */
  use(stackJson: object): void {
    this.workdir.write("cdk.tf.json", stackJson);
  }

  /** Runs `command` and, on the local endpoint, keeps the set of actions it sent under `name`. */
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
  expectNoChangesIn(await scenario.workdir.planExitCode(scenario.env));
}

/** Asserts that a `terraform plan -detailed-exitcode` that ran found nothing to do; shows the plan if it did. */
export function expectNoChangesIn(result: RunResult): void {
  const plan = result.status === 0 ? "no changes" : `${result.stdout}\n${result.stderr}`;
  expect({ exitCode: result.status, plan }).toEqual({ exitCode: 0, plan: "no changes" });
}

/**
 * The actions a plan will take, by resource type, leaving out what it leaves
 * alone (`no-op`, data reads): `{ aws_iam_role: ["update"] }`. With
 * `construct`, those of the construct of that id only.
 */
export function plannedActions(plan: PlanJson, construct?: string): { [type: string]: readonly string[] } {
  const changes = changesOf(plan, construct).filter((change) =>
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

/** The seed's two documents placed in a partition, Region and account, as `documentsOf` gives them. */
export function seedDocuments(at: Placement, policyName = "PinpointUsesSESForEmailSends") {
  return { trust: seedTrustPolicy(at), policies: { [policyName]: seedPermissionsPolicy(at) } };
}

/** Asserts that the endpoint received only recorded actions, and none it does not implement. */
export function expectOnlyRecordedActions(endpoint: LocalAwsEndpoint): void {
  expect(endpoint.unimplemented).toEqual([]);
  expect([...new Set(endpoint.actions())].filter((action) => !ALL_OBSERVED_ACTIONS.includes(action))).toEqual([]);
}
