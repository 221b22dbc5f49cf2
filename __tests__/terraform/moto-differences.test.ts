/**
 * The known differences between moto and IAM (moto-differences.ts), each reproduced in a few calls on moto and on the
 * local endpoint, which answers as IAM does. If moto stops differing, the reproduction fails: then remove the
 * difference, and the special case that the scenarios make for it.
 */
import { LocalAwsEndpoint } from "../support/aws-endpoint";
import { EmulatedAccount } from "../support/emulator";
import { IamClient } from "../support/iam-client";
import { UPDATE_ROLE_RESETS_OMITTED_FIELDS } from "../support/moto-differences";

const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "pinpoint.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/** The reproduction: a role with a description and a 2-hour session, then UpdateRole with one field at a time. */
async function updateRoleOneFieldAtATime(iam: IamClient) {
  const read = async () => {
    const role = await iam.role("sender");
    return { description: role?.description, maxSessionDuration: role?.maxSessionDuration };
  };
  await iam.call("CreateRole", { RoleName: "sender", AssumeRolePolicyDocument: TRUST, Description: "first", MaxSessionDuration: "7200" });
  await iam.call("UpdateRole", { RoleName: "sender", MaxSessionDuration: "10800" });
  const afterSessionOnly = await read();
  await iam.call("UpdateRole", { RoleName: "sender", Description: "second" });
  return { afterSessionOnly, afterDescriptionOnly: await read() };
}

describe(`${UPDATE_ROLE_RESETS_OMITTED_FIELDS.id}: ${UPDATE_ROLE_RESETS_OMITTED_FIELDS.summary}`, () => {
  it("the local endpoint, as IAM does, leaves the field an UpdateRole call omits as it is", async () => {
    const local = await LocalAwsEndpoint.start();
    try {
      expect(await updateRoleOneFieldAtATime(new IamClient(local.url))).toEqual({
        afterSessionOnly: { description: "first", maxSessionDuration: 10800 },
        afterDescriptionOnly: { description: "second", maxSessionDuration: 10800 },
      });
    } finally {
      await local.stop();
    }
  });

  it("moto still clears the description, and resets the session to 3600", async () => {
    const { iam } = await EmulatedAccount.open();
    expect(await updateRoleOneFieldAtATime(iam)).toEqual({
      afterSessionOnly: { description: undefined, maxSessionDuration: 10800 },
      afterDescriptionOnly: { description: "second", maxSessionDuration: 3600 },
    });
  });
});
