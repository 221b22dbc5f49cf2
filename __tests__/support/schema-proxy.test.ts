/**
 * The schema proxy's narrowing, on protocol buffers written here by hand: it
 * drops only the type-map entries it is told to, and leaves anything it
 * cannot read exactly as it came (terraform then reports it).
 */
import { narrowed } from "./schema-proxy";

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
    ["less than a prefix", Buffer.from([0, 0])],
  ])("passes %s through unchanged", (_what, body) => {
    expect(narrowed(body, keepIam)).toBe(body);
  });
});
