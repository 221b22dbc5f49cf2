/**
 * A bad setting stops the user's commands with its message once, without a
 * stack trace, exit 1: `npm run synth` prints the message alone; the cdktf
 * CLI wraps it in its own report (which it also echoes live: cdktf's
 * behaviour, not the app's).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR, run, testEnv } from "../support/terraform";

const TAGS_MESSAGE = 'environment variable PINPOINT_SES_TAGS is "team=messaging"; expected a JSON object like {"team":"messaging"}';
const BAD_TAGS = { PINPOINT_SES_TAGS: "team=messaging", CI: "1" };
const STACK_TRACE = /^\s+at /m;

let out: string;
beforeAll(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), "setting-errors-"));
});
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe("npm run synth", () => {
  // One bad setting: the way through `npm run synth` is the same for every message. Each message itself, once and
  // alone, through cdktf.json's app command is __tests__/app/main.test.ts's (a bad value, a wrong deployments file)
  // and __tests__/app/deployments.test.ts's (a deployments file that cannot be read).
  it("stops on a bad setting with the message alone on standard error, exit 1", async () => {
    const result = await run("npm", ["run", "-s", "synth", "--", "--out-json", path.join(out, "json"), "--out-hcl", path.join(out, "hcl")],
      { cwd: PROJECT_DIR, env: testEnv(BAD_TAGS), allowFailure: true });
    expect(result).toEqual({ status: 1, stdout: "", stderr: `${TAGS_MESSAGE}\n` });
  });
});

/** What cdktf.json runs, as cdktf's report names it. */
const APP_COMMAND: string = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "cdktf.json"), "utf8")).app;

describe.each([
  ["cdktf synth", ["synth", "--output", "OUT"]],
  ["cdktf deploy", ["deploy", "--auto-approve", "--output", "OUT"]],
])("%s", (_name, args) => {
  it("stops on a bad setting with cdktf's report holding the message once, no stack trace, exit 1", async () => {
    const cdktf = path.join(PROJECT_DIR, "node_modules", ".bin", "cdktf");
    const result = await run(cdktf, args.map((arg) => (arg === "OUT" ? path.join(out, args[0]) : arg)),
      { cwd: PROJECT_DIR, env: testEnv(BAD_TAGS), allowFailure: true });
    expect({ status: result.status, stderr: result.stderr }).toEqual({
      status: 1,
      stderr: "ERROR: cdktf encountered an error while synthesizing\n\n" +
        `Synth command: ${APP_COMMAND}\n` +
        "Error:         non-zero exit code 1\n\n" +
        `Command output on stderr:\n\n    ${TAGS_MESSAGE}\n\n\n\n`,
    });
    expect(`${result.stdout}${result.stderr}`).not.toMatch(STACK_TRACE);
  });
});
