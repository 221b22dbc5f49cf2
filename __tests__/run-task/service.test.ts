/**
 * The run task as a service that stays up, against a fake Terraform Cloud on hand-built plans: every request it makes
 * ends within its limit with garbage collection forced, slow clients are dropped at their deadlines, URLs carrying
 * credentials are refused and never shown, requests are answered on a thread of their own, reviews run on threads
 * within their time and memory budgets, a long run sends progress, and /metrics is Prometheus's text format.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { jsonLogger } from "../../run-task/log";
import { sign } from "../../run-task/request";
import { RunTaskServer, ServerOptions } from "../../run-task/server";
import { FakeTerraformCloud, Stall } from "../support/fake-terraform-cloud";
import { handBuiltPlan, role } from "../support/hand-built-plans";
import { RunTaskProcess } from "../support/run-task-process";

type MetricFamily = { name: string; help: string; type: string; metrics: Array<{ value?: string; labels?: { [name: string]: string };
  buckets?: { [bound: string]: string }; count?: string; sum?: string }> };
// No types are published for it.
const parsePrometheusTextFormat: (text: string) => MetricFamily[] = require("parse-prometheus-text-format");

const KEY = "service-test-hmac-key";
const ACCOUNT = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "sts:AssumeRole" }] };
const ANYONE = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }] };
/** A plan with one role, reviewed in milliseconds. */
const SMALL = "plan-small";
/** A plan of 30,000 roles (11 MB of JSON): seconds and a hundred MB or more to review (a one-role plan: milliseconds). */
const LARGE = "plan-large";
const STALLS: readonly Stall[] = ["plan-headers", "plan-body", "callback"];

let fake: FakeTerraformCloud;
beforeAll(async () => {
  fake = await FakeTerraformCloud.start();
  const small = handBuiltPlan([role("aws_iam_role.r", { name: "r", trust: ACCOUNT })]);
  fake.addPlan(SMALL, small);
  for (const where of STALLS) fake.addPlan(`plan-stall-${where}`, small);
  fake.addPlan("plan-flagged", handBuiltPlan([role("aws_iam_role.open", { name: "open", trust: ANYONE })]));
  fake.addPlan(LARGE, handBuiltPlan(Array.from({ length: 30_000 }, (_, i) => role(`aws_iam_role.r${i}`, { name: `r${i}`, trust: ACCOUNT }))));
});
afterAll(() => fake.stop());

/** Every log line of the servers started in-process here. */
const logLines: string[] = [];
const servers: RunTaskServer[] = [];
afterAll(() => Promise.all(servers.map((server) => server.stop())));

function startServer(options: Partial<ServerOptions> = {}): Promise<RunTaskServer> {
  return RunTaskServer.start({
    host: "127.0.0.1", port: 0, hmacKey: KEY, tfcUrl: fake.apiUrl, redirectOrigins: [fake.archivistUrl], failOn: "error",
    simulate: false, workers: 1, backoffMs: 20, log: jsonLogger((line) => logLines.push(line)), ...options,
  }).then((server) => {
    servers.push(server);
    return server;
  });
}

/** Sends a signed request for `planId`, expects 200, and resolves with its final result (status passed or failed). */
async function finalResult(serverUrl: string, planId: string, overrides: { [field: string]: unknown } = {}) {
  const payload = fake.payload(planId, overrides);
  expect((await fake.send(serverUrl, payload, { key: KEY })).status).toBe(200);
  const final = () => fake.resultsFor(payload).filter((result) => result.body.data.attributes.status !== "running");
  while (final().length === 0) await fake.waitForResults(fake.results.length + 1);
  return { ...final()[0], payload };
}

