/**
 * Plans written by hand, in the shape of `terraform show -json`, for the
 * review's edge cases that Terraform does not produce on its own (a policy as
 * an object, NotPrincipal, a change action from a future Terraform, ...).
 */

/** One resource change, as in a plan's `resource_changes`. */
export interface HandBuiltChange {
  readonly address: string;
  readonly mode: "managed";
  readonly type: string;
  readonly name: string;
  readonly change: { actions: string[]; before: any; after: any; after_unknown: any };
}

/** A plan of format 1.2 holding `changes`. */
export function handBuiltPlan(changes: readonly HandBuiltChange[]) {
  return { format_version: "1.2", terraform_version: "1.11.4", resource_changes: changes };
}

function change(address: string, actions: string[], before: any, after: any, afterUnknown: any = {}): HandBuiltChange {
  const [type, name] = address.split(".").slice(-2);
  return { address, mode: "managed", type, name, change: { actions, before, after, after_unknown: afterUnknown } };
}

/** An aws_iam_role created with `trust` (an object or JSON text, as given). */
export function role(address: string, values: { name?: string; trust: unknown; inlinePolicies?: { name: string; policy: unknown }[] }) {
  return change(address, ["create"], null, {
    name: values.name ?? null,
    path: "/",
    assume_role_policy: values.trust,
    inline_policy: values.inlinePolicies ?? [],
  }, values.name ? {} : { name: true });
}

/** An aws_iam_role_policy created on the role named `roleName`. */
export function rolePolicy(address: string, roleName: string, policy: unknown) {
  return change(address, ["create"], null, { name: "permissions", role: roleName, policy });
}

/** An aws_iam_role_policy whose document is known only after apply. */
export function unknownRolePolicy(address: string, roleName: string) {
  return change(address, ["create"], null, { name: "permissions", role: roleName }, { policy: true });
}
