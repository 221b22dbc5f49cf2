/**
 * The HTTP thread of the run task server (run-task/server.ts): it accepts connections, reads and admits requests
 * (size, signature, fields, URLs, the queue's memory budget) and answers them. Nothing else runs on its event loop, so
 * an answer never waits behind a plan download, a result being sent or a collection of the main thread's heap.
 *
 * Why a thread of its own: Node 20's libuv accepts one connection per turn of the event loop (libuv/libuv#3696), and
 * a turn reads every connection that has data. On a loop that also ran the runs, a burst of 50 new connections was
 * accepted one every 15-20 ms while the kept-alive ones were read again and again.
 */
import * as http from "http";
import type { Socket } from "net";
import { parentPort, workerData } from "worker_threads";
import { QueueBudget, RUN_OVERHEAD_BYTES } from "./queue-budget";
import { admit, fieldsRead, Refusal, RunTaskRequest } from "./request";

/** What the thread starts with. */
export interface HttpSettings {
  readonly host: string;
  readonly port: number;
  readonly hmacKey: string | undefined;
  readonly tfcOrigin: string;
  readonly maxBodyBytes: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxConnections: number;
  /** How often Node checks the header and request deadlines of open connections. */
  readonly deadlineCheckMs: number;
  /** The queue's budget, in memory shared with the main thread. */
  readonly budget: { readonly memory: SharedArrayBuffer; readonly limit: number };
}

/** From this thread to the main thread. */
export type HttpEvent =
  | { readonly type: "listening"; readonly address: string; readonly port: number }
  | { readonly type: "failed"; readonly reason: string }
  | { readonly type: "accepted"; readonly request: RunTaskRequest; readonly held: number; readonly ms: number }
  | { readonly type: "refused"; readonly status: number; readonly reason: string; readonly runId?: string }
  | { readonly type: "verification" }
  | { readonly type: "error"; readonly reason: string }
  | { readonly type: "ask"; readonly id: number; readonly path: "/healthz" | "/metrics"; readonly sockets: number }
  | { readonly type: "drained" };

/** From the main thread: the answer to an `ask`, stop taking requests (`drain`), or close every connection and end. */
export type HttpCommand =
  | { readonly type: "answer"; readonly id: number; readonly status: number; readonly text: string; readonly contentType: string }
  | { readonly type: "drain" }
  | { readonly type: "close" };

const port = parentPort;
if (!port) throw new Error("run-task/http-thread.ts runs as a worker thread of run-task/server.ts");
const settings = workerData as HttpSettings;
const budget = new QueueBudget(settings.budget.memory, settings.budget.limit);
const post = (event: HttpEvent) => port.postMessage(event);

let openSockets = 0;
let draining = false;
let nextQuestion = 0;
/** Connections that have carried a POST: its answer closes them, so a second one is never answered. */
const posted = new WeakSet<Socket>();
/** Answers the main thread owes, by question. */
const pending = new Map<number, http.ServerResponse>();

const server = http.createServer({
  headersTimeout: settings.headersTimeoutMs,
  requestTimeout: settings.requestTimeoutMs,
  keepAliveTimeout: settings.keepAliveTimeoutMs,
  connectionsCheckingInterval: settings.deadlineCheckMs,
}, (request, response) => {
  route(request, response).catch((error: Error) => {
    if (error instanceof Refusal) {
      post({ type: "refused", status: error.status, reason: error.message, runId: error.runId });
      return reply(response, error.status, error.message);
    }
    post({ type: "error", reason: error.message });
    reply(response, 500, "internal error");
  });
});
server.maxConnections = settings.maxConnections;
server.on("connection", (socket) => {
  openSockets++;
  socket.once("close", () => openSockets--);
});

