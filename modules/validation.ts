import type { Core } from "./framework-types";
import { IAM_LIMITS, PATTERNS, WORST_CASE } from "./iam-limits";
import type { PinpointSesSendingRoleProps } from "./pinpoint-ses-sending-role";
import { ALL, AccountScope, pinpointTrustPolicy, policySize, sesSendingPolicy } from "./policy-documents";

/**
 * Synth-time checks. Each throws an Error that names the option, the rule and
 * the value received. Values that are unresolved tokens are skipped: Terraform
 * knows them only at plan time. Tokens are told apart by the app's framework
 * (`Token` of cdktf or cdktn), passed in.
 */

/** What the checks need of the framework: whether a value is a token only Terraform resolves. */
export type Tokens = Pick<Core["Token"], "isUnresolved">;

/** Shows a received value in an error message, shortened if long. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= 90 ? text : `${text.slice(0, 40)}…${text.slice(-40)}`;
}

export function fail(option: string, value: unknown, rule: string): never {
  throw new Error(`${option} ${show(value)} ${rule}`);
}

export const known = <T>(tokens: Tokens, value: T | undefined): value is T => value !== undefined && !tokens.isUnresolved(value);
export const knownText = (tokens: Tokens, value: unknown): value is string => typeof value === "string" && known(tokens, value);

/** Fails with `rule(value)` when a value known at synth time is not `isValid`. */
function check<T>(tokens: Tokens, option: string, value: T | undefined, isValid: (value: T) => boolean, rule: (value: T) => string): void {
  if (known(tokens, value) && !isValid(value)) fail(option, value, rule(value));
}

const isWhole = (min: number, max: number) => (value: number) => Number.isInteger(value) && value >= min && value <= max;
const isName = (pattern: RegExp, max: number) => (name: string) => name.length >= 1 && name.length <= max && pattern.test(name);

function checkTags(tokens: Tokens, tags: { readonly [key: string]: string } | undefined): void {
  if (!known(tokens, tags)) return;
  const entries = Object.entries(tags);
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
    check(tokens, `tags["${key}"]`, value, (text) => typeof text === "string" && text.length <= IAM_LIMITS.tagValueMaxLength &&
      PATTERNS.tagText.test(text), () => `is not a valid tag value; IAM allows 0 to ${IAM_LIMITS.tagValueMaxLength} ` +
      "letters, digits, spaces and _.:/=+-@");
  }
}

/**
 * A list option: not empty, no duplicates, each element passes `isValid`.
 * `*` is accepted where it means "all", but only on its own.
 */
function checkList(tokens: Tokens, option: string, list: readonly string[] | undefined, rule: string, isValid: (element: string) => boolean,
  allowAll: boolean): void {
  if (!known(tokens, list)) return;
  if (list.length === 0) {
    fail(option, list, `is empty; list at least one${allowAll ? ', or leave it out for all ("*")' : ", or leave it out"}`);
  }
  const seen = new Set<string>();
  for (const item of list) {
    if (!known(tokens, item)) continue;
    if (seen.has(item)) fail(option, list, `lists ${show(item)} more than once`);
    seen.add(item);
    if (allowAll && item === ALL) {
      if (list.length > 1) fail(option, list, `mixes "*" (all) with named entries; use one or the other`);
      continue;
    }
    if (!isValid(item)) fail(option, list, `has ${show(item)}, which is not ${rule}`);
  }
}

export const isSesIdentity = (value: string): boolean => {
  const at = value.lastIndexOf("@");
  if (at < 0) return PATTERNS.domain.test(value);
  const localPart = value.slice(0, at);
  return localPart.length <= 64 && PATTERNS.emailLocalPart.test(localPart) && PATTERNS.domain.test(value.slice(at + 1));
};

/**
 * Checks IAM's size quotas against the documents as they will be at plan
 * time, with worst-case lengths standing in for partition, Region and account.
 * Skipped when a list is itself unresolved (its length is unknown).
 */
function checkPolicySizes(tokens: Tokens, props: PinpointSesSendingRoleProps): void {
  const lists = [props.sesIdentities, props.configurationSets, props.pinpointApplicationIds];
  if (lists.some((list) => list !== undefined && tokens.isUnresolved(list))) return;
  const scope: AccountScope = { ...WORST_CASE, region: known(tokens, props.region) ? props.region : WORST_CASE.region };
  const trustSize = policySize(pinpointTrustPolicy(scope, props.pinpointApplicationIds));
  const trustMaxSize = known(tokens, props.trustPolicyMaxSize) ? props.trustPolicyMaxSize : IAM_LIMITS.trustPolicyMaxSize;
  if (trustSize > trustMaxSize) {
    fail("pinpointApplicationIds", `${props.pinpointApplicationIds?.length ?? 0} ids`,
      `make a trust policy of up to ${trustSize} characters; IAM's limit for a role trust policy is ` +
      (trustMaxSize === IAM_LIMITS.trustPolicyMaxSize
        ? `${trustMaxSize} (the default quota; set trustPolicyMaxSize if the account's quota is raised)`
        : `${trustMaxSize} (trustPolicyMaxSize)`));
  }
  const permissionsSize = policySize(sesSendingPolicy(scope, props.sesIdentities, props.configurationSets));
  if (permissionsSize > IAM_LIMITS.inlinePoliciesMaxSize) {
    const entries = (props.sesIdentities?.length ?? 1) + (props.configurationSets?.length ?? 1);
    fail("sesIdentities and configurationSets", `${entries} entries`,
      `make a permissions policy of up to ${permissionsSize} characters; IAM's limit for a role's inline ` +
      `policies is ${IAM_LIMITS.inlinePoliciesMaxSize} in all`);
  }
}

