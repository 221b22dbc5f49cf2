import {
  configurationSetArn,
  pinpointApplicationArn,
  pinpointTrustPolicy,
  policySize,
  sesIdentityArn,
  sendingPolicyForArns,
  sesSendingPolicy,
  trustPolicyForSourceArns,
} from "../../modules/policy-documents";
import { seedPermissionsPolicy, seedTrustPolicy } from "../support/seed";

const placements = [
  { partition: "aws", region: "us-east-1", account: "111122223333" },
  { partition: "aws-us-gov", region: "us-gov-west-1", account: "210987654321" },
  { partition: "aws-cn", region: "cn-north-1", account: "999988887777" },
];

describe("policy documents", () => {
  it.each(placements)("builds the seed's trust policy in $partition", (at) => {
    expect(pinpointTrustPolicy(at)).toEqual(seedTrustPolicy(at));
  });

  it.each(placements)("builds the seed's permissions policy in $partition", (at) => {
    expect(sesSendingPolicy(at)).toEqual(seedPermissionsPolicy(at));
  });

  it("scopes the trust policy to the listed Pinpoint apps with ArnLike aws:SourceArn", () => {
    const at = placements[2];
    const ids = ["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"];
    const statement = pinpointTrustPolicy(at, ids).Statement[0];
    expect(statement.Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "999988887777" },
      ArnLike: {
        "aws:SourceArn": [
          "arn:aws-cn:mobiletargeting:cn-north-1:999988887777:apps/0123456789abcdef0123456789abcdef*",
          "arn:aws-cn:mobiletargeting:cn-north-1:999988887777:apps/fedcba9876543210fedcba9876543210*",
        ],
      },
    });
  });

  it("keeps the seed's trust policy when the app list is empty", () => {
    expect(pinpointTrustPolicy(placements[0], [])).toEqual(seedTrustPolicy(placements[0]));
  });

  it("lists one resource per named identity and configuration set, and nothing for all", () => {
    const at = placements[1];
    const policy = sesSendingPolicy(at, ["example.com", "news@example.com"], ["marketing"]);
    expect(policy.Statement[0].Resource).toEqual([
      "arn:aws-us-gov:ses:us-gov-west-1:210987654321:identity/example.com",
      "arn:aws-us-gov:ses:us-gov-west-1:210987654321:identity/news@example.com",
      "arn:aws-us-gov:ses:us-gov-west-1:210987654321:configuration-set/marketing",
    ]);
    expect(policy.Statement[0].Action).toEqual(["ses:SendEmail", "ses:SendRawEmail"]);
  });

  it("spells ARNs with partition, Region and account in IAM's order", () => {
    const at = { partition: "aws", region: "eu-west-1", account: "123456789012" };
    expect(sesIdentityArn(at, "a@b.co")).toBe("arn:aws:ses:eu-west-1:123456789012:identity/a@b.co");
    expect(configurationSetArn(at, "x")).toBe("arn:aws:ses:eu-west-1:123456789012:configuration-set/x");
    expect(pinpointApplicationArn(at, "id")).toBe("arn:aws:mobiletargeting:eu-west-1:123456789012:apps/id");
  });

  it("measures a policy without whitespace, as IAM counts it", () => {
    const policy = pinpointTrustPolicy(placements[0]);
    const pretty = JSON.stringify(policy, null, 4);
    expect(policySize(policy)).toBe(pretty.replace(/\s+(?=(?:[^"]*"[^"]*")*[^"]*$)/g, "").length);
    expect(policySize(policy)).toBeLessThan(pretty.length);
  });
});

describe("policy documents for ARNs given as they are", () => {
  const at = placements[0];

  it("limits the trust policy to the given source ARNs, or to none when there are none", () => {
    const arn = "arn:aws:mobiletargeting:us-east-1:111122223333:apps/id1";
    expect(trustPolicyForSourceArns(at, [arn]).Statement[0].Condition?.ArnLike).toEqual({ "aws:SourceArn": [arn] });
    expect(trustPolicyForSourceArns(at, [])).toEqual(seedTrustPolicy(at));
  });

  it("puts the given resources, in their order, into the permissions policy", () => {
    expect(sendingPolicyForArns(["b", "a"]).Statement[0].Resource).toEqual(["b", "a"]);
  });
});
