/**
 * The run task server against a fake Terraform Cloud, on plan JSON written by
 * the real Terraform and AWS provider against moto: one clean
 * plan (the app's default stack) and one the review flags (a role anyone may
 * assume), made once for the file.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EmulatedAccount } from "../support/emulator";
import { FakeTerraformCloud } from "../support/fake-terraform-cloud";
import { initialisedWorkdir } from "../support/lifecycle";
import { appStackJson } from "../support/synth";
import { RunTaskProcess } from "../support/run-task-process";
import { TerraformWorkdir, testEnv } from "../support/terraform";
import { jsonLogger } from "../../run-task/log";
import { RunTaskServer, ServerOptions } from "../../run-task/server";

const ACCOUNT = "123456789012";
const KEY = "run-task-test-hmac-key";
const CLEAN = "plan-clean";
const FLAGGED = "plan-flagged";

let aws: EmulatedAccount;
let workdir: TerraformWorkdir;
let fake: FakeTerraformCloud;
/** Every log line any server of this file wrote. */
const logLines: string[] = [];
const servers: RunTaskServer[] = [];

/** The app's default stack plus a role whose trust policy lets anyone (`*`) assume it. */
function flaggedStack(): object {
  const stack = appStackJson();
  stack.resource.aws_iam_role = {
    ...stack.resource.aws_iam_role,
    anyone: {
      name: "assumable-by-anyone",
      assume_role_policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }],
      }),
    },
  };
  return stack;
}

beforeAll(async () => {
  aws = await EmulatedAccount.open(ACCOUNT);
  workdir = await initialisedWorkdir("run-task");
  const env = testEnv(aws.env);
  const clean = await workdir.plan(env);
  const flagged = workdir.fork("run-task-flagged");
  try {
    flagged.write("cdk.tf.json", flaggedStack());
    fake = await FakeTerraformCloud.start();
    fake.addPlan(CLEAN, clean);
    fake.addPlan(FLAGGED, await flagged.plan(env));
  } finally {
    flagged.remove();
  }
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await fake?.stop();
  workdir?.remove();
});

/** A server pointed at the fake, signed with KEY; its logs go to `logLines`. */
async function startServer(options: Partial<ServerOptions> = {}): Promise<RunTaskServer> {
  const server = await RunTaskServer.start({
    host: "127.0.0.1",
    port: 0,
    hmacKey: KEY,
    tfcUrl: fake.apiUrl,
    redirectOrigins: [fake.archivistUrl],
    failOn: "error",
    simulate: true,
    workers: 2,
    backoffMs: 20,
    log: jsonLogger((line) => logLines.push(line)),
    ...options,
  });
  servers.push(server);
  return server;
}

let server: RunTaskServer;
beforeAll(async () => {
  server = await startServer();
});

/** Sends a signed request for `planId` and waits for its one result. */
async function runToResult(planId: string, overrides: { [field: string]: unknown } = {}) {
  const payload = fake.payload(planId, overrides);
  const before = fake.results.length;
  expect((await fake.send(server.url, payload, { key: KEY })).status).toBe(200);
  await fake.waitForResults(before + 1);
  const results = fake.resultsFor(payload);
  expect(results).toHaveLength(1);
  return { ...results[0], runId: payload.run_id };
}