/** Every synth-time check of the sending role's options, run before any resource exists. */
export function validateRoleProps(props: PinpointSesSendingRoleProps, tokens: Tokens): void {
  if (known(tokens, props.roleName) && props.roleNamePrefix !== undefined) {
    throw new Error(`roleName ${show(props.roleName)} and roleNamePrefix ${show(props.roleNamePrefix)} ` +
      "are both set; give one or the other");
  }
  check(tokens, "roleName", props.roleName, isName(PATTERNS.roleName, IAM_LIMITS.roleNameMaxLength),
    (name) => `is ${name.length} characters; IAM allows 1 to ${IAM_LIMITS.roleNameMaxLength} of [A-Za-z0-9+=,.@_-]`);
  const prefixMaxLength = IAM_LIMITS.roleNameMaxLength - IAM_LIMITS.terraformUniqueSuffixLength;
  check(tokens, "roleNamePrefix", props.roleNamePrefix, isName(PATTERNS.roleName, prefixMaxLength),
    (name) => `is ${name.length} characters; IAM allows 1 to ${prefixMaxLength} of [A-Za-z0-9+=,.@_-] ` +
      `(${IAM_LIMITS.roleNameMaxLength} minus the ${IAM_LIMITS.terraformUniqueSuffixLength}-character suffix Terraform appends)`);
  check(tokens, "path", props.path, (path) => path.length <= IAM_LIMITS.pathMaxLength && PATTERNS.path.test(path),
    (path) => `is not an IAM path: it must be "/" or start and end with "/", ` +
      `with printable ASCII between, at most ${IAM_LIMITS.pathMaxLength} characters (got ${path.length})`);
  check(tokens, "description", props.description, (text) => text.length <= IAM_LIMITS.descriptionMaxLength,
    (text) => `is ${text.length} characters; IAM allows at most ${IAM_LIMITS.descriptionMaxLength}`);
  check(tokens, "description", props.description, (text) => PATTERNS.description.test(text),
    () => "contains a character IAM does not accept (allowed: tab, newlines, printable ASCII, U+00A1 to U+00FF)");
  check(tokens, "permissionsBoundaryArn", props.permissionsBoundaryArn, (arn) => PATTERNS.policyArn.test(arn),
    () => "is not an IAM managed policy ARN (arn:PARTITION:iam::ACCOUNT|aws:policy/[PATH/]NAME)");
  check(tokens, "maxSessionDuration", props.maxSessionDuration, isWhole(IAM_LIMITS.minSessionDuration, IAM_LIMITS.maxSessionDuration),
    () => `is out of range; IAM allows whole seconds from ${IAM_LIMITS.minSessionDuration} to ${IAM_LIMITS.maxSessionDuration}`);
  checkTags(tokens, props.tags);
  check(tokens, "trustPolicyMaxSize", props.trustPolicyMaxSize, isWhole(IAM_LIMITS.trustPolicyMaxSize, IAM_LIMITS.trustPolicyMaxSizeRaised),
    () => `is not a whole number from ${IAM_LIMITS.trustPolicyMaxSize} (IAM's default quota) ` +
      `to ${IAM_LIMITS.trustPolicyMaxSizeRaised} (the most it can be raised to)`);
  check(tokens, "region", props.region, (region) => PATTERNS.region.test(region),
    () => "is not an AWS Region name (like us-east-1, us-gov-west-1 or cn-north-1)");
  check(tokens, "policyName", props.policyName, isName(PATTERNS.policyName, IAM_LIMITS.policyNameMaxLength),
    (name) => `is ${name.length} characters; IAM allows 1 to ${IAM_LIMITS.policyNameMaxLength} of [A-Za-z0-9+=,.@_-]`);
  checkList(tokens, "sesIdentities", props.sesIdentities, "an email address or domain", isSesIdentity, true);
  checkList(tokens, "configurationSets", props.configurationSets,
    "an SES configuration set name (1 to 64 of [A-Za-z0-9_-])", (name) => PATTERNS.configurationSet.test(name), true);
  checkList(tokens, "pinpointApplicationIds", props.pinpointApplicationIds,
    "a Pinpoint application id (32 lowercase hex characters)", (id) => PATTERNS.pinpointApplicationId.test(id), false);
  checkPolicySizes(tokens, props);
  if (props.adoptExistingRole && props.roleName === undefined) {
    throw new Error(`adoptExistingRole needs roleName: an existing role is imported by its exact name` +
      (props.roleNamePrefix === undefined ? "" : `, and roleNamePrefix ${show(props.roleNamePrefix)} only makes new ones`));
  }
}
