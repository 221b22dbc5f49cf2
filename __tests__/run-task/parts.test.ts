/**
 * The run task server's parts that need no Terraform: the signature check,
 * the request check and its origin rule, the task result body, the workers and
 * queue (against a fake Terraform Cloud), the log and the command line.
 */
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { parsePlan } from "../../review/plan";
import { reviewPlan } from "../../review/review";
import { main, parseSettings } from "../../run-task/cli";
import { jsonLogger } from "../../run-task/log";
import { fetchPlan, OutboundOptions } from "../../run-task/outbound";
import { admit, fieldsRead, Refusal, RunTaskRequest, sign, verifySignature } from "../../run-task/request";
import { RUN_OVERHEAD_BYTES } from "../../run-task/runs";
import { RunTaskServer, ServerOptions } from "../../run-task/server";
import { errorResult, limitBody, reviewResult } from "../../run-task/task-result";
import { FakeTerraformCloud } from "../support/fake-terraform-cloud";
import { handBuiltPlan, HandBuiltChange, role, rolePolicy } from "../support/hand-built-plans";
import { CHANGED_ACCOUNT, CHANGES } from "../support/changed-plans";
import { unattendedCommand } from "../support/run-task-process";
import { PROJECT_DIR } from "../support/terraform";

const TFC = "https://app.terraform.io";

/** What admission makes of an unsigned body on a server without a key (the signature is tested below). */
const admitBody = (body: object | string) =>
  admit(Buffer.from(typeof body === "string" ? body : JSON.stringify(body)), undefined, { hmacKey: undefined, tfcOrigin: TFC });

/** The status and reason of the Refusal that `admitting` throws. */
function refusal(admitting: () => unknown): { status: number; reason: string } {
  try {
    admitting();
  } catch (error) {
    if (error instanceof Refusal) return { status: error.status, reason: error.message };
    throw error;
  }
  throw new Error("not refused");
}

describe("signature", () => {
  // Computed with the command HashiCorp's documentation gives:
  // echo -n "$BODY" | openssl dgst -sha512 -hmac "secret-key"
  const BODY = '{"payload_version":1,"access_token":"test-token"}';
  const OPENSSL = "9c82720c47271f9512749e66f96ad670fce0532775b0304bcdec25beca0b90f7" +
    "f8e1c2747a89106e863a8e4d0f981b4361ca6db76895a89b8149b33a0441b260";

  it("signs as openssl does (HMAC-SHA512 of the raw body, hexadecimal)", () => {
    expect(sign(BODY, "secret-key")).toBe(OPENSSL);
  });

  it("accepts the signature of the body, in either case", () => {
    expect(verifySignature(Buffer.from(BODY), OPENSSL, "secret-key")).toBe(true);
    expect(verifySignature(Buffer.from(BODY), OPENSSL.toUpperCase(), "secret-key")).toBe(true);
  });

  it.each([
    { case: "no signature", header: undefined },
    { case: "an empty signature", header: "" },
    { case: "one changed digit", header: `${OPENSSL.slice(0, -1)}1` },
    { case: "a truncated signature", header: OPENSSL.slice(0, 64) },
    { case: "the signature of another body", header: sign(`${BODY} `, "secret-key") },
    { case: "the signature under another key", header: sign(BODY, "another-key") },
  ])("rejects $case", ({ header }) => {
    expect(verifySignature(Buffer.from(BODY), header, "secret-key")).toBe(false);
  });
});

