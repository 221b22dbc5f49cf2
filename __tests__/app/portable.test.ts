/** makePortable: what main.ts applies to every stack, so synthesized output holds no path of the machine. */
import { Testing } from "cdktf";
import { DEFAULT_REGION } from "../../app/config";
import { makePortable } from "../../app/portable";
import { PinpointSesStack } from "../../app/stack";
import { StateBackend } from "../../app/config";

function portableTerraformBlock(stackName: string, backend: StateBackend) {
  const stack = new PinpointSesStack(Testing.app(), { stackName, region: DEFAULT_REGION, backend });
  makePortable(stack);
  return JSON.parse(Testing.synth(stack)).terraform;
}

describe("makePortable", () => {
  it("gives a stack without a backend local state at a path relative to its configuration", () => {
    expect(portableTerraformBlock("email-role", { kind: "local" }).backend).toEqual({ local: { path: "terraform.email-role.tfstate" } });
  });

  it("leaves a stack's S3 backend alone and adds no local one", () => {
    const backend = portableTerraformBlock("email-role", { kind: "s3", bucket: "acme-tfstate", key: "k", region: "eu-west-1" }).backend;
    expect(Object.keys(backend)).toEqual(["s3"]);
  });

  it("names the AWS provider by its registry address, hashicorp/aws", () => {
    expect(portableTerraformBlock("email-role", { kind: "local" }).required_providers.aws).toEqual({ source: "hashicorp/aws", version: "5.100.0" });
  });
});