describe("outbound requests, with garbage collection forced every 50 ms in the server", () => {
  const TIMEOUT_MS = 2000;
  let server: RunTaskProcess;
  beforeAll(async () => {
    server = await RunTaskProcess.start(["--tfc-url", fake.apiUrl, "--allow-redirect-origin", fake.archivistUrl, "--timeout", "2",
      "--no-simulation", "--workers", "1"], {
      env: { RUN_TASK_HMAC_KEY: KEY },
      nodeOptions: ["--expose-gc", "--trace-gc", "--require", path.join(__dirname, "..", "support", "force-gc.js")],
    });
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
  });

  /** Full collections the server's threads have run so far (`--trace-gc` writes one line each). */
  const collections = () => server.stdout.split("\n").filter((line) => line.includes("Mark-Compact")).length;

  it.each([
    { where: "plan-headers" as const, origin: "api", stalls: "before the answer's headers" },
    { where: "plan-body" as const, origin: "archivist", stalls: "in the middle of the plan's body" },
  ])("fails the run within the timeout plus 2 s when the plan download stalls $stalls", async ({ where, origin }) => {
    fake.stall(where, `plan-stall-${where}`);
    const since = fake.requests.length;
    const gcBefore = collections();
    const result = await finalResult(server.url, `plan-stall-${where}`);
    expect(result.body.data.attributes).toEqual({ status: "failed", message: `IAM review not done: plan download: no answer in ${TIMEOUT_MS} ms` });
    const stalled = fake.requests.slice(since).filter((request) => request.origin === origin && request.method === "GET");
    expect(stalled).toHaveLength(1);
    expect(result.at - stalled[0].at).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);
    expect(result.at - stalled[0].at).toBeLessThanOrEqual(TIMEOUT_MS + 2000);
    expect(collections() - gcBefore).toBeGreaterThan(10);
  });

  it("cuts a stalled callback within the timeout plus 2 s, and delivers the result on the next attempt", async () => {
    fake.stall("callback", "plan-stall-callback");
    const since = fake.requests.length;
    const gcBefore = collections();
    const result = await finalResult(server.url, "plan-stall-callback");
    expect(result.body.data.attributes.status).toBe("passed");
    const patches = fake.requests.slice(since).filter((request) => request.method === "PATCH");
    expect(patches).toHaveLength(2);
    const retrying = await server.waitFor((event) => event.event === "result.retrying" && event.run_id === result.payload.run_id);
    expect(retrying).toEqual(expect.objectContaining({ attempt: 1, reason: `callback: no answer in ${TIMEOUT_MS} ms`, wait_ms: 500 }));
    // The second attempt comes after the first one's timeout and the backoff (500 ms).
    expect(patches[1].at - patches[0].at).toBeLessThanOrEqual(TIMEOUT_MS + 500 + 2000);
    expect(collections() - gcBefore).toBeGreaterThan(10);
    expect(fake.resultsFor(result.payload)).toHaveLength(1);
  });
});

/** A raw connection to `url`'s host and port, with what it received and when it closed (`Date.now()`). */
function connect(url: string) {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  const connection = { socket, received: "", opened: Date.now(), closed: new Promise<number>((resolve) => socket.on("close", () => resolve(Date.now()))) };
  socket.setEncoding("utf8").on("data", (chunk: string) => (connection.received += chunk));
  socket.on("error", () => undefined);
  return connection;
}