describe("request", () => {
  const VALID = {
    payload_version: 1,
    stage: "post_plan",
    access_token: "token",
    run_id: "run-1",
    task_result_callback_url: "https://app.terraform.io/api/v2/task-results/1/callback",
    plan_json_api_url: "https://app.terraform.io/api/v2/plans/plan-1/json-output",
  };

  it("accepts a post_plan request with the fields the server uses", () => {
    expect(admitBody(VALID)).toEqual(VALID);
  });

  it("accepts a pre_plan request, which has no plan URL", () => {
    const { plan_json_api_url: _plan, ...prePlan } = { ...VALID, stage: "pre_plan" };
    expect(admitBody(prePlan)).toEqual(prePlan);
  });

  it.each([
    { change: { payload_version: 2 }, message: "payload_version is 2; this server reads version 1" },
    { change: { run_id: undefined }, message: "run_id is missing; expected a non-empty string" },
    { change: { access_token: "" }, message: 'access_token is ""; expected a non-empty string' },
    { change: { task_result_callback_url: 7 }, message: "task_result_callback_url is 7; expected a non-empty string" },
    { change: { plan_json_api_url: undefined }, message: "plan_json_api_url is missing; expected a non-empty string" },
  ])("rejects $message", ({ change, message }) => {
    expect(refusal(() => admitBody({ ...VALID, ...change }))).toEqual({ status: 400, reason: message });
  });

  it.each([
    { body: "{", message: /^the body is not JSON/ },
    { body: "[]", message: /^the body is not a JSON object$/ },
    { body: "null", message: /^the body is not a JSON object$/ },
  ])("rejects the body $body", ({ body, message }) => {
    expect(refusal(() => admitBody(body))).toEqual({ status: 400, reason: expect.stringMatching(message) });
  });

  it("hands on only the fields the server reads, with capabilities as { outcomes }", () => {
    const full = { ...VALID, capabilities: { outcomes: true, other: 1 }, organization_name: "org", workspace_name: "ws",
      task_result_enforcement_level: "mandatory", run_message: "a message", vcs_commit_url: "https://example.com/c", is_speculative: false };
    const { payload_version: _version, run_message: _message, vcs_commit_url: _vcs, is_speculative: _speculative, ...read } = full;
    expect(fieldsRead(admitBody(full) as RunTaskRequest)).toEqual({ ...read, capabilities: { outcomes: true } });
    for (const capabilities of [undefined, null, "outcomes", { outcomes: "true" }]) {
      expect(fieldsRead(admitBody({ ...VALID, capabilities }) as RunTaskRequest).capabilities).toEqual({ outcomes: false });
    }
  });

  it("knows the verification request by its test token, and only it", () => {
    expect(admitBody({ access_token: "test-token" })).toBe("verification");
    expect(refusal(() => admitBody({ access_token: "test-token-2" })).status).toBe(400);
    expect(admitBody(VALID)).not.toBe("verification");
  });

  describe("origin", () => {
    it("accepts a URL on the Terraform Cloud origin", () => {
      expect(() => admitBody({ ...VALID, plan_json_api_url: `${TFC}/api/v2/plans/p/json-output` })).not.toThrow();
    });

    it.each([
      "http://app.terraform.io/api/v2/plans/p/json-output",
      "https://app.terraform.io:8443/api/v2/plans/p/json-output",
      "https://app.terraform.io.example.com/api/v2/plans/p/json-output",
      "https://app.terraform.io@example.com/api/v2/plans/p/json-output",
      "https://archivist.terraform.io/v1/object/x",
      "http://169.254.169.254/latest/meta-data/",
      "file:///etc/passwd",
      "not a url",
    ])("refuses %s with 422", (url) => {
      expect(refusal(() => admitBody({ ...VALID, plan_json_api_url: url })).status).toBe(422);
    });

    it.each([
      { url: "https://user:s3cr3t@app.terraform.io/api/v2/plans/p/json-output", reason: "plan_json_api_url carries a user name or password; it must not" },
      { url: "https://s3cr3t@app.terraform.io/api/v2/plans/p/json-output", reason: "plan_json_api_url carries a user name or password; it must not" },
      { url: "https://:s3cr3t@app.terraform.io/api/v2/plans/p/json-output", reason: "plan_json_api_url carries a user name or password; it must not" },
      { url: "https://app.terraform.io/api/v2/plans/p/json-output#s3cr3t", reason: "plan_json_api_url has a fragment (#); it must not" },
      { url: "https://app.terraform.io/api/v2/plans/p/json-output?token=s3cr3t#", reason: "plan_json_api_url has a fragment (#); it must not" },
      { url: "https://app.terraform.io:444/api/v2/plans/p/json-output?token=s3cr3t",
        reason: "plan_json_api_url https://app.terraform.io:444/api/v2/plans/p/json-output is not on the Terraform Cloud origin https://app.terraform.io" },
      { url: "s3cr3t", reason: "plan_json_api_url is not a URL" },
    ])("refuses $url with 422, without repeating its credentials, query or fragment", ({ url, reason }) => {
      expect(refusal(() => admitBody({ ...VALID, plan_json_api_url: url }))).toEqual({ status: 422, reason });
    });

    it("accepts the origin's default port written out", () => {
      expect(() => admitBody({ ...VALID, task_result_callback_url: "https://app.terraform.io:443/api/v2/task-results/1/callback" })).not.toThrow();
    });
  });
});

