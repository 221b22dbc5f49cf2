/**
 * A gRPC pass-through between terraform and started hashicorp/aws provider
 * processes (provider-pool.ts). Terraform opens one connection per provider
 * instance (each alias, each module's own, and short-lived ones to validate).
 * Until a connection configures its provider, its calls (validation, schema,
 * plugin housekeeping) hold no state, and one never-configured process
 * answers them for every connection; from its Configure call on, the
 * connection has a process of its own, so each instance keeps its own
 * configuration, as when terraform starts the provider itself.
 *
 * The provider's schema request is answered with only the resource types the
 * command may need. The full schema (about 2,000 types, 5 MB) costs terraform
 * about 1.5 s of CPU to decode on every command, more than the rest of a plan
 * of our few resources. A type left out can only make a command fail loudly
 * ("does not support resource type"), never pass. The schema, and the answers
 * to validation calls made before Configure, are the provider's own, kept for
 * the run: the same request gets the same answer, without the provider's CPU.
 * Every other call is passed through unchanged and answered by the provider.
 * A command whose calls before Configure all have kept answers needs no
 * never-configured process at all.
 *
 * gRPC here is HTTP/2 without TLS (the provider's debug mode) on a Unix
 * socket; a message is a 5-byte prefix (compressed flag, length) and a
 * protocol buffer, read here just deep enough to drop map entries by key.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as http2 from "http2";
import * as net from "net";
import * as os from "os";
import * as path from "path";

const SCHEMA_PATH = /^\/tfplugin5\.Provider\/GetSchema$/;
/** GetProviderSchema.Response maps keyed by type name: resource, data source, ephemeral and list resource schemas. */
const TYPE_MAPS = new Set([2, 3, 8, 9]);

interface Response {
  readonly headers: http2.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly trailers: http2.IncomingHttpHeaders;
}

/**
 * Answers kept for the run: the full schema of each provider binary, and each validation call's answer by
 * binary and request. They are in this test file's memory and in the run's temporary root (os.tmpdir()),
 * which every test file of the run shares. A provider answers the same request the same way before it is
 * configured; asking again costs its CPU: about 0.8 s for the schema, and 0.1 s or more for a provider
 * configuration's validation, which checks every resource type's schema on every command.
 */
const answers = {
  memory: new Map<string, Response>(),
  get(key: string): Response | undefined {
    const file = keptAnswerFile(key);
    if (!this.memory.has(key) && fs.existsSync(file)) {
      const { headers, trailers, body } = JSON.parse(fs.readFileSync(file, "utf8"));
      this.memory.set(key, { headers, trailers, body: Buffer.from(body, "base64") });
    }
    return this.memory.get(key);
  },
  set(key: string, response: Response): void {
    this.memory.set(key, response);
    // Written under a temporary name and renamed: a file reading it at the same time never sees half of it.
    const temporary = `${keptAnswerFile(key)}.${process.pid}`;
    fs.writeFileSync(temporary, JSON.stringify({ key, ...response, body: response.body.toString("base64") }));
    fs.renameSync(temporary, keptAnswerFile(key));
  },
};

/** Where the run keeps the answer named `key`: a binary's path for its schema, `validationKey` for a validation. */
export const keptAnswerFile = (key: string): string =>
  path.join(os.tmpdir(), `aws-provider-answer-${crypto.createHash("sha256").update(key).digest("hex")}.json`);

/** Whether a provider of `binary` has given its schema in this run (so it starts, and speaks the protocol the proxy knows). */
export const hasKeptSchema = (binary: string): boolean => answers.get(binary) !== undefined;

/**
 * Calls answered from `answers` when made before Configure: validation, which reads the request and the
 * binary's schemas only. Not the environment: provider-pool.terraform.test.ts asks processes started with
 * different AWS settings the same requests, and checks that they answer byte for byte alike.
 */
const VALIDATION_PATHS = new Set(["PrepareProviderConfig", "ValidateResourceTypeConfig", "ValidateDataSourceConfig"]
  .map((name) => `/tfplugin5.Provider/${name}`));
const validationKey = (binary: string, call: string, request: Buffer): string =>
  JSON.stringify([binary, call, request.toString("base64")]);

