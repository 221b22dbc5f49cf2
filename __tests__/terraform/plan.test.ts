/**
 * `terraform plan` with the real AWS provider against moto's STS:
 * the planned trust and permissions policies must equal the AWS procedure's
 * documents with partition, Region and account filled in by Terraform.
 */
import { PinpointSesSendingRoleProps } from "../../modules";
import { EmulatedAccount } from "../support/emulator";
import { initialisedWorkdir } from "../support/lifecycle";
import { seedPermissionsPolicy, seedTrustPolicy } from "../support/seed";
import { appStackJson, constructStackJson } from "../support/synth";
import { PlanJson, resourceChange, testEnv } from "../support/terraform";

const ACCOUNT = "210987654321";
const APP_IDS = ["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"];

const REGIONS = [
  { region: "us-east-1", partition: "aws" },
  { region: "us-gov-west-1", partition: "aws-us-gov" },
  { region: "cn-north-1", partition: "aws-cn" },
];
const GOV = { partition: "aws-us-gov", region: "us-gov-west-1", account: ACCOUNT };
const BOUNDARY = `arn:aws-us-gov:iam::${ACCOUNT}:policy/boundaries/pinpoint`;
const FULLY_OPTIONED: PinpointSesSendingRoleProps = {
  region: GOV.region,
  roleName: "pinpoint-email-sender",
  path: "/messaging/",
  description: "Pinpoint sender for the messaging team",
  permissionsBoundaryArn: BOUNDARY,
  maxSessionDuration: 7200,
  sesIdentities: ["example.com", "news@example.org"],
  configurationSets: ["marketing"],
  pinpointApplicationIds: APP_IDS,
  policyName: "ses-send",
  tags: { team: "messaging" },
};

/** The plans, by Region, and the fully optioned construct's under "optioned". */
const plans = new Map<string, PlanJson>();

beforeAll(async () => {
  const aws = await EmulatedAccount.open(ACCOUNT);
  /** Plans `stackJson` in a fork of the run's one init (every configuration here has the same providers and backend). */
  const planOf = async (key: string, stackJson: object) => {
    const workdir = await initialisedWorkdir(`plan-${key}`);
    try {
      workdir.write("cdk.tf.json", stackJson);
      plans.set(key, await workdir.plan(testEnv(aws.env)));
    } finally {
      workdir.remove();
    }
  };
  // All at once: the file waits for the slowest plan, not for their sum.
  await Promise.all([
    ...REGIONS.map(({ region }) => planOf(region, appStackJson({ region }))),
    planOf("optioned", constructStackJson(FULLY_OPTIONED, GOV.region)),
  ]);
});

function plannedPolicies(plan: PlanJson) {
  const role = resourceChange(plan, "aws_iam_role");
  const policy = resourceChange(plan, "aws_iam_role_policy");
  expect(role.change.actions).toEqual(["create"]);
  expect(policy.change.actions).toEqual(["create"]);
  return {
    role: role.change.after,
    trust: JSON.parse(role.change.after.assume_role_policy),
    permissions: JSON.parse(policy.change.after.policy),
    policyName: policy.change.after.name,
  };
}

describe.each(REGIONS)("terraform plan of the default stack in $region", ({ region, partition }) => {
  let plan: PlanJson;
  beforeAll(() => {
    plan = plans.get(region) as PlanJson;
  });

  it(`plans the seed's trust policy with partition ${partition} and the account`, () => {
    expect(plannedPolicies(plan).trust).toEqual(seedTrustPolicy({ partition, region, account: ACCOUNT }));
  });

  it(`plans the seed's permissions policy with ${partition}, ${region} and the account`, () => {
    expect(plannedPolicies(plan).permissions).toEqual(seedPermissionsPolicy({ partition, region, account: ACCOUNT }));
  });

  it("plans a role named from the prefix and outputs for its ARN and name", () => {
    const { role, policyName } = plannedPolicies(plan);
    expect(role.name_prefix).toBe("pinpoint-ses-sending-");
    expect(policyName).toBe("PinpointUsesSESForEmailSends");
    expect(Object.keys(plan.output_changes ?? {}).sort()).toEqual(["role_arn", "role_name"]);
  });
});

describe("terraform plan of a fully optioned construct in us-gov-west-1", () => {
  const at = GOV;
  const boundary = BOUNDARY;
  let planned: ReturnType<typeof plannedPolicies>;
  beforeAll(() => {
    planned = plannedPolicies(plans.get("optioned") as PlanJson);
  });

  it("plans the seed's trust policy narrowed to the two Pinpoint apps", () => {
    const expected = seedTrustPolicy(at);
    expected.Statement[0].Condition.ArnLike = {
      "aws:SourceArn": APP_IDS.map((id) => `arn:aws-us-gov:mobiletargeting:us-gov-west-1:${ACCOUNT}:apps/${id}*`),
    };
    expect(planned.trust).toEqual(expected);
  });

  it("plans the seed's permissions policy narrowed to the named identities and set", () => {
    const expected = seedPermissionsPolicy(at);
    expected.Statement[0].Resource = [
      `arn:aws-us-gov:ses:us-gov-west-1:${ACCOUNT}:identity/example.com`,
      `arn:aws-us-gov:ses:us-gov-west-1:${ACCOUNT}:identity/news@example.org`,
      `arn:aws-us-gov:ses:us-gov-west-1:${ACCOUNT}:configuration-set/marketing`,
    ];
    expect(planned.permissions).toEqual(expected);
  });

  it("plans every role option as given", () => {
    expect(planned.role).toMatchObject({
      name: "pinpoint-email-sender",
      path: "/messaging/",
      description: "Pinpoint sender for the messaging team",
      permissions_boundary: boundary,
      max_session_duration: 7200,
      tags: { team: "messaging" },
    });
    expect(planned.policyName).toBe("ses-send");
  });
});
