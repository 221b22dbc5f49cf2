/**
 * Where moto 5.2.1 answers otherwise than IAM, as far as the scenarios meet it. Each difference has a minimal
 * reproduction, run on moto and on the local endpoint (which answers as IAM does) by
 * __tests__/terraform/moto-differences.test.ts, and is listed in docs/testing.md. A scenario assertion that a difference
 * affects asserts, on moto, what moto does instead, and says so by name; the same step is asserted as IAM behaves on the
 * local endpoint (`assertedAsIamIn`). Nothing is skipped, and a moto that stops differing fails the reproduction.
 */
export interface MotoDifference {
  readonly id: string;
  /** What moto does, and what IAM does instead. */
  readonly summary: string;
  /** The test that asserts IAM's behaviour for the same step, on the local endpoint. */
  readonly assertedAsIamIn: string;
}

export const UPDATE_ROLE_RESETS_OMITTED_FIELDS: MotoDifference = {
  id: "moto-update-role-resets-omitted-fields",
  summary: "moto's UpdateRole with only MaxSessionDuration clears the role's Description, and with only Description " +
    "resets MaxSessionDuration to 3600; IAM leaves the field a call omits as it is",
  assertedAsIamIn: "__tests__/terraform/provider-calls.test.ts",
};

/** The title of a test that meets `difference` on moto. */
export function meeting(difference: MotoDifference, title: string): string {
  return `${title} (moto: ${difference.id})`;
}

/** Runs `asMoto`, the assertion of what moto does instead of what IAM does, and reports the difference on standard error. */
export async function expectMotoDifference(difference: MotoDifference, asMoto: () => unknown): Promise<void> {
  await asMoto();
  process.stderr.write(`known moto difference ${difference.id}: ${difference.summary} (as IAM: ${difference.assertedAsIamIn})\n`);
}
