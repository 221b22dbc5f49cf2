/**
 * The AWS emulator the Terraform-backed tests run against: moto (`moto_server`), started once for the run by global
 * setup, or one a developer started (`PINPOINT_SES_TEST_ENDPOINT=http://127.0.0.1:PORT`). Each test takes accounts of
 * its own there, as moto's multi-account support allows: set-up calls name the account in moto's `x-moto-account-id`
 * header; Terraform gets an access key created inside that account, which moto maps back to it, so the provider runs
 * exactly as it would with a user's credentials.
 */
import { randomInt, randomUUID } from "crypto";
import { IamClient } from "./iam-client";

/** The variable that names the emulator's URL; global setup sets it when it starts moto. */
export const EMULATOR_ENV = "PINPOINT_SES_TEST_ENDPOINT";

/** The emulator's URL, checked. */
export function emulatorUrl(): string {
  const value = process.env[EMULATOR_ENV];
  if (!value) {
    throw new Error(`${EMULATOR_ENV} is not set: global setup starts moto_server and sets it (is TERRAFORM_TESTS=off?)`);
  }
  if (!/^http:\/\/(127\.0\.0\.1|localhost):\d{1,5}$/.test(value)) {
    throw new Error(`${EMULATOR_ENV} "${value}" is not http://127.0.0.1:PORT (a moto_server on this machine)`);
  }
  return value;
}

/** Environment that sends the AWS provider to `url` for STS, IAM and Pinpoint, with these credentials. */
export function endpointEnv(url: string, accessKeyId: string, secretAccessKey = "local-test"): { [name: string]: string } {
  return {
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_ENDPOINT_URL_STS: url,
    AWS_ENDPOINT_URL_IAM: url,
    AWS_ENDPOINT_URL_PINPOINT: url,
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

/** A 12-digit account id no other test of the run is likely to take (1 in 9·10¹¹ per pair). */
export function freshAccountId(): string {
  return String(randomInt(100_000, 1_000_000)) + String(randomInt(0, 1_000_000)).padStart(6, "0");
}

const first = (body: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1] ?? "";

/** An account on the emulator, with a user whose access key Terraform and the test's IAM reads use. */
export class EmulatedAccount {
  /**
   * Opens `account` (a fresh one by default) on the emulator: creates a user with an access key in it, and checks that
   * the emulator answers that key with the account. Accounts may be opened more than once (each open makes its own
   * user): a plan-only test may name a fixed account; a test that creates resources should take a fresh one.
   */
  static async open(account = freshAccountId(), region = "us-east-1"): Promise<EmulatedAccount> {
    const url = emulatorUrl();
    const setup = new IamClient(url, "set-up", "us-east-1", account);
    const userName = `terraform-${randomUUID().slice(0, 8)}`;
    await setup.call("CreateUser", { UserName: userName });
    const key = await setup.call("CreateAccessKey", { UserName: userName });
    const accessKeyId = first(key, "AccessKeyId");
    const secretAccessKey = first(key, "SecretAccessKey");
    const iam = new IamClient(url, accessKeyId, region);
    const answered = await iam.callerAccount();
    if (answered !== account) {
      throw new Error(`the emulator at ${url} answers account ${answered} for a key made in ${account}; ` +
        "it must map access keys to their accounts as moto 5 does");
    }
    return new EmulatedAccount(account, url, iam, endpointEnv(url, accessKeyId, secretAccessKey));
  }

  private constructor(
    readonly account: string,
    readonly url: string,
    /** IAM reads and out-of-band changes, as this account's user, signed for the account's Region. */
    readonly iam: IamClient,
    /** The variables that point the AWS provider at the emulator, as this account's user. */
    readonly env: { [name: string]: string },
  ) {}
}