describe("task result body", () => {
  const ANYONE = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }] };
  const ACCOUNT = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "sts:AssumeRole" }] };
  const SES_ALL = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ses:*", Resource: "arn:aws:ses:us-east-1:111122223333:identity/a" }] };
  const review = (changes: HandBuiltChange[]) => reviewPlan(parsePlan(JSON.stringify(handBuiltPlan(changes)), "plan.json"));
  const WARNING_ONLY = [role("aws_iam_role.r", { name: "r", trust: ACCOUNT }), rolePolicy("aws_iam_role_policy.p", "r", SES_ALL)];

  it("fails on an error finding, with one outcome per finding and one for the whole review", async () => {
    const body = reviewResult(await review([role("aws_iam_role.open", { name: "open", trust: ANYONE })]), { failOn: "error", outcomes: true });
    expect(body.data.type).toBe("task-results");
    expect(body.data.attributes).toEqual({
      status: "failed",
      message: "IAM review: 1 IAM role, 1 finding (1 error, 0 warnings); fails on error",
    });
    const outcomes = body.data.relationships!.outcomes.data;
    expect(outcomes.map((outcome) => outcome.attributes["outcome-id"])).toEqual(["wildcard-principal:aws_iam_role.open", "iam-review"]);
    expect(outcomes[0]).toEqual({
      type: "task-result-outcomes",
      attributes: {
        "outcome-id": "wildcard-principal:aws_iam_role.open",
        description: "aws_iam_role.open: the trust policy allows any principal (`*`) to assume the role",
        body: expect.stringContaining("Evidence:"),
        tags: {
          Status: [{ label: "Failed", level: "error" }],
          Severity: [{ label: "Error", level: "error" }],
          Rule: [{ label: "wildcard-principal" }],
          Change: [{ label: "New" }],
        },
      },
    });
    expect(outcomes[1].attributes.tags).toEqual({ Status: [{ label: "Failed", level: "error" }] });
  });

  it("passes a warning below --fail-on=error, and marks its outcome advisory", async () => {
    const body = reviewResult(await review(WARNING_ONLY), { failOn: "error", outcomes: true });
    expect(body.data.attributes).toEqual({
      status: "passed",
      message: "IAM review: 1 IAM role, 1 finding (0 errors, 1 warning); below --fail-on=error",
    });
    expect(body.data.relationships!.outcomes.data[0].attributes.tags).toEqual({
      Status: [{ label: "Advisory", level: "warning" }],
      Severity: [{ label: "Warning", level: "warning" }],
      Rule: [{ label: "service-wildcard" }],
      Change: [{ label: "New" }],
    });
  });

  it("fails the same warning with --fail-on=warning", async () => {
    const body = reviewResult(await review(WARNING_ONLY), { failOn: "warning", outcomes: true });
    expect(body.data.attributes.status).toBe("failed");
    expect(body.data.relationships!.outcomes.data[0].attributes.tags!.Status).toEqual([{ label: "Failed", level: "error" }]);
  });

  it("numbers the outcome ids of two findings of one rule on one resource", async () => {
    const twice = { Version: "2012-10-17", Statement: [SES_ALL.Statement[0], SES_ALL.Statement[0]] };
    const body = reviewResult(await review([role("aws_iam_role.r", { name: "r", trust: ACCOUNT }),
      rolePolicy("aws_iam_role_policy.p", "r", twice)]), { failOn: "error", outcomes: true });
    expect(body.data.relationships!.outcomes.data.map((outcome) => outcome.attributes["outcome-id"]))
      .toEqual(["service-wildcard:aws_iam_role_policy.p", "service-wildcard:aws_iam_role_policy.p#2", "iam-review"]);
  });

  it("leaves outcomes out when Terraform Cloud does not accept them", async () => {
    const body = reviewResult(await review(WARNING_ONLY), { failOn: "error", outcomes: false });
    expect(body.data.relationships).toBeUndefined();
  });

  it("links every result to the server's source when the operator gives --source-url", async () => {
    const source = "https://git.example.com/pinpoint-ses-review";
    expect(reviewResult(await review(WARNING_ONLY), { failOn: "error", outcomes: false, sourceUrl: source }).data.attributes.url).toBe(source);
    expect(errorResult("plan download: HTTP 500", source).data.attributes.url).toBe(source);
  });

  it("reports a task that could not review as failed, with why", () => {
    expect(errorResult("plan download: HTTP 500")).toEqual({
      data: { type: "task-results", attributes: { status: "failed", message: "IAM review not done: plan download: HTTP 500" } },
    });
  });

  it("keeps an outcome body at the limit, and cuts one over it to the limit with a note", () => {
    expect(limitBody("a".repeat(1000), 1000)).toBe("a".repeat(1000));
    const cut = limitBody("é".repeat(600), 1000);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(1000);
    expect(cut).toMatch(/^é+\n\n_\(Truncated: /);
    expect(cut).not.toContain("\uFFFD");
  });
});

