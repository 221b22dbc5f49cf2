/**
 * The schema proxy, without terraform: its narrowing, on protocol buffers
 * written here by hand (it drops only the type-map entries it is told to, and
 * leaves anything it cannot read exactly as it came, for terraform to report);
 * and which process answers which connection, with stand-in providers.
 */
import * as fs from "fs";
import * as http2 from "http2";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { narrowed, startSchemaProxy } from "./schema-proxy";

/** A length-delimited field: tag (field number, wire type 2), length, content. Lengths here stay under 128. */
const field = (number: number, content: Buffer | string): Buffer => {
  const bytes = Buffer.from(content);
  return Buffer.concat([Buffer.from([(number << 3) | 2, bytes.length]), bytes]);
};
/** A map entry: key (field 1), value (field 2). */
const entry = (map: number, key: string, value = "schema") => field(map, Buffer.concat([field(1, key), field(2, value)]));
const grpc = (message: Buffer, compressed = 0): Buffer => {
  const prefix = Buffer.alloc(5);
  prefix[0] = compressed;
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
};

const provider = field(1, "provider block");
const varintField = Buffer.from([(6 << 3) | 0, 0x96, 0x01]); // field 6, varint 150
const functions = entry(7, "arn_parse", "function");
const message = Buffer.concat([provider, entry(2, "aws_iam_role"), entry(2, "aws_s3_bucket"), entry(3, "aws_partition"),
  entry(3, "aws_vpc"), varintField, functions, entry(8, "aws_secretsmanager_secret"), entry(9, "aws_instance")]);
const keepIam = (type: string) => type.startsWith("aws_iam_") || type === "aws_partition";

describe("narrowed", () => {
  it("drops the resource, data source, ephemeral and list resource entries not kept, in order, and keeps every other field", () => {
    const expected = Buffer.concat([provider, entry(2, "aws_iam_role"), entry(3, "aws_partition"), varintField, functions]);
    expect(narrowed(grpc(message), keepIam)).toEqual(grpc(expected));
  });

  it("keeps the message as it is when every type is kept", () => {
    expect(narrowed(grpc(message), () => true)).toEqual(grpc(message));
  });

  it("never drops a function (a map keyed by function name, not type)", () => {
    expect(narrowed(grpc(functions), () => false)).toEqual(grpc(functions));
  });

  it.each([
    ["a compressed message", grpc(message, 1)],
    ["a length prefix that does not match the body", Buffer.concat([grpc(message), Buffer.from([0])])],
    ["a truncated protocol buffer", grpc(message.subarray(0, message.length - 3))],
    ["an unknown wire type", grpc(Buffer.from([(2 << 3) | 7, 1]))],
    ["a type map entry that does not parse", grpc(Buffer.concat([provider, field(2, Buffer.from([(1 << 3) | 2, 50]))]))],
    ["less than a prefix", Buffer.from([0, 0])],
  ])("passes %s through unchanged", (_what, body) => {
    expect(narrowed(body, keepIam)).toBe(body);
  });
});

/**
 * A stand-in provider on a Unix socket: every call is answered with its name and how many calls it has had
 * ("first#2"), as a gRPC message; a request that says "fail" gets an error status instead.
 */
async function fakeProvider(dir: string, name: string): Promise<{ socket: string; server: http2.Http2Server }> {
  const socket = path.join(dir, `${name}.sock`);
  const server = http2.createServer();
  let calls = 0;
  server.on("stream", (stream) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      calls += 1;
      const fail = Buffer.concat(chunks).includes("fail");
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": fail ? "3" : "0" }));
      stream.end(grpc(Buffer.from(`${name}#${calls}`)));
    });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return { socket, server };
}

/** Calls `method` with `request` on a connection to the proxy; the stand-in's answer. */
function call(connection: http2.ClientHttp2Session, method: string, request = ""): Promise<string> {
  return new Promise((resolve, reject) => {
    const stream = connection.request({ ":method": "POST", ":path": `/tfplugin5.Provider/${method}`, "content-type": "application/grpc" });
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => resolve(Buffer.concat(chunks).subarray(5).toString()));
    stream.on("error", reject);
    stream.end(grpc(Buffer.from(request)));
  });
}
/** Which stand-in answered. */
const nameOf = (answer: string) => answer.split("#")[0];

