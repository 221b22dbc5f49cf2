/**
 * Runs once before any test file:
 * - gives the run one temporary root (TMPDIR, which os.tmpdir() and every
 *   child process honour) and removes it when jest exits, pass or fail, so
 *   no test's folder (cdktf's Testing outdirs included) outlives the run;
 * - when the Terraform-backed tests are on, stops the run within seconds,
 *   with one line that says how to go on, if terraform is missing or cannot
 *   install the hashicorp/aws provider (no network and no mirror), or if there
 *   is no AWS emulator to run them against;
 * - starts moto_server for the run (unless PINPOINT_SES_TEST_ENDPOINT names
 *   one already running), stops it when jest exits, and then says which AWS
 *   calls it answered.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describeRecording, MOTO_INSTALL_HINT, motoServerOnPath, startMotoServer } from "../../tooling/moto-server";
import { providerInstallProblem } from "../../tooling/provider-probe";
import { MIRROR_ENV, terraformEnv } from "../../tooling/terraform-cli-config";
import { EMULATOR_ENV } from "./emulator";

const MINIMUM = [1, 5];
const PROJECT_DIR = path.resolve(__dirname, "..", "..");

export const WAYS_ON = `name a provider mirror (${MIRROR_ENV}=DIR npm test) or run the unit tests alone (TERRAFORM_TESTS=off npm test)`;

/** Prints one line and ends the run: a thrown error would add jest's stack trace around it. */
function stop(message: string): never {
  process.stderr.write(`\n${message}\n`);
  process.exit(1);
}

/** One temporary root for the whole run, removed when the jest process exits. */
function temporaryRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pinpoint-ses-tests-"));
  process.env.TMPDIR = root;
  process.once("exit", () => fs.rmSync(root, { recursive: true, force: true }));
  return root;
}

function checkTerraformVersion(env: NodeJS.ProcessEnv): void {
  const probe = spawnSync("terraform", ["version", "-json"], { encoding: "utf8", env });
  if (probe.error || probe.status !== 0) {
    stop("terraform was not found on PATH. The Terraform-backed tests need Terraform >= 1.5 " +
      "(https://developer.hashicorp.com/terraform/install); to run only the unit tests, set TERRAFORM_TESTS=off.");
  }
  const version: string = JSON.parse(probe.stdout).terraform_version;
  const [major, minor] = version.split(".").map(Number);
  if (major < MINIMUM[0] || (major === MINIMUM[0] && minor < MINIMUM[1])) {
    stop(`terraform ${version} is too old; the tests need Terraform >= ${MINIMUM.join(".")}`);
  }
}

/** The emulator for the run: the one named, checked, or a moto_server started here and stopped when jest exits. */
async function emulator(root: string): Promise<void> {
  const named = process.env[EMULATOR_ENV];
  if (named) {
    const answer = await fetch(`${named}/moto-api/`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
    if (!answer?.ok) stop(`${EMULATOR_ENV}=${named} does not answer as moto_server does (GET /moto-api/); start one with moto_server -p PORT, or unset it`);
    return;
  }
  if (!motoServerOnPath()) {
    stop(`moto_server was not found on PATH. The Terraform-backed tests run against moto, an AWS emulator (${MOTO_INSTALL_HINT}), ` +
      `or one you started (${EMULATOR_ENV}=http://127.0.0.1:PORT); to run only the unit tests, set TERRAFORM_TESTS=off.`);
  }
  let moto;
  try {
    moto = await startMotoServer({ recording: path.join(root, "moto-requests.jsonl"), log: path.join(root, "moto.log") });
  } catch (error) {
    stop(`${(error as Error).message}; to run only the unit tests, set TERRAFORM_TESTS=off.`);
  }
  process.env[EMULATOR_ENV] = moto.url;
  // Ahead of the temporary root's handler, so the recording still exists when it is read.
  process.prependOnceListener("exit", () => {
    moto.stop();
    process.stderr.write(`\n${describeRecording(moto.recording)}\n`);
  });
}

export default async function globalSetup(): Promise<void> {
  const root = temporaryRoot();
  if (process.env.TERRAFORM_TESTS === "off") {
    process.stdout.write("\nTERRAFORM_TESTS=off: the Terraform-backed tests in __tests__/terraform are not run.\n");
    return;
  }
  let env: NodeJS.ProcessEnv;
  try {
    env = terraformEnv(PROJECT_DIR);
  } catch (error) {
    stop(`${(error as Error).message}; or run the unit tests alone (TERRAFORM_TESTS=off npm test).`);
  }
  checkTerraformVersion(env);
  const problem = providerInstallProblem(env);
  if (problem) stop(`${problem}; ${WAYS_ON}.`);
  await emulator(root);
}
