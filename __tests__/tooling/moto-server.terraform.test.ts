/**
 * moto_server as the tests and `npm run try-local` start it: on a free port of 127.0.0.1, recording the AWS calls it
 * answers, and gone when stopped or when the process that started it dies (nothing left listening).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawn } from "child_process";
import { IamClient } from "../support/iam-client";
import { PROJECT_DIR } from "../support/terraform";
import { describeRecording, MotoServer, recordedActions, startMotoServer } from "../../tooling/moto-server";

let scratch: string;
beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "moto-server-"));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const answers = (url: string) => fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);

/** Waits (at most 15 s) until nothing answers at `url`. */
async function goneFrom(url: string): Promise<boolean> {
  for (let waited = 0; waited < 15_000; waited += 250) {
    if (!(await answers(url))) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

describe("startMotoServer", () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMotoServer({ recording: path.join(scratch, "requests.jsonl"), log: path.join(scratch, "moto.log") });
    const iam = new IamClient(moto.url, "recorded", "us-east-1", "333344445555");
    await iam.call("CreateUser", { UserName: "someone" });
    await iam.call("GetCallerIdentity", {}, "sts");
    await iam.call("GetCallerIdentity", {}, "sts");
  });
  afterAll(() => moto?.stop());

  it("listens on 127.0.0.1 and answers as moto", async () => {
    expect(moto.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await answers(moto.url)).toBe(true);
  });

  it("records each AWS call it answered, by service and action, leaving out its own API", () => {
    expect(Object.fromEntries(recordedActions(moto.recording))).toEqual({ "iam:CreateUser": 1, "sts:GetCallerIdentity": 2 });
    expect(describeRecording(moto.recording)).toBe("moto_server answered 3 requests: sts:GetCallerIdentity 2, iam:CreateUser 1");
  });

  it("stops when asked", async () => {
    moto.stop();
    expect(await goneFrom(moto.url)).toBe(true);
  });
});

describe("a moto_server whose starter dies", () => {
  it("ends with it: nothing answers on its port afterwards", async () => {
    const starter = spawn(process.execPath, ["--require", "./tooling/register-ts.js", "-e", `
      require("./tooling/moto-server").startMotoServer(${JSON.stringify({ recording: path.join(scratch, "orphan.jsonl"), log: path.join(scratch, "orphan.log") })})
        .then((moto) => { console.log(moto.url); setInterval(() => {}, 1000); });`], { cwd: PROJECT_DIR, stdio: ["ignore", "pipe", "inherit"] });
    const url = await new Promise<string>((resolve, reject) => {
      starter.stdout.once("data", (chunk) => resolve(String(chunk).trim()));
      starter.once("exit", (code) => reject(new Error(`the starter exited (${code}) before moto answered`)));
    });
    expect(await answers(url)).toBe(true);
    starter.kill("SIGKILL");
    expect(await goneFrom(url)).toBe(true);
  });
});
