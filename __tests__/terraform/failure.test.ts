/**
 * Failure half-way: IAM fails the inline policy's PutRolePolicy after the
 * role exists. The apply must fail with the AWS error and keep the role in
 * state; the next apply must converge without losing or duplicating anything.
 */
import {
  documentsOf,
  expectNoChanges,
  expectOnlyRecordedActions,
  initialisedWorkdir,
  onlyRole,
  Scenario,
  seedDocuments,
} from "../support/lifecycle";
import { appStackJson } from "../support/synth";
import { RunResult, TerraformWorkdir } from "../support/terraform";

const ACCOUNT = "456789012345";
// The provider tries a call up to `max_retries` times in all (default 25, backing off up to
// 20 s each time): two attempts keep the test fast and still show that a failed call is retried.
const MAX_ATTEMPTS = 2;

// Fault injection exists only on the local endpoint: moto cannot fail one call of a run.
describe("a failure half-way", () => {
  let base: TerraformWorkdir;
  let scenario: Scenario;
  let failed: RunResult;
  let resourcesAfterFailure: { [type: string]: any[] };
  let roleIdAfterFailure: string;

  beforeAll(async () => {
    base = await initialisedWorkdir("failure");
    scenario = await Scenario.startLocal(base, "failure", { account: ACCOUNT });
    const stack = appStackJson();
    stack.provider.aws[0].max_retries = MAX_ATTEMPTS;
    scenario.use(stack);
    // The call and its retry both fail, so the provider's one PutRolePolicy fails.
    scenario.endpoint.failCalls("iam:PutRolePolicy", { code: "ServiceFailure", times: MAX_ATTEMPTS });
    failed = await scenario.apply({ allowFailure: true });
    resourcesAfterFailure = await scenario.resources();
    roleIdAfterFailure = onlyRole(scenario.endpoint).id;
  });

  afterAll(async () => {
    await scenario?.stop();
    base?.remove();
  });

  describe("an apply whose PutRolePolicy fails", () => {
    it("exits non-zero and shows the AWS error", () => {
      expect(failed.status).not.toBe(0);
      expect(failed.stderr).toMatch(/PutRolePolicy.*StatusCode: 500.*ServiceFailure/s);
    });

    it("keeps the role it created in state, and no policy", () => {
      expect(resourcesAfterFailure.aws_iam_role).toHaveLength(1);
      expect(resourcesAfterFailure.aws_iam_role[0].unique_id).toBe(roleIdAfterFailure);
      expect(resourcesAfterFailure.aws_iam_role_policy).toBeUndefined();
    });

    it("leaves the role on the endpoint without a policy", () => {
      expect(onlyRole(scenario.endpoint).policies.size).toBe(0);
    });
  });

  describe("the next apply, through one throttled call", () => {
    beforeAll(async () => {
      // One Throttling answer, which the provider retries: a transient fault does not fail an apply.
      scenario.endpoint.failCalls("iam:PutRolePolicy", { code: "Throttling" });
      await scenario.apply();
    });

    it("converges: one role, the same one, with one policy, and the seed's documents", () => {
      const role = onlyRole(scenario.endpoint);
      expect(role.id).toBe(roleIdAfterFailure);
      expect(documentsOf(role)).toEqual(seedDocuments({ partition: "aws", region: "us-east-1", account: ACCOUNT }));
    });

    it("keeps the role and its policy in state", async () => {
      const resources = await scenario.resources();
      expect(resources.aws_iam_role).toHaveLength(1);
      expect(resources.aws_iam_role_policy).toHaveLength(1);
    });

    it("retried the throttled call, after the failed attempts of the first apply", () => {
      const statuses = scenario.endpoint.calls.filter((call) => call.action === "PutRolePolicy").map((call) => call.status);
      expect(statuses).toEqual([...Array(MAX_ATTEMPTS).fill(500), 400, 200]);
    });

    it("re-plans with no changes", () => expectNoChanges(scenario));

    it("sent only recorded actions", () => expectOnlyRecordedActions(scenario.endpoint));
  });
});
