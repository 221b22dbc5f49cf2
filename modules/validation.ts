import { Token } from "cdktf";
import { IAM_LIMITS, PATTERNS, WORST_CASE } from "./iam-limits";
import { ALL, AccountScope, pinpointTrustPolicy, policySize, sesSendingPolicy } from "./policy-documents";

/**
 * Synth-time checks. Each throws an Error that names the option, the rule and
 * the value received. Values that are unresolved tokens are skipped: Terraform
 * knows them only at plan time.
 */

/** Shows a received value in an error message, shortened if long. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= 90 ? text : `${text.slice(0, 40)}…${text.slice(-40)}`;
}

function fail(option: string, value: unknown, rule: string): never {
  throw new Error(`${option} ${show(value)} ${rule}`);
}

const known = (value: unknown): boolean => value !== undefined && !Token.isUnresolved(value);

export function checkRoleName(option: string, value: string | undefined, maxLength: number): void {
  if (!known(value)) return;
  const name = value as string;
  if (name.length < 1 || name.length > maxLength || !PATTERNS.roleName.test(name)) {
    fail(option, name, `is ${name.length} characters; IAM allows 1 to ${maxLength} of [A-Za-z0-9+=,.@_-]` +
      (maxLength < IAM_LIMITS.roleNameMaxLength
        ? ` (${IAM_LIMITS.roleNameMaxLength} minus the ${IAM_LIMITS.terraformUniqueSuffixLength}-character suffix Terraform appends)`
        : ""));
  }
}

export function checkPath(value: string | undefined): void {
  if (!known(value)) return;
  const path = value as string;
  if (path.length > IAM_LIMITS.pathMaxLength || !PATTERNS.path.test(path)) {
    fail("path", path, `is not an IAM path: it must be "/" or start and end with "/", ` +
      `with printable ASCII between, at most ${IAM_LIMITS.pathMaxLength} characters (got ${path.length})`);
  }
}

export function checkDescription(value: string | undefined): void {
  if (!known(value)) return;
  const text = value as string;
  if (text.length > IAM_LIMITS.descriptionMaxLength) {
    fail("description", text, `is ${text.length} characters; IAM allows at most ${IAM_LIMITS.descriptionMaxLength}`);
  }
  if (!PATTERNS.description.test(text)) {
    fail("description", text, "contains a character IAM does not accept (allowed: tab, newlines, printable ASCII, U+00A1 to U+00FF)");
  }
}

export function checkPermissionsBoundaryArn(value: string | undefined): void {
  if (!known(value)) return;
  if (!PATTERNS.policyArn.test(value as string)) {
    fail("permissionsBoundaryArn", value,
      "is not an IAM managed policy ARN (arn:PARTITION:iam::ACCOUNT|aws:policy/[PATH/]NAME)");
  }
}

export function checkMaxSessionDuration(value: number | undefined): void {
  if (!known(value)) return;
  const seconds = value as number;
  if (!Number.isInteger(seconds) || seconds < IAM_LIMITS.minSessionDuration || seconds > IAM_LIMITS.maxSessionDuration) {
    fail("maxSessionDuration", seconds,
      `is out of range; IAM allows whole seconds from ${IAM_LIMITS.minSessionDuration} to ${IAM_LIMITS.maxSessionDuration}`);
  }
}

export function checkPolicyName(value: string | undefined): void {
  if (!known(value)) return;
  const name = value as string;
  if (name.length < 1 || name.length > IAM_LIMITS.policyNameMaxLength || !PATTERNS.policyName.test(name)) {
    fail("policyName", name,
      `is ${name.length} characters; IAM allows 1 to ${IAM_LIMITS.policyNameMaxLength} of [A-Za-z0-9+=,.@_-]`);
  }
}

export function checkRegion(value: string | undefined): void {
  if (!known(value)) return;
  if (!PATTERNS.region.test(value as string)) {
    fail("region", value, "is not an AWS Region name (like us-east-1, us-gov-west-1 or cn-north-1)");
  }
}

export function checkTags(tags: { readonly [key: string]: string } | undefined): void {
  if (!known(tags)) return;
  const entries = Object.entries(tags as object);
  if (entries.length > IAM_LIMITS.maxTagsPerRole) {
    fail("tags", `${entries.length} tags`, `exceeds IAM's limit of ${IAM_LIMITS.maxTagsPerRole} tags per role`);
  }
  // IAM treats tag keys without regard to case: `Team` and `team` are the same key and it refuses both.
  const byLowerCase = new Map<string, string>();
  for (const [key] of entries) {
    const earlier = byLowerCase.get(key.toLowerCase());
    if (earlier !== undefined) fail("tags keys", [earlier, key], "differ only in case; IAM treats tag keys without regard to case");
    byLowerCase.set(key.toLowerCase(), key);
  }
  for (const [key, value] of entries) {
    if (key.length < 1 || key.length > IAM_LIMITS.tagKeyMaxLength || !PATTERNS.tagText.test(key)) {
      fail("tags key", key, `is ${key.length} characters; IAM allows 1 to ${IAM_LIMITS.tagKeyMaxLength} ` +
        "letters, digits, spaces and _.:/=+-@");
    }
    if (key.toLowerCase().startsWith("aws:")) {
      fail("tags key", key, `uses the prefix "aws:", which AWS reserves for its own tags`);
    }
    if (!known(value)) continue;
    if (typeof value !== "string" || value.length > IAM_LIMITS.tagValueMaxLength || !PATTERNS.tagText.test(value)) {
      fail(`tags["${key}"]`, value, `is not a valid tag value; IAM allows 0 to ${IAM_LIMITS.tagValueMaxLength} ` +
        "letters, digits, spaces and _.:/=+-@");
    }
  }
}

/**
 * A list option: not empty, no duplicates, each element passes `isValid`.
 * `*` is accepted where it means "all", but only on its own.
 */