describe("queue, downloads and callback retries", () => {
  const ACCOUNT = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "sts:AssumeRole" }] };
  let fake: FakeTerraformCloud;
  beforeAll(async () => {
    fake = await FakeTerraformCloud.start();
    fake.addPlan("plan-1", handBuiltPlan([role("aws_iam_role.r", { name: "r", trust: ACCOUNT })]));
  });
  afterAll(() => fake.stop());

  const start = (options: Partial<ServerOptions> = {}) => RunTaskServer.start({
    host: "127.0.0.1", port: 0, hmacKey: "key", tfcUrl: fake.apiUrl, redirectOrigins: [fake.archivistUrl],
    failOn: "error", simulate: false, workers: 1, log: () => undefined, ...options,
  });
  const health = async (server: RunTaskServer) => (await fetch(`${server.url}/healthz`)).json();
  const planDownloads = (since: number) => fake.requests.slice(since).filter((request) => request.origin === "api" && request.method === "GET");
  /** What a waiting run of `payload` holds in the queue's memory budget: its request body and a run's fixed share. */
  const cost = (payload: object) => Buffer.byteLength(JSON.stringify(payload)) + RUN_OVERHEAD_BYTES;

  it("downloads `downloads` plans at once, and answers 429 only once the waiting runs would pass the memory budget", async () => {
    const release = fake.holdPlanDownloads();
    const payloads = [fake.payload("plan-1"), fake.payload("plan-1"), fake.payload("plan-1"), fake.payload("plan-1")];
    const server = await start({ downloads: 2, queueBytes: 3 * cost(payloads[0]) });
    try {
      const since = fake.requests.length;
      const before = fake.results.length;
      const statuses = [];
      for (const payload of payloads) statuses.push((await fake.send(server.url, payload, { key: "key" })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(await health(server)).toEqual({ status: "ok", active: 2, queued: 1, sockets: expect.any(Number) });
      expect(planDownloads(since)).toHaveLength(2);
      release();
      await fake.waitForResults(before + 3);
      expect(planDownloads(since)).toHaveLength(3);
      expect(payloads.map((payload) => fake.resultsFor(payload).length)).toEqual([1, 1, 1, 0]);
      expect(await health(server)).toEqual(expect.objectContaining({ status: "ok", active: 0, queued: 0 }));
      // The memory is back: the run refused before is accepted now.
      expect((await fake.send(server.url, payloads[3], { key: "key" })).status).toBe(200);
      await fake.waitForResults(before + 4);
    } finally {
      release();
      await server.stop();
    }
  });

  it("fails the waiting run at once on stop, waits for the running one, then refuses new ones", async () => {
    const release = fake.holdPlanDownloads();
    const server = await start({ downloads: 1 });
    try {
      const before = fake.results.length;
      const [running, waiting] = [fake.payload("plan-1"), fake.payload("plan-1")];
      for (const payload of [running, waiting]) expect((await fake.send(server.url, payload, { key: "key" })).status).toBe(200);
      const stopped = server.stop();
      await fake.waitForResults(before + 1);
      expect(fake.resultsFor(waiting).map((result) => result.body.data.attributes.message))
        .toEqual(["IAM review not done: the run task server stopped before the review finished; re-run the plan to review it"]);
      expect(fake.resultsFor(running)).toEqual([]);
      release();
      await stopped;
      expect(fake.resultsFor(running).map((result) => result.body.data.attributes.status)).toEqual(["passed"]);
      await expect(fake.send(server.url, fake.payload("plan-1"), { key: "key" })).rejects.toThrow();
    } finally {
      release();
    }
  });

  it("waits the backoff (300, then 600 ms) between callback attempts when Terraform Cloud answers 503 without Retry-After", async () => {
    const server = await start({ backoffMs: 300 });
    try {
      const before = fake.results.length;
      fake.failCallbacks(2);
      const sent = Date.now();
      expect((await fake.send(server.url, fake.payload("plan-1"), { key: "key" })).status).toBe(200);
      await fake.waitForResults(before + 1);
      expect(Date.now() - sent).toBeGreaterThanOrEqual(900);
    } finally {
      await server.stop();
    }
  });

  it.each([
    { options: { workers: 0 }, message: "review threads 0 is not a whole number >= 1" },
    { options: { workers: 1.5 }, message: "review threads 1.5 is not a whole number >= 1" },
    { options: { queueBytes: 0 }, message: "queueBytes 0 is not > 0" },
    { options: { headersTimeoutMs: 2000, requestTimeoutMs: 1000 }, message: "headersTimeoutMs 2000 is over requestTimeoutMs 1000" },
  ])("refuses to start with $options", async ({ options, message }) => {
    await expect(start(options)).rejects.toThrow(new RangeError(message));
  });
});