/** Writes `text` one byte every `everyMs`, until the socket closes or the text ends. */
async function trickle(socket: net.Socket, text: string, everyMs: number): Promise<void> {
  for (const byte of text) {
    if (socket.destroyed) return;
    socket.write(byte);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

describe("inbound deadlines and connections", () => {
  const HEADERS_MS = 1000;
  const REQUEST_MS = 2000;
  const KEEP_ALIVE_MS = 500;
  let server: RunTaskServer;
  beforeAll(async () => {
    server = await startServer({ headersTimeoutMs: HEADERS_MS, requestTimeoutMs: REQUEST_MS, keepAliveTimeoutMs: KEEP_ALIVE_MS });
  });

  it("drops a client that sends its headers a byte at a time, within the header deadline plus 2 s", async () => {
    const connection = connect(server.url);
    void trickle(connection.socket, `POST / HTTP/1.1\r\nHost: x\r\nX-Padding: ${"p".repeat(200)}\r\n`, 100);
    const closed = await connection.closed;
    expect(closed - connection.opened).toBeLessThanOrEqual(HEADERS_MS + 2000);
    expect(connection.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("drops a client that sends its body a byte at a time, within the request deadline plus 2 s, and logs it", async () => {
    const connection = connect(server.url);
    const body = JSON.stringify(fake.payload(SMALL));
    connection.socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    void trickle(connection.socket, body, 100);
    const closed = await connection.closed;
    expect(closed - connection.opened).toBeLessThanOrEqual(REQUEST_MS + 2000);
    expect(closed - connection.opened).toBeGreaterThanOrEqual(REQUEST_MS - 100);
    expect(connection.received).toMatch(/^HTTP\/1\.1 408 /);
    // The server logs it once its side of the connection has closed too.
    const dropped = () => logLines.map((line) => JSON.parse(line)).filter((event) => event.event === "request.refused" && event.status === 408);
    for (let tries = 0; tries < 100 && dropped().length === 0; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(dropped().map((event) => event.reason)).toEqual([expect.stringMatching(/^the request did not arrive whole \(\d+ bytes of its body came\)$/)]);
  });

  it("closes an idle keep-alive connection within its limit plus 2 s", async () => {
    const connection = connect(server.url);
    connection.socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    const closed = await connection.closed;
    expect(connection.received).toMatch(/^HTTP\/1\.1 200 /);
    expect(closed - connection.opened).toBeLessThanOrEqual(KEEP_ALIVE_MS + 2000);
  });

  it("runs only the first of two POSTs pipelined on one connection, whose answer closes it, and refuses the second", async () => {
    const [first, second] = [fake.payload(SMALL), fake.payload(SMALL)];
    const post = (payload: object) => {
      const body = JSON.stringify(payload);
      return `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-TFC-Task-Signature: ${sign(body, KEY)}\r\n\r\n${body}`;
    };
    const since = logLines.length;
    const connection = connect(server.url);
    connection.socket.write(post(first) + post(second));
    await connection.closed;
    expect(connection.received.match(/^HTTP\/1\.1 \d+/gm)).toEqual(["HTTP/1.1 200"]);
    expect(connection.received).toMatch(/\r\nConnection: close\r\n/i);
    expect((await fake.waitForResultsOf(first)).map((result) => result.body.data.attributes.status)).toEqual(["passed"]);
    // Refused before its body is read, so without a run id.
    const refused = () => logLines.slice(since).map((line) => JSON.parse(line)).filter((event) => event.event === "request.refused");
    for (let tries = 0; tries < 100 && refused().length === 0; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(refused()).toEqual([{ time: expect.any(String), event: "request.refused", status: 400,
      reason: "a connection carries one run task request; send the next on a new connection" }]);
    expect(fake.resultsFor(second)).toEqual([]);
  });

  it("counts open sockets in /healthz", async () => {
    const idle = [connect(server.url), connect(server.url), connect(server.url)];
    await Promise.all(idle.map((connection) => new Promise((resolve) => connection.socket.once("connect", resolve))));
    const asking = connect(server.url);
    asking.socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    await asking.closed;
    const health = JSON.parse(asking.received.split("\r\n\r\n")[1]);
    expect(health).toEqual({ status: "ok", active: 0, queued: 0, sockets: 4 });
    idle.forEach((connection) => connection.socket.destroy());
    await Promise.all(idle.map((connection) => connection.closed));
  });
});

describe("URLs carrying credentials", () => {
  const SECRET = "s3cr3t-pw";
  /** `url` with `userinfo@` after its scheme. */
  const withUserinfo = (url: string, userinfo: string) => url.replace("://", `://${userinfo}@`);
  const callbackUrl = () => `${fake.apiUrl}/api/v2/task-results/${"a".repeat(32)}/callback`;
  const planUrl = () => `${fake.apiUrl}/api/v2/plans/${SMALL}/json-output`;
  const answers: string[] = [];
  let server: RunTaskServer;
  beforeAll(async () => {
    server = await startServer();
  });

  it.each([
    { field: "task_result_callback_url", url: () => withUserinfo(callbackUrl(), `user:${SECRET}`), reason: "carries a user name or password", case: "user:password@" },
    { field: "task_result_callback_url", url: () => withUserinfo(callbackUrl(), SECRET), reason: "carries a user name or password", case: "user@" },
    { field: "plan_json_api_url", url: () => withUserinfo(planUrl(), `user:${SECRET}`), reason: "carries a user name or password", case: "user:password@" },
    { field: "plan_json_api_url", url: () => withUserinfo(planUrl(), `:${SECRET}`), reason: "carries a user name or password", case: ":password@" },
    { field: "plan_json_api_url", url: () => `${planUrl()}#${SECRET}`, reason: "has a fragment", case: "#fragment" },
    { field: "task_result_callback_url", url: () => `${callbackUrl()}#`, reason: "has a fragment", case: "a bare #" },
    { field: "plan_json_api_url", url: () => planUrl().replace(fake.apiUrl, fake.archivistUrl), reason: "is not on the Terraform Cloud origin",
      case: "another port" },
    { field: "task_result_callback_url", url: () => callbackUrl().replace("http://", "https://"), reason: "is not on the Terraform Cloud origin",
      case: "another scheme" },
  ])("refuses a $field with $case with 422 ($reason), calling nothing", async ({ field, url, reason }) => {
    const since = fake.requests.length;
    const response = await fake.send(server.url, fake.payload(SMALL, { [field]: url() }), { key: KEY });
    answers.push(response.text);
    expect(response.status).toBe(422);
    expect(response.text).toMatch(new RegExp(`^${field} .*${reason}`));
    expect(fake.requests.slice(since)).toEqual([]);
  });

  it("shows the credential in no log line, no answer and no result", async () => {
    await finalResult(server.url, SMALL);
    const everything = [...logLines, ...answers, ...fake.results.map((result) => JSON.stringify(result.body))];
    expect(answers).toHaveLength(8);
    expect(everything.filter((text) => text.includes(SECRET) || /\/\/[^/\s"]*@/.test(text))).toEqual([]);
  });
});

describe("the HTTP thread", () => {
  /** A node process that POSTs `body` signed to `url` and writes `{ status, connection, at }` to `file` once answered. */
  function postFromAnotherProcess(url: string, body: string, file: string) {
    const script = `
      const [url, body, signature, file] = process.argv.slice(1);
      const request = require("http").request(url, { method: "POST", agent: false,
        headers: { "Content-Type": "application/json", "X-TFC-Task-Signature": signature } }, (response) => {
        response.resume().on("end", () => require("fs").writeFileSync(file,
          JSON.stringify({ status: response.statusCode, connection: response.headers.connection, at: Date.now() })));
      });
      request.end(body);`;
    return spawn(process.execPath, ["-e", script, url, body, sign(body, KEY), file], { stdio: "ignore" });
  }

  it("answers a run task request while the server's main thread is blocked, closes that connection, then runs the run", async () => {
    const server = await startServer();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pinpoint-ses-http-thread-"));
    const answerFile = path.join(dir, "answer.json");
    try {
      const payload = fake.payload(SMALL);
      const client = postFromAnotherProcess(server.url, JSON.stringify(payload), answerFile);
      const exited = new Promise((resolve) => client.once("exit", resolve));
      // This thread (the server's main thread, and the fake Terraform Cloud's) does nothing else until the answer
      // comes, or for 20 s: only the HTTP thread can answer meanwhile.
      const blockedUntil = Date.now() + 20_000;
      while (!fs.existsSync(answerFile) && Date.now() < blockedUntil) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      const unblocked = Date.now();
      expect(fs.existsSync(answerFile)).toBe(true);
      const answer = JSON.parse(fs.readFileSync(answerFile, "utf8"));
      expect(answer).toEqual({ status: 200, connection: "close", at: expect.any(Number) });
      expect(answer.at).toBeLessThanOrEqual(unblocked);
      await exited;
      // The run was handed over while this thread was blocked; it is reviewed now.
      while (fake.resultsFor(payload).length === 0) await fake.waitForResults(fake.results.length + 1);
      expect(fake.resultsFor(payload).map((result) => result.body.data.attributes.status)).toEqual(["passed"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("logs server.failed, stops as on SIGTERM and exits 1 when the HTTP thread ends on its own", async () => {
    const server = await RunTaskProcess.start(["--tfc-url", fake.apiUrl, "--no-simulation", "--workers", "1"], {
      env: { RUN_TASK_HMAC_KEY: KEY },
      nodeOptions: ["--require", path.join(__dirname, "..", "support", "end-http-thread-on-signal.js")],
    });
    try {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      server.child.kill("SIGUSR2");
      expect(await server.exited).toBe(1);
      expect(server.events.slice(1).map((event) => event.event)).toEqual(["server.failed", "server.stopping", "server.stopped"]);
      expect(server.events[1].reason).toBe("the HTTP thread ended");
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    } finally {
      server.kill();
    }
  });
});

describe("review threads", () => {
  it("fails a review over its time budget with the reason, then reviews the next run on a new thread", async () => {
    const server = await startServer({ reviewTimeoutMs: 1000 });
    const slow = await finalResult(server.url, LARGE);
    expect(slow.body.data.attributes).toEqual({ status: "failed", message: "IAM review not done: the review took longer than its time budget of 1000 ms" });
    expect((await finalResult(server.url, SMALL)).body.data.attributes.status).toBe("passed");
    expect(logLines.map((line) => JSON.parse(line)).filter((event) => event.event === "worker.replaced").map((event) => event.reason))
      .toContain("the review took longer than its time budget of 1000 ms");
  });

  it("fails a review over its memory budget with the reason, then reviews the next run on a new thread", async () => {
    const server = await startServer({ reviewMemoryMb: 16 });
    const large = await finalResult(server.url, LARGE);
    expect(large.body.data.attributes).toEqual({ status: "failed", message: "IAM review not done: the review needed more than its memory budget of 16 MB" });
    expect((await finalResult(server.url, "plan-flagged")).body.data.attributes.status).toBe("failed");
    expect((await finalResult(server.url, SMALL)).body.data.attributes.status).toBe("passed");
  });

  it("answers /healthz while every review thread is busy", async () => {
    const server = await startServer();
    const payload = fake.payload(LARGE);
    const since = fake.requests.length;
    expect((await fake.send(server.url, payload, { key: KEY })).status).toBe(200);
    while (!fake.requests.slice(since).some((request) => request.origin === "archivist")) await new Promise((resolve) => setTimeout(resolve, 5));
    // The plan is downloaded: the one thread now reviews it, and the server answers meanwhile.
    const health = await (await fetch(`${server.url}/healthz`)).json();
    expect(fake.resultsFor(payload)).toEqual([]);
    expect(health).toEqual(expect.objectContaining({ active: 1, queued: 0 }));
    expect((await fake.waitForResultsOf(payload)).map((result) => result.body.data.attributes.status)).toEqual(["passed"]);
  });
});

describe("progress", () => {
  it("sends a running update while a run waits longer than the progress interval, and its result last", async () => {
    const server = await startServer({ progressMs: 300 });
    const release = fake.holdPlanDownloads();
    try {
      const payload = fake.payload(SMALL);
      expect((await fake.send(server.url, payload, { key: KEY })).status).toBe(200);
      while (fake.resultsFor(payload).length < 2) await fake.waitForResults(fake.results.length + 1);
      release();
      while (!fake.resultsFor(payload).some((result) => result.body.data.attributes.status === "passed")) {
        await fake.waitForResults(fake.results.length + 1);
      }
      const statuses = fake.resultsFor(payload).map((result) => result.body.data.attributes.status);
      expect(statuses.slice(0, 2)).toEqual(["running", "running"]);
      expect(statuses.at(-1)).toBe("passed");
      expect(statuses.filter((status) => status !== "running")).toEqual(["passed"]);
      expect(fake.resultsFor(payload)[0].body.data.attributes.message).toMatch(/^IAM review: downloading the plan \(\d+ s since the request\)$/);
      // Nothing after the result.
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(fake.resultsFor(payload).at(-1)!.body.data.attributes.status).toBe("passed");
    } finally {
      release();
    }
  });
});

describe("/metrics", () => {
  it("counts runs, refusals, results and review time in Prometheus's text format", async () => {
    const server = await startServer({ callbackAttempts: 1 });
    await finalResult(server.url, SMALL);
    await finalResult(server.url, "plan-flagged");
    expect((await fake.send(server.url, fake.payload(SMALL), { key: "another-key" })).status).toBe(401);
    fake.failCallbacks(1);
    const payload = fake.payload(SMALL);
    expect((await fake.send(server.url, payload, { key: KEY })).status).toBe(200);
    while (!logLines.some((line) => line.includes('"result.undelivered"') && line.includes(String(payload.run_id)))) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const families = new Map(parsePrometheusTextFormat(await response.text()).map((family) => [family.name, family]));
    const samples = (name: string) => families.get(name)!.metrics.map((metric) => ({ labels: metric.labels ?? {}, value: Number(metric.value) }));
    expect(samples("run_task_runs_accepted_total")).toEqual([{ labels: {}, value: 3 }]);
    expect(samples("run_task_requests_refused_total")).toEqual([{ labels: { status: "401" }, value: 1 }]);
    expect(samples("run_task_results_sent_total")).toEqual(expect.arrayContaining([
      { labels: { status: "passed" }, value: 1 }, { labels: { status: "failed" }, value: 1 }]));
    expect(samples("run_task_results_undelivered_total")).toEqual([{ labels: {}, value: 1 }]);
    expect(samples("run_task_open_sockets")[0].value).toBeGreaterThanOrEqual(1);
    const review = families.get("run_task_review_seconds")!;
    expect(review.type).toBe("HISTOGRAM");
    const { buckets, count, sum } = review.metrics[0];
    expect(Number(count)).toBe(3);
    expect(Number(sum)).toBeGreaterThan(0);
    // By upper bound (an object's integer-like keys, "1" or "10", come first in its own order), the counts never fall.
    const cumulative = Object.entries(buckets!).map(([bound, value]) => [Number(bound.replace("+Inf", "Infinity")), Number(value)])
      .sort(([a], [b]) => a - b).map(([, value]) => value);
    expect(cumulative).toHaveLength(13);
    expect(cumulative).toEqual([...cumulative].sort((a, b) => a - b));
    expect(cumulative.at(-1)).toBe(Number(count));
    for (const family of families.values()) expect(family.help).not.toBe("");
  });
});
