import { Fn, Op, TerraformLocal, Token } from "cdktf";
import { Construct } from "constructs";
import { ARRAY_OPERATIONS, ListOperations } from "./policy-documents";

/**
 * {@link ListOperations} for lists that may be known only to Terraform. A
 * plain array is mapped here, at synth time. A list token (a variable, another
 * resource's attribute) becomes a Terraform local in `scope`, named by the
 * builder's label: `formatlist` for the ARNs, `concat` to join lists. Locals
 * keep each function call at the top of its expression: cdktf 0.21 warns
 * ("escape sequences … may be incorrect") about every template string inside
 * a function call nested in another, such as `formatlist` inside `jsonencode`.
 */
export function terraformListOperations(scope: Construct): ListOperations {
  const local = (label: string, expression: unknown): string[] => {
    let id = label;
    for (let n = 2; scope.node.tryFindChild(id); n++) id = `${label}_${n}`;
    return new TerraformLocal(scope, id, expression).asList;
  };
  return {
    // `%s` stands for each name. Partition, Region and account in the ARN are
    // Terraform references or checked literals, so the format has no other `%`.
    map: (names, arnOf, label) => Token.isUnresolved(names)
      ? local(label, Fn.formatlist(arnOf("%s"), [names]))
      : ARRAY_OPERATIONS.map(names, arnOf, label),
    concat: (lists, label) => lists.some((list) => Token.isUnresolved(list))
      ? local(label, Fn.concat(lists as string[][]))
      : ARRAY_OPERATIONS.concat(lists, label),
  };
}

/**
 * `build(list)` when the list is not empty, `build(undefined)` when it is.
 * For a list token Terraform decides, with a conditional on its length; a
 * plain array is decided here.
 */
export function whenNotEmpty(list: readonly string[] | undefined, build: (list?: readonly string[]) => string): string {
  if (list === undefined || !Token.isUnresolved(list)) return build(list?.length ? list : undefined);
  // `>= 1`, not `> 0`: cdktf 0.21 drops a right-hand operand of 0 (it writes `> undefined`).
  return Token.asString(Fn.conditional(Op.gte(Fn.lengthOf(list), 1), build(list), build(undefined)));
}