/**
 * go-plugin's streams, which terraform opens on every connection: the provider's output, and connections
 * brokered for it (the provider protocol uses none). The proxy holds them open until the connection ends.
 * A provider started here prints nothing to them: its output goes to its log file (provider-pool.ts).
 */
const HELD_PATHS = new Set(["/plugin.GRPCStdio/StreamStdio", "/plugin.GRPCBroker/StartStream"]);

/** A started provider process lent to one connection: its socket, and how to give it back. */
export interface Lent {
  readonly socket: string;
  release(): void;
}

export interface ProxyOptions {
  readonly binary: string;
  /** Where the proxy listens. */
  readonly socket: string;
  /** The types the schema keeps. */
  readonly keep: (type: string) => boolean;
  /**
   * The socket of a process never configured, which answers every connection until it configures its
   * provider; asked for when a call first needs one (a schema or validation answer not kept yet).
   */
  readonly unconfigured: () => Promise<string>;
  /** A process for a connection that configures its provider (started when none is free). */
  readonly borrow: () => Promise<Lent>;
}

const CONFIGURE_PATH = "/tfplugin5.Provider/Configure";

/** Listens until `close`, which also ends its connections and gives back their processes. */
export function startSchemaProxy({ binary, socket, keep, unconfigured, borrow }: ProxyOptions): Promise<{ close(): void }> {
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  const connect = (to: string) => {
    const client = http2.connect("http://localhost", { createConnection: () => net.connect(to) });
    client.on("error", () => undefined); // each call's stream reports it
    return client;
  };

  server.on("session", (session) => {
    sessions.add(session);
    // Validation and schema calls hold no state: one unconfigured process answers those without a kept answer,
    // for every connection. From its Configure call on, a connection has a process of its own.
    let shared: Promise<http2.ClientHttp2Session> | undefined;
    let own: Promise<{ client: http2.ClientHttp2Session; lent: Lent }> | undefined;
    session.on("close", () => {
      sessions.delete(session);
      shared?.then((client) => client.close(), () => undefined);
      own?.then(({ client, lent }) => {
        client.close();
        lent.release();
      }, () => undefined);
    });
    session.on("stream", (stream, headers) => {
      stream.on("error", () => undefined); // terraform went away; the provider side is closed below
      const callPath = String(headers[":path"]);
      if (HELD_PATHS.has(callPath)) {
        stream.respond({ ":status": 200, "content-type": "application/grpc" });
        return stream.resume();
      }
      if (callPath === CONFIGURE_PATH) own ??= borrow().then((lent) => ({ client: connect(lent.socket), lent }));
      const upstream = () => (own ? own.then(({ client }) => client) : (shared ??= unconfigured().then(connect)));
      const forward = (request: Buffer | undefined, keepAs: string | undefined, narrow: boolean) => upstream().then(
        (client) => pass(client, stream, headers, request, keepAs, narrow ? keep : undefined),
        () => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
      if (SCHEMA_PATH.test(callPath)) {
        const cached = answers.get(binary);
        if (cached) {
          stream.resume();
          return respond(stream, cached, keep);
        }
        return forward(undefined, binary, true);
      }
      if (own || !VALIDATION_PATHS.has(callPath)) return forward(undefined, undefined, false);
      // A validation call: its whole request (one message) names its answer.
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const request = Buffer.concat(chunks);
        const key = validationKey(binary, callPath, request);
        const cached = answers.get(key);
        if (cached) return respond(stream, cached);
        forward(request, key, false);
      });
    });
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(socket, () => {
      server.unref();
      resolve({
        close: () => {
          server.close();
          sessions.forEach((session) => session.destroy());
        },
      });
    });
  });
}

/**
 * Passes one call on to the provider, its request streamed or, already read, `request`. A successful answer
 * is kept as `keepAs`; a schema answer is narrowed to the types `keep` keeps.
 */
