/**
 * `npm test` where Terraform cannot run the Terraform-backed tests, or has no
 * AWS emulator to run them against: jest stops in global setup, before any
 * test file, with one line naming the ways on.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { docExample } from "./doc-examples";
import { PROJECT_DIR, run } from "./terraform";

const JEST = path.join(PROJECT_DIR, "node_modules", ".bin", "jest");
const WAYS_ON = "name a provider mirror (TERRAFORM_PROVIDER_MIRROR=DIR npm test) " +
  "or run the unit tests alone (TERRAFORM_TESTS=off npm test).";

let scratch: string;
beforeEach(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "global-setup-"));
});
afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** jest on one unit test file, as `npm test` starts it, in an environment changed by `env`. */
async function jestWith(env: { [name: string]: string | undefined }) {
  const base: NodeJS.ProcessEnv = { ...process.env, TERRAFORM_TESTS: undefined, ...env };
  return run(process.execPath, [JEST, "__tests__/app/config.test.ts"], { cwd: PROJECT_DIR, env: base, allowFailure: true });
}

/** The global setup alone, in a process of its own (faster than a whole jest), in an environment changed by `env`. */
async function setupWith(env: { [name: string]: string | undefined }) {
  const base: NodeJS.ProcessEnv = { ...process.env, TERRAFORM_TESTS: undefined, ...env };
  return run(process.execPath, ["--require", "./tooling/register-ts.js", "-e", 'require("./__tests__/support/global-setup").default()'],
    { cwd: PROJECT_DIR, env: base, allowFailure: true });
}

describe("npm test on a machine where the AWS provider cannot be installed", () => {
  it("stops with one line naming both ways on when the mirror holds no provider", async () => {
    const mirror = fs.mkdtempSync(path.join(scratch, "empty-mirror-"));
    const result = await jestWith({ TERRAFORM_PROVIDER_MIRROR: mirror });
    expect(result).toEqual({
      status: 1,
      stdout: "",
      stderr: `\nterraform cannot install the hashicorp/aws provider from the mirror ${mirror}; ${WAYS_ON}\n`,
    });
  });

  it("stops with one line naming both ways on when there is no mirror and no network", async () => {
    // A proxy on a closed port: the registry is as unreachable as on a machine without network.
    const result = await setupWith({ TERRAFORM_PROVIDER_MIRROR: undefined, HTTPS_PROXY: "http://127.0.0.1:9", HTTP_PROXY: "http://127.0.0.1:9" });
    expect(result).toEqual({
      status: 1,
      stdout: "",
      stderr: `\nterraform cannot install the hashicorp/aws provider from the registry (no network?); ${WAYS_ON}\n`,
    });
    expect(docExample("README.md", "offline-tests")).toBe(result.stderr.slice(1));
  });

  it("stops with one line when the named mirror does not exist", async () => {
    const missing = path.join(scratch, "no-such-mirror");
    const result = await setupWith({ TERRAFORM_PROVIDER_MIRROR: missing });
    expect(result).toEqual({
      status: 1,
      stdout: "",
      stderr: `\nTERRAFORM_PROVIDER_MIRROR "${missing}" does not exist; point it at a Terraform provider mirror or unset it; ` +
        "or run the unit tests alone (TERRAFORM_TESTS=off npm test).\n",
    });
  });

  it("stops with one line when terraform is not on PATH", async () => {
    const result = await setupWith({ PATH: path.dirname(process.execPath) });
    expect(result).toEqual({
      status: 1,
      stdout: "",
      stderr: "\nterraform was not found on PATH. The Terraform-backed tests need Terraform >= 1.5 " +
        "(https://developer.hashicorp.com/terraform/install); to run only the unit tests, set TERRAFORM_TESTS=off.\n",
    });
  });
});

describe("npm test on a machine without the AWS emulator", () => {
  const withMirror = { TERRAFORM_PROVIDER_MIRROR: process.env.TERRAFORM_PROVIDER_MIRROR, PINPOINT_SES_TEST_ENDPOINT: undefined };

  it("stops with one line naming moto, how to install it and the other ways on, when moto_server is not on PATH", async () => {
    const path_ = (process.env.PATH ?? "").split(path.delimiter).filter((dir) => !fs.existsSync(path.join(dir, "moto_server")));
    const result = await setupWith({ ...withMirror, PATH: path_.join(path.delimiter) });
    expect(result).toEqual({
      status: 1,
      stdout: "",
      stderr: "\nmoto_server was not found on PATH. The Terraform-backed tests run against moto, an AWS emulator " +
        "(pip install 'moto[server]==5.2.1'), or one you started (PINPOINT_SES_TEST_ENDPOINT=http://127.0.0.1:PORT); " +
        "to run only the unit tests, set TERRAFORM_TESTS=off.\n",
    });
  });

  it("stops with one line when PINPOINT_SES_TEST_ENDPOINT names an endpoint that does not answer", async () => {
    const result = await setupWith({ ...withMirror, PINPOINT_SES_TEST_ENDPOINT: "http://127.0.0.1:9" });
    expect(result).toEqual({
      status: 1,
      stdout: "",
      stderr: "\nPINPOINT_SES_TEST_ENDPOINT=http://127.0.0.1:9 does not answer as moto_server does (GET /moto-api/); " +
        "start one with moto_server -p PORT, or unset it\n",
    });
  });
});
