/**
 * The `X-TFC-Task-Signature` header: Terraform Cloud signs the raw request
 * body with the run task's HMAC key (HMAC-SHA512, hexadecimal).
 */
import { createHmac, timingSafeEqual } from "crypto";

export const SIGNATURE_HEADER = "x-tfc-task-signature";

/** The signature Terraform Cloud sends for `body` under `key`. */
export function sign(body: Buffer | string, key: string): string {
  return createHmac("sha512", key).update(body).digest("hex");
}

/**
 * Whether `header` is the signature of the raw `body` under `key`. Compares
 * in constant time, so that a forger learns nothing from how long it took.
 */
export function verifySignature(body: Buffer, header: string | undefined, key: string): boolean {
  if (!header) return false;
  const expected = Buffer.from(sign(body, key), "utf8");
  const given = Buffer.from(header.trim().toLowerCase(), "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