describe("plan download", () => {
  /** A server on 127.0.0.1 that answers every request with `status` and `headers`; resolves with its origin and requests. */
  async function answering(status: number, headers: { [name: string]: string }) {
    const requests: string[] = [];
    const server = http.createServer((request, response) => {
      requests.push(request.url ?? "");
      response.writeHead(status, headers).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { origin, requests, close: () => new Promise((resolve) => server.close(resolve)) };
  }
  const outbound = (origin: string): OutboundOptions => ({ tfcOrigin: origin, redirectOrigins: [], timeoutMs: 5000, maxPlanBytes: 1000,
    callbackAttempts: 1, backoffMs: 0, shutdown: new AbortController().signal });

  it.each([
    { case: "a user name and password", location: (origin: string) => origin.replace("://", "://user:s3cr3t@") + "/object",
      message: "plan redirect to http://127.0.0.1:PORT carries a user name or password; it must not" },
    { case: "a fragment", location: (origin: string) => `${origin}/object?signature=s3cr3t#part`,
      message: "plan redirect to http://127.0.0.1:PORT has a fragment (#); it must not" },
  ])("refuses a redirect that carries $case, without following it or showing it", async ({ location, message }) => {
    const far = await answering(307, {});
    const near = await answering(307, { Location: location(far.origin) });
    try {
      const refused = fetchPlan(outbound(near.origin), `${near.origin}/plan`, "token");
      await expect(refused).rejects.toThrow(message.replace("PORT", new URL(far.origin).port));
      await expect(refused).rejects.not.toThrow(/s3cr3t/);
      expect(far.requests).toEqual([]);
    } finally {
      await Promise.all([near.close(), far.close()]);
    }
  });

  it("refuses a plan whose declared length is over the limit, without reading it", async () => {
    const big = await answering(200, { "Content-Length": "1001" });
    try {
      await expect(fetchPlan(outbound(big.origin), `${big.origin}/plan`, "token")).rejects.toThrow("plan download: the answer is over 1000 bytes");
    } finally {
      await big.close();
    }
  });
});

describe("log", () => {
  it("documents every event the server logs in docs/run-task.md, and no other", () => {
    const dir = path.join(PROJECT_DIR, "run-task");
    const source = fs.readdirSync(dir).filter((file) => file.endsWith(".ts")).map((file) => fs.readFileSync(path.join(dir, file), "utf8")).join("\n");
    const logged = new Set([...source.matchAll(/\blog\(\s*"([a-z]+\.[a-z_]+)"/g)].map((match) => match[1]));
    const doc = fs.readFileSync(path.join(PROJECT_DIR, "docs", "run-task.md"), "utf8");
    const section = /\n## Logs\n([\s\S]*?)\n## /.exec(doc)?.[1] ?? "";
    const documented = new Set([...section.matchAll(/^\| `([a-z]+\.[a-z_]+)` \|/gm)].map((match) => match[1]));
    expect(logged.size).toBeGreaterThan(15);
    expect([...documented].sort()).toEqual([...logged].sort());
  });

  it("writes a URL's user name and password in no field", () => {
    const lines: string[] = [];
    jsonLogger((line) => lines.push(line))("request.refused", { reason: "callback to https://user:s3cr3t@app.terraform.io/x failed", url: "http://s3cr3t@h/" });
    expect(JSON.parse(lines[0])).toEqual(expect.objectContaining({
      reason: "callback to https://[userinfo]@app.terraform.io/x failed", url: "http://[userinfo]@h/" }));
  });

  it("writes one JSON line per event and drops fields that could hold a secret", () => {
    const lines: string[] = [];
    const log = jsonLogger((line) => lines.push(line));
    log("result.sent", { run_id: "run-1", access_token: "secret-1", authorization: "Bearer secret-2", hmac_key: "secret-3", ms: 5 });
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith("}\n")).toBe(true);
    expect(JSON.parse(lines[0])).toEqual({ time: expect.any(String), event: "result.sent", run_id: "run-1", ms: 5 });
  });
});

describe("the gate of the run task: --fail-on-new and waivers, as npm run review has them", () => {
  const review = (options = {}) => reviewPlan(parsePlan(JSON.stringify(handBuiltPlan(CHANGES.slice(0, 2))), "plan.json"),
    { facts: { account: CHANGED_ACCOUNT }, ...options });

  it("passes a plan whose only finding existed before it with --fail-on-new, and fails it without", async () => {
    const existing = await review({ gate: { failOn: "warning", newOnly: true } });
    expect(reviewResult(existing, { failOn: "warning", failOnNew: true, outcomes: true }).data.attributes.status).toBe("passed");
    const body = reviewResult(existing, { failOn: "warning", outcomes: true });
    expect(body.data.attributes.status).toBe("failed");
    expect(body.data.relationships!.outcomes.data[0].attributes).toMatchObject({
      "outcome-id": "service-wildcard:aws_iam_role_policy.kept", tags: expect.objectContaining({ Change: [{ label: "Existing" }] }),
    });
  });

  it("marks a waived finding's outcome advisory and waived", async () => {
    const waived = await review({ waivers: [{ rule: "service-wildcard", address: "aws_iam_role.kept", reason: "reviewed", expires: "2099-01-01", source: "w.json waivers[0]" }] });
    const body = reviewResult(waived, { failOn: "warning", outcomes: true });
    expect(body.data.attributes.status).toBe("passed");
    expect(body.data.relationships!.outcomes.data[0].attributes.tags).toMatchObject({ Status: [{ label: "Advisory", level: "warning" }], Change: [{ label: "Waived" }] });
  });

  it("passes --fail-on-new and waivers through the server's review threads to the result", async () => {
    const fake = await FakeTerraformCloud.start();
    fake.addPlan("existing-only", handBuiltPlan(CHANGES.slice(0, 2)));
    const statusWith = async (options: Partial<ServerOptions>) => {
      const server = await RunTaskServer.start({
        host: "127.0.0.1", port: 0, hmacKey: "key", tfcUrl: fake.apiUrl, redirectOrigins: [fake.archivistUrl],
        failOn: "warning", simulate: false, workers: 1, log: () => undefined, ...options,
      });
      try {
        const payload = fake.payload("existing-only");
        const before = fake.results.length;
        expect((await fake.send(server.url, payload, { key: "key" })).status).toBe(200);
        await fake.waitForResults(before + 1);
        return fake.resultsFor(payload).map((result) => result.body.data.attributes.status);
      } finally {
        await server.stop();
      }
    };
    const gate = (newOnly: boolean) => ({ facts: { account: CHANGED_ACCOUNT }, gate: { failOn: "warning" as const, newOnly } });
    const waiver = { rule: "service-wildcard" as const, address: "aws_iam_role.kept", reason: "reviewed", expires: "2099-01-01", source: "w.json waivers[0]" };
    try {
      expect({
        plain: await statusWith({ reviewOptions: gate(false) }),
        failOnNew: await statusWith({ failOnNew: true, reviewOptions: gate(true) }),
        waived: await statusWith({ reviewOptions: { ...gate(false), waivers: [waiver] } }),
      }).toEqual({ plain: ["failed"], failOnNew: ["passed"], waived: ["passed"] });
    } finally {
      await fake.stop();
    }
  });

  it("reads --fail-on-new and a waivers file; a bad one stops the server with one line naming the entry", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "run-task-waivers-"));
    try {
      const good = path.join(dir, "good.json");
      fs.writeFileSync(good, JSON.stringify({ waivers: [{ rule: "service-wildcard", address: "aws_iam_role.kept", reason: "reviewed", expires: "2099-01-01" }] }));
      expect(parseSettings(["--port", "0", "--fail-on-new", "--waivers", good], { RUN_TASK_HMAC_KEY: "key" }))
        .toMatchObject({ failOnNew: true, reviewOptions: {
          waivers: [expect.objectContaining({ rule: "service-wildcard", expires: "2099-01-01" })], gate: { failOn: "error", newOnly: true },
        } });
      const bad = path.join(dir, "bad.json");
      fs.writeFileSync(bad, JSON.stringify({ waivers: [{ rule: "service-wildcard", address: "aws_iam_role.kept", reason: "reviewed", expires: "next year" }] }));
      expect(() => parseSettings(["--port", "0", "--waivers", bad], { RUN_TASK_HMAC_KEY: "key" }))
        .toThrow(`waivers file ${bad}: waivers[0].expires "next year" is not a date YYYY-MM-DD`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("command line", () => {
  const KEYED = { RUN_TASK_HMAC_KEY: "key" };
  async function runMain(argv: string[]) {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, (text) => (stdout += text), (text) => (stderr += text));
    return { code, stdout, stderr };
  }

  it.each([["--help"], ["--port", "80", "-h", "--unknown"]])("prints usage and every option for %p and exits 0", async (...argv) => {
    const result = await runMain(argv);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: run-task --port PORT/);
    expect(result.stdout).toContain("--no-simulation                rules only: never loads the AGPL-3.0 simulator");
    expect(result.stderr).toBe("");
  });

  it("prints usage for an unknown flag and exits 2", async () => {
    const result = await runMain(["--port", "0", "--verbose"]);
    expect(result).toEqual({ code: 2, stdout: "", stderr: expect.stringMatching(/^run-task: unknown option --verbose; usage: run-task/) });
  });

  it("refuses to start without RUN_TASK_HMAC_KEY, naming the way out", () => {
    expect(() => parseSettings(["--port", "8080"], {})).toThrow(
      "RUN_TASK_HMAC_KEY is not set: set it to the HMAC key of the run task in Terraform Cloud (or pass --insecure-no-hmac to accept unsigned requests)");
  });

  it("starts without a key only when told --insecure-no-hmac", () => {
    expect(parseSettings(["--port", "8080", "--insecure-no-hmac"], {})).toEqual(expect.objectContaining({ hmacKey: undefined }));
  });

  it("defaults to app.terraform.io, its archivist, failing on errors, with simulation, a thread per core and 256 MB of queue", () => {
    expect(parseSettings(["--port", "8080"], KEYED)).toEqual({
      host: "127.0.0.1", port: 8080, hmacKey: "key", tfcUrl: "https://app.terraform.io",
      redirectOrigins: ["https://archivist.terraform.io"], failOn: "error", failOnNew: false,
      reviewOptions: { waivers: [], gate: { failOn: "error", newOnly: false } }, simulate: true, workers: os.availableParallelism(),
      queueBytes: 256 * 1024 * 1024, reviewTimeoutMs: 120_000, reviewMemoryMb: 1024, timeoutMs: 30_000,
    });
  });

  it("takes a Terraform Enterprise URL, its redirect origins, --fail-on and --no-simulation", () => {
    expect(parseSettings(["--port=8443", "--tfc-url", "https://tfe.example.com/", "--allow-redirect-origin=https://objects.example.com",
      "--fail-on=warning", "--no-simulation", "--workers", "64", "--queue-memory", "1", "--review-timeout", "3600",
      "--review-memory", "64", "--timeout", "1", "--source-url", "https://git.example.com/review"],
    KEYED)).toEqual(expect.objectContaining({
      tfcUrl: "https://tfe.example.com", redirectOrigins: ["https://objects.example.com"], failOn: "warning", simulate: false,
      workers: 64, queueBytes: 1024 * 1024, reviewTimeoutMs: 3_600_000, reviewMemoryMb: 64, timeoutMs: 1000,
      sourceUrl: "https://git.example.com/review",
    }));
  });

  it.each([
    { argv: [], message: "--port is required" },
    { argv: ["--port", "65536"], message: '--port is "65536"; expected a whole number from 0 to 65535' },
    { argv: ["--port", "80", "--workers", "0"], message: '--workers is "0"; expected a whole number from 1 to 64' },
    { argv: ["--port", "80", "--workers", "65"], message: '--workers is "65"; expected a whole number from 1 to 64' },
    { argv: ["--port", "80", "--queue-memory=0"], message: '--queue-memory is "0"; expected a whole number from 1 to 65536' },
    { argv: ["--port", "80", "--review-timeout", "0"], message: '--review-timeout is "0"; expected a whole number from 1 to 3600' },
    { argv: ["--port", "80", "--review-memory", "63"], message: '--review-memory is "63"; expected a whole number from 64 to 65536' },
    { argv: ["--port", "80", "--timeout", "1.5"], message: '--timeout is "1.5"; expected a whole number from 1 to 600' },
    { argv: ["--port", "80", "--concurrency", "4"], message: "unknown option --concurrency" },
    { argv: ["--port", "80", "--fail-on=info"], message: '--fail-on is "info"; expected warning or error' },
    { argv: ["--port", "80", "--tfc-url", "http://tfe.example.com"], message: "--tfc-url http://tfe.example.com is not https" },
    { argv: ["--port", "80", "--allow-redirect-origin", "ftp://x"], message: "--allow-redirect-origin ftp://x is not https" },
    { argv: ["--port", "80", "extra"], message: "unexpected argument extra" },
  ])("rejects $argv: $message", ({ argv, message }) => {
    expect(() => parseSettings(argv, KEYED)).toThrow(message);
  });

  it("has docs/run-task.md's systemd unit run the unattended command that the tests start", () => {
    const doc = fs.readFileSync(path.join(PROJECT_DIR, "docs", "run-task.md"), "utf8");
    const execStart = /^ExecStart=\/usr\/bin\/(.*)$/m.exec(doc)?.[1];
    expect(execStart).toBe(unattendedCommand().join(" ").replace("--port 0", "--port 8080"));
  });

  it("accepts the largest port and plain http on loopback", () => {
    expect(parseSettings(["--port", "65535", "--tfc-url", "http://127.0.0.1:9000"], KEYED))
      .toEqual(expect.objectContaining({ port: 65535, tfcUrl: "http://127.0.0.1:9000", redirectOrigins: [] }));
  });
});

describe("routes", () => {
  let server: RunTaskServer;
  beforeAll(async () => {
    server = await RunTaskServer.start({
      host: "127.0.0.1", port: 0, hmacKey: "key", tfcUrl: "https://app.terraform.io", redirectOrigins: [],
      failOn: "error", simulate: false, workers: 1, log: () => undefined,
    });
  });
  afterAll(() => server.stop());

  it.each([
    { method: "GET", path: "/", status: 405, text: "GET / is not allowed\n" },
    { method: "POST", path: "/healthz", status: 405, text: "POST /healthz is not allowed\n" },
    { method: "DELETE", path: "/metrics", status: 405, text: "DELETE /metrics is not allowed\n" },
    { method: "POST", path: "/run-task", status: 404, text: "/run-task not found\n" },
  ])("answers $status to $method $path", async ({ method, path, status, text }) => {
    const response = await fetch(`${server.url}${path}`, { method });
    expect({ status: response.status, text: await response.text() }).toEqual({ status, text });
  });

  it("answers a request without a signature 401 before reading its fields", async () => {
    const response = await fetch(server.url, { method: "POST", body: "not even JSON" });
    expect(response.status).toBe(401);
  });

  it("answers a signed request that is not JSON 400", async () => {
    const response = await fetch(server.url, { method: "POST", body: "{", headers: { "X-TFC-Task-Signature": sign("{", "key") } });
    expect({ status: response.status, text: await response.text() })
      .toEqual({ status: 400, text: expect.stringMatching(/^the body is not JSON/) });
  });
});

describe("admission", () => {
  const RULES = { hmacKey: "key", tfcOrigin: TFC };
  const RUN = JSON.stringify({
    payload_version: 1, stage: "post_plan", access_token: "token", run_id: "run-1",
    task_result_callback_url: "https://app.terraform.io/api/v2/task-results/1/callback",
    plan_json_api_url: "https://app.terraform.io/api/v2/plans/plan-1/json-output",
  });
  const decide = (text: string, signature: string | undefined, rules: { hmacKey: string | undefined; tfcOrigin: string } = RULES) =>
    admit(Buffer.from(text), signature, rules);

  it("runs a signed request whose URLs are on the Terraform Cloud origin", () => {
    expect(decide(RUN, sign(RUN, "key"))).toEqual(JSON.parse(RUN));
  });

  it("answers a signed verification request", () => {
    const verification = '{"payload_version":1,"access_token":"test-token"}';
    expect(decide(verification, sign(verification, "key"))).toBe("verification");
  });

  it("checks the signature before the body: an unsigned non-JSON body is 401, not 400", () => {
    expect(refusal(() => decide("{", undefined))).toEqual({ status: 401, reason: "the request is not signed (no X-TFC-Task-Signature)" });
  });

  it("refuses a signed request when the server has no key, and accepts an unsigned one", () => {
    const insecure = { hmacKey: undefined, tfcOrigin: RULES.tfcOrigin };
    expect(refusal(() => decide(RUN, sign(RUN, "key"), insecure)).status).toBe(400);
    expect(decide(RUN, undefined, insecure)).toEqual(JSON.parse(RUN));
  });

  it("refuses a callback URL on another origin with 422", () => {
    const elsewhere = RUN.replace("https://app.terraform.io/api/v2/task-results", "https://example.com/api/v2/task-results");
    expect(refusal(() => decide(elsewhere, sign(elsewhere, "key")))).toEqual({
      status: 422,
      reason: "task_result_callback_url https://example.com/api/v2/task-results/1/callback is not on the Terraform Cloud origin https://app.terraform.io",
    });
  });
});
