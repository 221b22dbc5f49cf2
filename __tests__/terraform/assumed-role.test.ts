/**
 * The app applied through a role that the provider assumes in another account
 * (`assumeRole`), with the real AWS provider against moto: the role lands in
 * the assumed role's account, and none in the account of the credentials.
 */
import { freshAccountId } from "../support/emulator";
import { initialisedWorkdir, Scenario } from "../support/lifecycle";
import { appStackJson } from "../support/synth";
import { TerraformWorkdir } from "../support/terraform";

let base: TerraformWorkdir;

beforeAll(async () => {
  base = await initialisedWorkdir("assumed-role");
});

afterAll(() => base?.remove());

describe("apply through a role assumed in another account", () => {
  const target = freshAccountId();
  const roleArn = `arn:aws:iam::${target}:role/terraform-deployer`;
  let scenario: Scenario;

  beforeAll(async () => {
    scenario = await Scenario.start(base, "assumed");
    scenario.use(appStackJson({ assumeRole: { roleArn, account: target } }));
    await scenario.apply();
  });

  afterAll(() => scenario?.stop());

  it("creates the role in the assumed role's account, and none in the account of the credentials", async () => {
    const roles = await (await scenario.iam.assumeRole(roleArn)).roles();
    expect(roles.map((role) => role.arn)).toEqual([expect.stringMatching(new RegExp(`^arn:aws:iam::${target}:role/pinpoint-ses-sending-`))]);
    expect(await scenario.iam.roles()).toEqual([]);
  });

  describe("then destroy, through the same role", () => {
    beforeAll(() => scenario.workdir.destroy(scenario.env));

    it("deletes the role from the assumed role's account", async () => {
      expect(await (await scenario.iam.assumeRole(roleArn)).roles()).toEqual([]);
    });
  });
});
