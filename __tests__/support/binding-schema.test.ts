/**
 * The schema check that stands in for `terraform validate` where no provider
 * binary is at hand (hashicorp/aws 6.x), tried on this project's binding
 * (@cdktf/provider-aws 20.1.0, hashicorp/aws 5.100.0) with hand-written
 * stacks. The matrix test compares it with terraform validate on real output.
 */
import * as path from "path";
import { blockSchema, schemaProblems } from "./binding-schema";
import { PROJECT_DIR } from "./terraform";

const BINDING = path.join(PROJECT_DIR, "node_modules", "@cdktf", "provider-aws");

/** A stack with one role, its inline policy, a Region data source and an output, as cdktf writes them. */
function stack(): any {
  return {
    "//": { metadata: { stackName: "s" } },
    terraform: { required_providers: { aws: { source: "aws", version: "5.100.0" } } },
    provider: { aws: [{ region: "eu-west-1" }] },
    data: { aws_region: { r: { "//": { metadata: { path: "s/r" } } } } },
    resource: {
      aws_iam_role: { role: { assume_role_policy: "{}", name_prefix: "p-", lifecycle: { prevent_destroy: true } } },
      aws_iam_role_policy: { policy: { role: "${aws_iam_role.role.name}", policy: "${jsonencode({\"Resource\" = data.aws_region.r.id})}" } },
    },
    output: { arn: { value: "${aws_iam_role.role.arn}" } },
  };
}

it("reads a resource's arguments, which of them are required, and the attributes its getters read", () => {
  const role = blockSchema(BINDING, "resource", "aws_iam_role");
  expect([...role?.required ?? []]).toEqual(["assume_role_policy"]);
  expect(["name_prefix", "max_session_duration", "force_detach_policies"].filter((name) => !role?.arguments.has(name))).toEqual([]);
  expect(["arn", "unique_id", "create_date"].filter((name) => !role?.attributes.has(name) || role?.arguments.has(name))).toEqual([]);
});

it("reads a data source from its data-aws- folder, and the provider's own arguments", () => {
  expect([...blockSchema(BINDING, "data", "aws_region")?.attributes ?? []].sort()).toEqual(["description", "endpoint", "id", "name"]);
  expect(blockSchema(BINDING, "provider", "aws")?.arguments.has("region")).toBe(true);
  expect(blockSchema(BINDING, "resource", "aws_no_such_thing")).toBeUndefined();
});

it("finds nothing wrong in a stack that fits the schema, meta-arguments and references inside expressions included", () => {
  expect(schemaProblems(stack(), BINDING)).toEqual([]);
});

it("names each problem: an unknown block, argument or attribute, a missing required argument, a reference to no block", () => {
  const broken = stack();
  broken.resource.aws_no_such_thing = { x: {} };
  broken.resource.aws_iam_role.role.no_such_argument = true;
  delete broken.resource.aws_iam_role.role.assume_role_policy;
  broken.provider.aws[0].no_such_setting = 1;
  broken.output.region = { value: "${data.aws_region.r.region} ${aws_iam_role.other.arn} ${aws_iam_role.role.no_such_attribute}" };
  expect(schemaProblems(broken, BINDING).sort()).toEqual([
    "aws_iam_role.other.arn: the stack has no aws_iam_role.other",
    "aws_iam_role.role.no_such_attribute: aws_iam_role has no attribute no_such_attribute",
    "aws_iam_role.role: the binding's aws_iam_role has no argument no_such_argument",
    "aws_iam_role.role: the required argument assume_role_policy is not set",
    "aws_no_such_thing.x: the binding has no resource aws_no_such_thing",
    "data.aws_region.r.region: aws_region has no attribute region",
    "provider.aws: the binding's aws has no argument no_such_setting",
  ]);
});
