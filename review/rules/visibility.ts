/** What the review cannot see is a finding of its own, never a silent pass. */
import { Finding, finding } from "../findings";
import type { RoleReview } from "../roles";

export function notReviewable(role: RoleReview): Finding[] {
  return [
    ...(role.inPlan && role.trust.after.state === "unknown" ? [finding("not-reviewable", role.address,
      "the trust policy is known only after apply: who may assume the role is not seen", "assume_role_policy is (known after apply)",
      ["trust policy"])] : []),
    ...role.notReviewable.map((item) => finding("not-reviewable", item.address, item.reason, `a permission source of role ${role.address}`, [item.reason])),
  ];
}
