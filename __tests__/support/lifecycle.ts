/**
 * Lifecycle scenarios for the Terraform-backed tests: each scenario has its
 * own local IAM endpoint, working directory and state, and forks the
 * `terraform init` its test file made once. Plus the assertions they share.
 */
import { LocalAwsEndpoint, StoredRole } from "./aws-endpoint";
import { ALL_OBSERVED_ACTIONS } from "../../deployer/observed-actions";
import { Placement, seedPermissionsPolicy, seedTrustPolicy } from "./seed";
import { appStackJson } from "./synth";
import { managedResources, PlanJson, RunResult, TerraformWorkdir, testEnv } from "./terraform";

/**
 * A working directory initialised for the app's stack shape (provider and
 * backend), for scenarios to fork. Made once per test file.
 */
export async function initialisedWorkdir(label: string): Promise<TerraformWorkdir> {
  const workdir = TerraformWorkdir.create(`${label}-init`);
  workdir.write("cdk.tf.json", appStackJson());
  await workdir.init();
  return workdir;
}

/** One scenario: a local endpoint and a working directory with its own state. */
export class Scenario {
  static async start(base: TerraformWorkdir, label: string, account: string): Promise<Scenario> {
    return new Scenario(await LocalAwsEndpoint.start({ account }), base.fork(label));
  }

  /** The environment terraform runs with: the test's, pointed at this endpoint. */
  readonly env: NodeJS.ProcessEnv;
  /** The actions each phase sent, by phase name (see {@link step}). */
  readonly actions: { [step: string]: string[] } = {};

  private constructor(readonly endpoint: LocalAwsEndpoint, readonly workdir: TerraformWorkdir) {
    this.env = testEnv(endpoint.env());
  }

  /** Writes the stack the next terraform commands work on. */
  use(stackJson: object): void {
    this.workdir.write("cdk.tf.json", stackJson);
  }

  /** Runs `command` and keeps the set of actions it sent under `name`. */
  async step<T>(name: string, command: (scenario: this) => Promise<T>): Promise<T> {
    const since = this.endpoint.calls.length;
    const result = await command(this);
    this.actions[name] = [...new Set(this.endpoint.actions(since))].sort();
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
    await this.endpoint.stop();
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

/** The trust policy and inline policies of a role on the endpoint, parsed. */
export function documentsOf(role: StoredRole): { trust: unknown; policies: { [name: string]: unknown } } {
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

/** The seed's two documents placed in a partition, Region and account, as `documentsOf` gives them. */
export function seedDocuments(at: Placement, policyName = "PinpointUsesSESForEmailSends") {
  return { trust: seedTrustPolicy(at), policies: { [policyName]: seedPermissionsPolicy(at) } };
}

/** Asserts that the endpoint received only recorded actions, and none it does not implement. */
export function expectOnlyRecordedActions(endpoint: LocalAwsEndpoint): void {
  expect(endpoint.unimplemented).toEqual([]);
  expect([...new Set(endpoint.actions())].filter((action) => !ALL_OBSERVED_ACTIONS.includes(action))).toEqual([]);
}
