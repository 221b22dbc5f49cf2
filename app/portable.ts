import { LocalBackend, TerraformBackend, TerraformStack } from "cdktf";

/**
 * Makes what `cdktf synth` writes for `stack` portable: without another
 * backend, local state at a path relative to the stack's configuration
 * (cdktf's default is this machine's absolute path), and the provider by its
 * registry address, as hand-written Terraform has it (the binding writes "aws").
 */
export function makePortable(stack: TerraformStack): void {
  if (!stack.node.findAll().some(TerraformBackend.isBackend)) {
    new LocalBackend(stack, { path: `terraform.${stack.node.id}.tfstate` });
  }
  stack.addOverride("terraform.required_providers.aws.source", "hashicorp/aws");
}
