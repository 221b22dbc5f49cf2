/**
 * The benchmark's synthetic plans must take the path a terraform plan of the
 * construct takes, or the numbers would measure something else: each role
 * linked to its inline policy and data sources through the configuration,
 * simulated in full, clean.
 */
import { syntheticPlan } from "../../scripts/bench-review";
import { parsePlan } from "../../review/plan";
import { reviewPlan } from "../../review/review";

describe("the review benchmark's plan", () => {
  it("reviews as distinct, clean, fully simulated Pinpoint sending roles", async () => {
    const review = await reviewPlan(parsePlan(JSON.stringify(syntheticPlan(3)), "plan.json"));
    expect(review.findings).toEqual([]);
    expect(review.roles.map((result) => [result.role.address, result.pinpoint, result.role.policies.length])).toEqual([
      ["aws_iam_role.sender_0", true, 1], ["aws_iam_role.sender_1", true, 1], ["aws_iam_role.sender_2", true, 1],
    ]);
    for (const result of review.roles) {
      const outcomes = result.simulation?.ran ? result.simulation.outcomes : [];
      expect(outcomes.length).toBeGreaterThan(15);
      expect(outcomes.filter((outcome) => !outcome.passed)).toEqual([]);
    }
    expect(review.roles.map((result) => [result.role.facts.account, result.simulation?.ran && result.simulation.scope.region])).toEqual([
      ["100000000000", "us-east-1"], ["100000000001", "eu-west-1"], ["100000000002", "ap-southeast-2"],
    ]);
    expect(review.roles[0].role.facts.sources).toEqual([
      "region us-east-1 from provider aws", "partition aws from data.aws_partition.sender_0", "account 100000000000 from data.aws_caller_identity.sender_0",
    ]);
  });
});