/** The first logged event that `matches`, once written (the server logs just after the fake records a callback). */
async function logEvent(matches: (event: any) => boolean, seconds = 2): Promise<any> {
  for (let tries = 0; tries < seconds * 50; tries++) {
    const found = logLines.map((line) => JSON.parse(line)).find(matches);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no such log event in ${seconds} s`);
}

describe("results", () => {
  it("passes the clean plan, with the whole review as its one outcome", async () => {
    const result = await runToResult(CLEAN);
    expect(result.contentType).toBe("application/vnd.api+json");
    expect(result.body.data.type).toBe("task-results");
    expect(result.body.data.attributes.status).toBe("passed");
    expect(result.body.data.attributes.message).toBe("IAM review: 1 IAM role, no findings");
    const outcomes = result.body.data.relationships.outcomes.data;
    expect(outcomes.map((outcome: any) => outcome.attributes["outcome-id"])).toEqual(["iam-review"]);
    expect(outcomes[0].attributes.body).toContain("# IAM review of a Terraform plan");
  });

  it("fails the flagged plan, with the finding as an outcome tagged by severity", async () => {
    const result = await runToResult(FLAGGED);
    expect(result.body.data.attributes.status).toBe("failed");
    const outcome = result.body.data.relationships.outcomes.data
      .find((item: any) => item.attributes["outcome-id"] === "wildcard-principal:aws_iam_role.anyone");
    expect(outcome.type).toBe("task-result-outcomes");
    expect(outcome.attributes.tags.Severity).toEqual([{ label: "Error", level: "error" }]);
    expect(outcome.attributes.tags.Status).toEqual([{ label: "Failed", level: "error" }]);
    expect(outcome.attributes.description).toContain("aws_iam_role.anyone");
    expect(outcome.attributes.body).toContain("trust policy statement 1");
  });

  it("sends the run's token to Terraform Cloud only, never to the redirect's origin", async () => {
    const since = fake.requests.length;
    const payload = fake.payload(CLEAN);
    await fake.send(server.url, payload, { key: KEY });
    await fake.waitForResultsOf(payload);
    const requests = fake.requests.slice(since).map((request) => ({ origin: request.origin, method: request.method,
      authorization: request.authorization }));
    const bearer = `Bearer ${payload.access_token}`;
    expect(requests).toEqual([
      { origin: "api", method: "GET", authorization: bearer },
      { origin: "archivist", method: "GET", authorization: undefined },
      { origin: "api", method: "PATCH", authorization: bearer },
    ]);
  });

  it("sends no outcomes when Terraform Cloud does not accept them", async () => {
    const result = await runToResult(FLAGGED, { capabilities: { outcomes: false } });
    expect(result.body.data.attributes.status).toBe("failed");
    expect(result.body.data.relationships).toBeUndefined();
  });

  it("fails the task with the reason when the plan cannot be read", async () => {
    fake.addPlan("plan-not-json", "this is not JSON");
    const result = await runToResult("plan-not-json");
    expect(result.body.data.attributes).toEqual({
      status: "failed",
      message: expect.stringMatching(/^IAM review not done: the plan of run-\w+ is not JSON/),
    });
  });
});

describe("refused requests cause no outbound request", () => {
  it.each([
    { case: "a missing signature", signature: null, status: 401 },
    { case: "a wrong signature", signature: "0".repeat(128), status: 401 },
    { case: "a signature made with another key", key: "another-key", status: 401 },
  ])("answers $status to $case", async ({ signature, key, status }) => {
    const since = fake.requests.length;
    const response = await fake.send(server.url, fake.payload(CLEAN), { signature, key: key ?? KEY });
    expect(response.status).toBe(status);
    expect(fake.requests.slice(since)).toEqual([]);
  });

  it.each([
    { field: "task_result_callback_url", where: "another port", url: () => `${fake.archivistUrl}/api/v2/task-results/x/callback` },
    { field: "plan_json_api_url", where: "another port", url: () => `${fake.archivistUrl}/api/v2/plans/${CLEAN}/json-output` },
    { field: "plan_json_api_url", where: "the instance metadata address", url: () => "http://169.254.169.254/latest/meta-data/" },
  ])("refuses a $field on $where", async ({ field, url }) => {
    const since = fake.requests.length;
    const response = await fake.send(server.url, fake.payload(CLEAN, { [field]: url() }), { key: KEY });
    expect(response.status).toBe(422);
    expect(response.text).toContain(`${field} ${url()} is not on the Terraform Cloud origin ${fake.apiUrl}`);
    expect(fake.requests.slice(since)).toEqual([]);
  });

  it("refuses a plan redirect to an origin not allowed, without following it", async () => {
    const strict = await startServer({ redirectOrigins: [] });
    const since = fake.requests.length;
    const payload = fake.payload(CLEAN);
    expect((await fake.send(strict.url, payload, { key: KEY })).status).toBe(200);
    await fake.waitForResultsOf(payload);
    expect(fake.resultsFor(payload)[0].body.data.attributes.message)
      .toContain(`plan redirect to ${fake.archivistUrl} is not allowed`);
    expect(fake.requests.slice(since).map((request) => request.origin)).toEqual(["api", "api"]);
  });

  it("answers 413 to a body over the limit, and accepts one at the limit", async () => {
    const small = await startServer({ maxBodyBytes: 4096 });
    const since = fake.requests.length;
    const padded = (size: number) => {
      const text = JSON.stringify(fake.payload(CLEAN, { run_message: "" }));
      return text.replace('"run_message":""', `"run_message":"${"x".repeat(size - text.length)}"`);
    };
    expect((await fake.send(small.url, padded(4097), { key: KEY })).status).toBe(413);
    expect(fake.requests.slice(since)).toEqual([]);
    const before = fake.results.length;
    expect((await fake.send(small.url, padded(4096), { key: KEY })).status).toBe(200);
    await fake.waitForResults(before + 1);
  });

  it("answers the verification request sent when the task is created, and fetches nothing", async () => {
    const since = fake.requests.length;
    expect(await fake.send(server.url, fake.verificationPayload(), { key: KEY })).toEqual({ status: 200, text: "ok\n" });
    expect(fake.requests.slice(since)).toEqual([]);
  });
});

describe("reliability", () => {
  it("delivers a result once when the callback answers 503 twice, then 200", async () => {
    const since = fake.requests.length;
    fake.failCallbacks(2);
    const result = await runToResult(CLEAN);
    expect(result.body.data.attributes.status).toBe("passed");
    expect(fake.requests.slice(since).filter((request) => request.method === "PATCH")).toHaveLength(3);
    const sent = await logEvent((event) => event.event === "result.sent" && event.run_id === result.runId);
    expect(sent).toEqual(expect.objectContaining({ attempts: 3, status: "passed" }));
  });

  it("gives up on a callback after its last attempt, and logs the result as undelivered", async () => {
    const brief = await startServer({ callbackAttempts: 3 });
    const since = fake.requests.length;
    fake.failCallbacks(3);
    const payload = fake.payload(CLEAN);
    expect((await fake.send(brief.url, payload, { key: KEY })).status).toBe(200);
    const undelivered = await logEvent((event) => event.event === "result.undelivered" && event.run_id === payload.run_id);
    expect(undelivered.reason).toBe("callback: HTTP 503 after 3 attempts");
    expect(fake.requests.slice(since).filter((request) => request.method === "PATCH")).toHaveLength(3);
    expect(fake.resultsFor(payload)).toEqual([]);
  });

  it("fails the task when the plan download does not answer in time", async () => {
    const release = fake.holdPlanDownloads();
    try {
      const impatient = await startServer({ timeoutMs: 300 });
      const payload = fake.payload(CLEAN);
      const before = fake.results.length;
      expect((await fake.send(impatient.url, payload, { key: KEY })).status).toBe(200);
      await fake.waitForResults(before + 1);
      expect(fake.resultsFor(payload)[0].body.data.attributes)
        .toEqual({ status: "failed", message: "IAM review not done: plan download: no answer in 300 ms" });
    } finally {
      release();
    }
  });

  it("gives each of 50 runs sent at once exactly one result, on two review threads", async () => {
    // Rules only: this is about scheduling, and the simulation would only make it slower.
    const busy = await startServer({ workers: 2, simulate: false });
    const payloads = Array.from({ length: 50 }, (_, index) => fake.payload(index % 2 ? CLEAN : FLAGGED));
    const before = fake.results.length;
    const statuses = await Promise.all(payloads.map((payload) => fake.send(busy.url, payload, { key: KEY })));
    expect(statuses.map((response) => response.status)).toEqual(payloads.map(() => 200));
    await fake.waitForResults(before + 50, 5 * 60_000);
    expect(payloads.map((payload) => fake.resultsFor(payload).map((result) => result.body.data.attributes.status)))
      .toEqual(payloads.map((_, index) => [index % 2 ? "passed" : "failed"]));
  });

  it("fails the running and the queued task with a result on shutdown, and sends nothing more", async () => {
    const release = fake.holdPlanDownloads();
    try {
      const stopping = await startServer({ downloads: 1, shutdownGraceMs: 200 });
      const [running, queued] = [fake.payload(CLEAN), fake.payload(CLEAN)];
      for (const payload of [running, queued]) expect((await fake.send(stopping.url, payload, { key: KEY })).status).toBe(200);
      await stopping.stop();
      for (const payload of [running, queued]) {
        expect(fake.resultsFor(payload).map((result) => result.body.data.attributes)).toEqual([{
          status: "failed",
          message: "IAM review not done: the run task server stopped before the review finished; re-run the plan to review it",
        }]);
      }
      release();
      // The held review now finishes; its result must not be sent a second time.
      await logEvent((event) => event.event === "result.superseded" && event.run_id === running.run_id, 30);
      expect(fake.resultsFor(running)).toHaveLength(1);
      await expect(fetch(`${stopping.url}/healthz`)).rejects.toThrow();
    } finally {
      release();
    }
  });

  it("answers /healthz", async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect({ status: response.status, body: await response.json() })
      .toEqual({ status: 200, body: { status: "ok", active: 0, queued: 0, sockets: expect.any(Number) } });
  });
});

describe("logs", () => {
  it("writes one JSON object per event, with run ids and timings", () => {
    const events = logLines.map((line) => JSON.parse(line));
    expect(events.map((event) => event.event)).toEqual(expect.arrayContaining(
      ["server.started", "request.accepted", "plan.fetched", "plan.reviewed", "result.sent", "request.refused"]));
    for (const event of events.filter((item) => item.event === "result.sent")) {
      expect(event).toEqual(expect.objectContaining({ run_id: expect.stringMatching(/^run-/), ms: expect.any(Number) }));
    }
  });

  it("never writes a run's token to the log", () => {
    const text = logLines.join("");
    expect(fake.tokens.length).toBeGreaterThan(50);
    expect(fake.tokens.filter((token) => text.includes(token))).toEqual([]);
  });
});

describe("the command", () => {
  it("runs as docs/run-task.md says to run it unattended: rules only with --no-simulation, never loading the simulator " +
    "in any thread, and stops on SIGTERM", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pinpoint-ses-run-task-cli-"));
    const loadedFile = path.join(dir, "loaded.json");
    const server = await RunTaskProcess.start(["--tfc-url", fake.apiUrl, "--allow-redirect-origin", fake.archivistUrl, "--no-simulation"], {
      env: { RUN_TASK_HMAC_KEY: KEY, LOADED_MODULES_FILE: loadedFile },
      nodeOptions: ["--require", path.join(__dirname, "..", "support", "report-loaded-modules.js")],
    });
    try {
      const started = server.events[0];
      expect(started).toEqual(expect.objectContaining({ event: "server.started", simulate: false, signed: true, tfc_origin: fake.apiUrl }));
      const payload = fake.payload(FLAGGED);
      expect((await fake.send(server.url, payload, { key: KEY })).status).toBe(200);
      expect((await fake.waitForResultsOf(payload))[0].body.data.attributes.status).toBe("failed");
      expect(await server.stop()).toBe(0);
      expect(server.events.slice(-2).map((event) => event.event)).toEqual(["server.stopping", "server.stopped"]);
      const lists = fs.readdirSync(dir).map((file) => JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as string[]);
      // The main thread's list, the HTTP thread's, and one per review thread (one per core).
      expect(lists).toHaveLength(2 + started.workers);
      const [main, http, ...reviews] = [lists.find((loaded) => loaded.some((file) => file.includes("run-task/cli.ts"))),
        lists.find((loaded) => loaded.some((file) => file.includes("run-task/http-thread.ts"))),
        ...lists.filter((loaded) => loaded.some((file) => file.includes("run-task/review-thread.ts")))];
      expect(main).toBeDefined();
      // The HTTP thread loads no review: its event loop only answers.
      expect(http?.filter((file) => file.includes("/review/") && !file.endsWith("review/policy.ts"))).toEqual([]);
      expect(reviews).toHaveLength(started.workers);
      expect(reviews.every((loaded) => loaded.some((file) => file.includes("review/review.ts")))).toBe(true);
      expect(lists.flat().filter((file) => file.includes("@cloud-copilot/iam-simulate"))).toEqual([]);
    } finally {
      server.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