/** Routes: POST / (run task requests), GET /healthz and GET /metrics (answered by the main thread, which knows the runs). */
async function route(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  const path = (request.url ?? "/").split("?")[0];
  const method = path === "/" ? "POST" : path === "/healthz" || path === "/metrics" ? "GET" : undefined;
  if (!method) return reply(response, 404, `${path} not found`);
  if (request.method !== method) return reply(response, 405, `${request.method} ${path} is not allowed`);
  if (path === "/") {
    // A client that pipelines a second POST behind the first would get no answer to it (the first answer closes the
    // connection): it must not be run either, or a client that sends it again gets a second run.
    if (posted.has(request.socket)) throw new Refusal(400, "a connection carries one run task request; send the next on a new connection");
    posted.add(request.socket);
    return accept(request, response);
  }
  const id = nextQuestion++;
  pending.set(id, response);
  post({ type: "ask", id, path: path as "/healthz" | "/metrics", sockets: openSockets });
}

/** Admits a run task request and hands its run to the main thread; a request refused throws its Refusal. */
async function accept(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  const started = process.hrtime.bigint();
  const body = await readBody(request, settings.maxBodyBytes);
  const admitted = admit(body, request.headers["x-tfc-task-signature"] as string | undefined,
    { hmacKey: settings.hmacKey, tfcOrigin: settings.tfcOrigin });
  if (admitted === "verification") {
    post({ type: "verification" });
    return reply(response, 200, "ok");
  }
  if (draining) throw new Refusal(503, "the server is stopping", admitted.run_id);
  const held = body.length + RUN_OVERHEAD_BYTES;
  if (!budget.reserve(held)) {
    throw new Refusal(429, `the queue is full: ${budget.runs} runs hold ${mib(budget.held)} of its ${mib(budget.limit)} budget`,
      admitted.run_id);
  }
  post({ type: "accepted", request: fieldsRead(admitted), held, ms: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10 });
  // Terraform Cloud sends one request per run: closing the connection sends the next one through the kernel's
  // queue of new connections, first come first served, rather than ahead of them on a kept-alive connection.
  reply(response, 200, "accepted", undefined, true);
}

function reply(response: http.ServerResponse, status: number, text: string, type = "text/plain; charset=utf-8", close = status >= 400): void {
  // A client dropped (at its deadline, or gone) has no one to answer.
  if (response.headersSent || response.destroyed) return;
  const body = Buffer.from(text.endsWith("\n") ? text : `${text}\n`, "utf8");
  response.writeHead(status, { "Content-Type": type, "Content-Length": body.length, ...(close ? { Connection: "close" } : {}) });
  response.end(body);
}

/** The raw body; a 413 Refusal past `limit` bytes (declared or received). */
function readBody(request: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = new Refusal(413, `the body is over ${limit} bytes`);
    if (Number(request.headers["content-length"] ?? 0) > limit) return reject(tooLarge);
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
      if (size > limit) {
        request.off("data", onData);
        reject(tooLarge);
      }
    };
    request.on("data", onData);
    request.on("end", () => resolve(Buffer.concat(chunks)));
    // Dropped at its deadline (Node answers 408 and closes the connection), or gone: the first of these settles it.
    const dropped = () => new Refusal(408, `the request did not arrive whole (${size} bytes of its body came)`);
    request.on("error", () => reject(dropped()));
    request.on("close", () => {
      if (!request.complete) reject(dropped());
    });
  });
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

port.on("message", (command: HttpCommand) => {
  if (command.type === "answer") {
    const response = pending.get(command.id);
    pending.delete(command.id);
    if (response) reply(response, command.status, command.text, command.contentType);
  } else if (command.type === "drain") {
    // Every run this thread accepted is in the port before "drained": the main thread has them all once it reads it.
    draining = true;
    server.close();
    post({ type: "drained" });
  } else {
    server.closeAllConnections();
    port.close();
  }
});

// Listening failed, or the server did later: the main thread learns why, then that this thread has ended.
server.once("error", (error) => {
  post({ type: "failed", reason: error.message });
  server.close();
  server.closeAllConnections();
  port.close();
});
server.listen(settings.port, settings.host, () => {
  const address = server.address() as { address: string; port: number };
  post({ type: "listening", address: address.address, port: address.port });
});