export function checkList(
  option: string,
  list: readonly string[] | undefined,
  rule: string,
  isValid: (element: string) => boolean,
  allowAll: boolean,
): void {
  if (!known(list)) return;
  const items = list as readonly string[];
  if (items.length === 0) {
    fail(option, items, `is empty; list at least one${allowAll ? ', or leave it out for all ("*")' : ", or leave it out"}`);
  }
  const seen = new Set<string>();
  for (const item of items) {
    if (!known(item)) continue;
    if (seen.has(item)) fail(option, items, `lists ${show(item)} more than once`);
    seen.add(item);
    if (allowAll && item === ALL) {
      if (items.length > 1) fail(option, items, `mixes "*" (all) with named entries; use one or the other`);
      continue;
    }
    if (!isValid(item)) fail(option, items, `has ${show(item)}, which is not ${rule}`);
  }
}

export const isSesIdentity = (value: string): boolean => {
  const at = value.lastIndexOf("@");
  if (at < 0) return PATTERNS.domain.test(value);
  const localPart = value.slice(0, at);
  return localPart.length <= 64 && PATTERNS.emailLocalPart.test(localPart) && PATTERNS.domain.test(value.slice(at + 1));
};
export const isConfigurationSetName = (value: string): boolean => PATTERNS.configurationSet.test(value);
export const isPinpointApplicationId = (value: string): boolean => PATTERNS.pinpointApplicationId.test(value);

export function checkTrustPolicyMaxSize(value: number | undefined): void {
  if (!known(value)) return;
  const size = value as number;
  if (!Number.isInteger(size) || size < IAM_LIMITS.trustPolicyMaxSize || size > IAM_LIMITS.trustPolicyMaxSizeRaised) {
    fail("trustPolicyMaxSize", size, `is not a whole number from ${IAM_LIMITS.trustPolicyMaxSize} (IAM's default quota) ` +
      `to ${IAM_LIMITS.trustPolicyMaxSizeRaised} (the most it can be raised to)`);
  }
}

/** What the size checks need to know about the configuration. */
export interface PolicySizeInput {
  readonly region?: string;
  /** The account's quota for a role trust policy. @default 2048 */
  readonly trustPolicyMaxSize?: number;
  readonly sesIdentities?: readonly string[];
  readonly configurationSets?: readonly string[];
  readonly pinpointApplicationIds?: readonly string[];
}

/**
 * Checks IAM's size quotas against the documents as they will be at plan
 * time, with worst-case lengths standing in for partition, Region and account.
 * Skipped when a list is itself unresolved (its length is unknown).
 */
export function checkPolicySizes(input: PolicySizeInput): void {
  const lists = [input.sesIdentities, input.configurationSets, input.pinpointApplicationIds];
  if (lists.some((list) => list !== undefined && Token.isUnresolved(list))) return;
  const scope: AccountScope = {
    partition: WORST_CASE.partition,
    region: known(input.region) ? (input.region as string) : WORST_CASE.region,
    account: WORST_CASE.account,
  };
  const trustSize = policySize(pinpointTrustPolicy(scope, input.pinpointApplicationIds));
  const trustMaxSize = known(input.trustPolicyMaxSize) ? (input.trustPolicyMaxSize as number) : IAM_LIMITS.trustPolicyMaxSize;
  if (trustSize > trustMaxSize) {
    const count = input.pinpointApplicationIds?.length ?? 0;
    fail("pinpointApplicationIds", `${count} ids`,
      `make a trust policy of up to ${trustSize} characters; IAM's limit for a role trust policy is ` +
      (trustMaxSize === IAM_LIMITS.trustPolicyMaxSize
        ? `${trustMaxSize} (the default quota; set trustPolicyMaxSize if the account's quota is raised)`
        : `${trustMaxSize} (trustPolicyMaxSize)`));
  }
  const permissionsSize = policySize(sesSendingPolicy(scope, input.sesIdentities, input.configurationSets));
  if (permissionsSize > IAM_LIMITS.inlinePoliciesMaxSize) {
    const count = (input.sesIdentities?.length ?? 1) + (input.configurationSets?.length ?? 1);
    fail("sesIdentities and configurationSets", `${count} entries`,
      `make a permissions policy of up to ${permissionsSize} characters; IAM's limit for a role's inline ` +
      `policies is ${IAM_LIMITS.inlinePoliciesMaxSize} in all`);
  }
}