/** Stand-ins (the first never configured, the others lent on Configure) behind a proxy in `dir`, for `binary`. */
async function proxyWith(dir: string, binary = "one") {
  const providers = await Promise.all(["unconfigured", "first", "second"].map((name) => fakeProvider(dir, `${binary}-${name}`)));
  const lent = [providers[1], providers[2]];
  const released: string[] = [];
  let unconfiguredAsked = 0;
  const socket = path.join(dir, `${binary}-proxy.sock`);
  const proxy = await startSchemaProxy({
    binary: path.join(dir, binary), socket, keep: () => true,
    unconfigured: async () => {
      unconfiguredAsked += 1;
      return providers[0].socket;
    },
    borrow: async () => {
      const provider = lent.shift() as { socket: string };
      return { socket: provider.socket, release: () => released.push(path.basename(provider.socket, ".sock")) };
    },
  });
  const connections: http2.ClientHttp2Session[] = [];
  return {
    released,
    unconfiguredAsked: () => unconfiguredAsked,
    connect: () => {
      const connection = http2.connect("http://localhost", { createConnection: () => net.connect(socket) });
      connections.push(connection);
      return connection;
    },
    close: () => {
      connections.forEach((connection) => connection.close());
      proxy.close();
      providers.forEach(({ server }) => server.close());
    },
  };
}

describe("startSchemaProxy", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "schema-proxy-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("answers every connection from the unconfigured process until it configures, then from a process of its own", async () => {
    const { connect, released, close } = await proxyWith(dir);
    const [a, b, c] = [connect(), connect(), connect()];
    try {
      expect((await Promise.all([call(a, "PrepareProviderConfig"), call(b, "ValidateResourceTypeConfig"), call(c, "ValidateDataSourceConfig")]))
        .map(nameOf)).toEqual(["one-unconfigured", "one-unconfigured", "one-unconfigured"]);
      // Two connections configure at once: each gets its own process, and keeps it for every later call.
      const [ownOfA, ownOfB] = (await Promise.all([call(a, "Configure"), call(b, "Configure")])).map(nameOf);
      expect([ownOfA, ownOfB].sort()).toEqual(["one-first", "one-second"]);
      expect((await Promise.all([call(b, "ReadDataSource"), call(a, "PlanResourceChange"), call(c, "ReadResource")])).map(nameOf))
        .toEqual([ownOfB, ownOfA, "one-unconfigured"]);
      // A connection that ends gives its process back.
      a.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(released).toEqual([ownOfA]);
    } finally {
      close();
    }
  });

  it("asks the provider a validation call once per binary and request, and answers the same call again with what it gave", async () => {
    const [one, other] = [await proxyWith(dir, "one"), await proxyWith(dir, "other")];
    const [a, b] = [one.connect(), one.connect()];
    try {
      const first = await call(a, "PrepareProviderConfig", "region = eu-west-1");
      expect(first).toBe("one-unconfigured#1");
      // Another connection, the same request: the answer kept, the provider not asked again.
      expect(await call(b, "PrepareProviderConfig", "region = eu-west-1")).toBe(first);
      // Another request, another call, or another binary: the provider answers.
      expect(await call(b, "PrepareProviderConfig", "region = us-east-1")).toBe("one-unconfigured#2");
      expect(await call(b, "ValidateResourceTypeConfig", "region = eu-west-1")).toBe("one-unconfigured#3");
      expect(await call(other.connect(), "PrepareProviderConfig", "region = eu-west-1")).toBe("other-unconfigured#1");
      // An error answer is not kept.
      expect([await call(a, "ValidateDataSourceConfig", "fail"), await call(a, "ValidateDataSourceConfig", "fail")])
        .toEqual(["one-unconfigured#4", "one-unconfigured#5"]);
      // Once configured, a connection's calls all go to its own process, validation too.
      const own = nameOf(await call(a, "Configure"));
      expect(await call(a, "PrepareProviderConfig", "region = eu-west-1")).toBe(`${own}#2`);
    } finally {
      one.close();
      other.close();
    }
  });

  it("needs no unconfigured process for a command whose calls it answers itself: kept answers and go-plugin's streams", async () => {
    const warm = await proxyWith(dir, "warm");
    try {
      await call(warm.connect(), "PrepareProviderConfig", "region = eu-west-1");
      expect(warm.unconfiguredAsked()).toBe(1);
    } finally {
      warm.close();
    }
    // A later command (its own proxy) of the same binary.
    const later = await proxyWith(dir, "warm");
    const connection = later.connect();
    try {
      const stdio = connection.request({ ":method": "POST", ":path": "/plugin.GRPCStdio/StreamStdio", "content-type": "application/grpc" });
      const headers = await new Promise<http2.IncomingHttpHeaders>((resolve) => stdio.on("response", resolve));
      expect(headers[":status"]).toBe(200);
      expect(await call(connection, "PrepareProviderConfig", "region = eu-west-1")).toBe("warm-unconfigured#1");
      expect(nameOf(await call(connection, "Configure"))).toBe("warm-first");
      expect(later.unconfiguredAsked()).toBe(0);
    } finally {
      later.close();
    }
  });
});
