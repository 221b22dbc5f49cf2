/** What the change itself does to the role, whatever its documents say. */
import { Finding, finding } from "../findings";
import type { RoleReview } from "../roles";

export function roleReplaced(role: RoleReview): Finding[] {
  return role.change !== "replace" ? [] : [finding("role-replaced", role.address,
    "Terraform deletes and re-creates the role: its unique id changes (and its ARN, for a generated name), so the " +
    "Pinpoint email channel and any policy naming the role must be updated",
    `replaced because of: ${role.replacedBecause.join(", ") || "(no reason given)"}`, ["replace"])];
}
