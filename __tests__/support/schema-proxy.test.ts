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

/** A stand-in provider on a Unix socket: every call is answered with its name, as a gRPC message. */
async function fakeProvider(dir: string, name: string): Promise<{ socket: string; server: http2.Http2Server }> {
  const socket = path.join(dir, `${name}.sock`);
  const server = http2.createServer();
  server.on("stream", (stream) => {
    stream.resume();
    stream.on("end", () => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.end(grpc(Buffer.from(name)));
    });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return { socket, server };
}

/** Calls `method` on a connection to the proxy; the name of the stand-in that answered. */
function call(connection: http2.ClientHttp2Session, method: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stream = connection.request({ ":method": "POST", ":path": `/tfplugin5.Provider/${method}`, "content-type": "application/grpc" });
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => resolve(Buffer.concat(chunks).subarray(5).toString()));
    stream.on("error", reject);
    stream.end(grpc(Buffer.alloc(0)));
  });
}

describe("startSchemaProxy", () => {
  it("answers every connection from the unconfigured process until it configures, then from a process of its own", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "schema-proxy-"));
    const providers = await Promise.all(["unconfigured", "first", "second"].map((name) => fakeProvider(dir, name)));
    const lent = [providers[1], providers[2]];
    const released: string[] = [];
    const proxy = await startSchemaProxy({
      binary: path.join(dir, "no-binary"), socket: path.join(dir, "proxy.sock"), keep: () => true, unconfigured: providers[0].socket,
      borrow: async () => {
        const provider = lent.shift() as { socket: string };
        return { socket: provider.socket, release: () => released.push(path.basename(provider.socket, ".sock")) };
      },
    });
    const connect = () => http2.connect("http://localhost", { createConnection: () => net.connect(path.join(dir, "proxy.sock")) });
    const [a, b, c] = [connect(), connect(), connect()];
    try {
      expect(await Promise.all([call(a, "PrepareProviderConfig"), call(b, "ValidateResourceTypeConfig"), call(c, "ValidateDataSourceConfig")]))
        .toEqual(["unconfigured", "unconfigured", "unconfigured"]);
      // Two connections configure at once: each gets its own process, and keeps it for every later call.
      const [ownOfA, ownOfB] = await Promise.all([call(a, "Configure"), call(b, "Configure")]);
      expect([ownOfA, ownOfB].sort()).toEqual(["first", "second"]);
      expect(await Promise.all([call(b, "ReadDataSource"), call(a, "PlanResourceChange"), call(c, "ValidateResourceTypeConfig")]))
        .toEqual([ownOfB, ownOfA, "unconfigured"]);
      // A connection that ends gives its process back.
      a.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(released).toEqual([ownOfA]);
    } finally {
      [a, b, c].forEach((connection) => connection.close());
      proxy.close();
      providers.forEach(({ server }) => server.close());
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