function pass(client: http2.ClientHttp2Session, stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders,
  request: Buffer | undefined, keepAs: string | undefined, keep: ((type: string) => boolean) | undefined): void {
  if (stream.closed || stream.destroyed) return;
  const outgoing: http2.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(":") || name === ":path" || name === ":method") outgoing[name] = value;
  }
  const call = client.request(outgoing);
  call.on("error", () => undefined);
  if (request) call.end(request);
  else stream.pipe(call);
  stream.on("close", () => call.closed || call.close(stream.rstCode));
  let answered = false;
  // A call reset, or ended unanswered (the provider went away), ends terraform's call too.
  call.on("close", () => {
    if (stream.closed || stream.destroyed || (answered && !call.rstCode)) return;
    stream.close(call.rstCode || http2.constants.NGHTTP2_INTERNAL_ERROR);
  });
  call.on("response", (responseHeaders) => {
    answered = true;
    if (responseHeaders["grpc-status"] !== undefined) return stream.respond(responseHeaders, { endStream: true });
    let trailers: http2.IncomingHttpHeaders = {};
    call.on("trailers", (received) => (trailers = received));
    if (keepAs === undefined) {
      stream.respond(responseHeaders, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers(trailers));
      call.pipe(stream);
      return;
    }
    const chunks: Buffer[] = [];
    call.on("data", (chunk: Buffer) => chunks.push(chunk));
    call.on("end", () => {
      const full = { headers: responseHeaders, body: Buffer.concat(chunks), trailers };
      if (full.trailers["grpc-status"] === "0") answers.set(keepAs, full);
      respond(stream, full, keep);
    });
  });
}

/** Sends a kept answer; a schema narrowed to the types `keep` keeps. */
function respond(stream: http2.ServerHttp2Stream, response: Response, keep?: (type: string) => boolean): void {
  if (stream.closed || stream.destroyed) return;
  stream.respond(response.headers, { waitForTrailers: true });
  stream.on("wantTrailers", () => stream.sendTrailers(response.trailers));
  stream.end(keep ? narrowed(response.body, keep) : response.body);
}

/**
 * The one gRPC message in `body` with the type maps' entries that `keep`
 * rejects left out; the body unchanged when it is not one plain message.
 */
export function narrowed(body: Buffer, keep: (type: string) => boolean): Buffer {
  if (body.length < 5 || body[0] !== 0 || body.readUInt32BE(1) !== body.length - 5) return body;
  const typed = typedFields(body);
  if (!typed) return body; // terraform reports what it cannot read
  const message = Buffer.concat(typed.filter((field) => field.type === undefined || keep(field.type)).map((field) => field.raw));
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

/** A schema's top-level fields, each type-map entry with its type name: read once per kept schema, narrowed on every command. */
const typedBodies = new WeakMap<Buffer, Array<Field & { readonly type?: string }> | null>();

function typedFields(body: Buffer): Array<Field & { readonly type?: string }> | null {
  if (!typedBodies.has(body)) {
    try {
      typedBodies.set(body, fields(body.subarray(5)).map((field) => ({
        ...field,
        type: TYPE_MAPS.has(field.number) && field.bytes ? fields(field.bytes).find((entry) => entry.number === 1)?.bytes?.toString("utf8") : undefined,
      })));
    } catch {
      typedBodies.set(body, null);
    }
  }
  return typedBodies.get(body) ?? null;
}

interface Field {
  readonly number: number;
  /** The content of a length-delimited field. */
  readonly bytes?: Buffer;
  /** The whole field as encoded, tag included. */
  readonly raw: Buffer;
}

/** The top-level fields of a protocol buffer message, in order. */
function fields(message: Buffer): Field[] {
  const result: Field[] = [];
  let at = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      if (at >= message.length) throw new Error("truncated");
      const byte = message[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < message.length) {
    const start = at;
    const tag = varint();
    let bytes: Buffer | undefined;
    switch (tag & 7) {
      case 0: varint(); break;
      case 1: at += 8; break;
      case 5: at += 4; break;
      case 2: {
        const length = varint();
        bytes = message.subarray(at, at + length);
        at += length;
        break;
      }
      default: throw new Error(`wire type ${tag & 7}`);
    }
    if (at > message.length) throw new Error("truncated");
    result.push({ number: Math.floor(tag / 8), bytes, raw: message.subarray(start, at) });
  }
  return result;
}
