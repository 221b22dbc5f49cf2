// A cdktf app of another team that installs this package: the README's usage
// example. It runs where it is (package.json takes the package from this
// repository); __tests__/terraform/examples.test.ts synthesizes it, and
// __tests__/package/version-matrix.terraform.test.ts runs it (on CDK Terrain
// with cdktn's imports) in apps that install the packed tarball.
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformOutput, TerraformStack } from "cdktf";
import { PinpointSesSendingRole } from "pinpoint-ses-sending-role";

const app = new App();
const stack = new TerraformStack(app, "consumer");
new AwsProvider(stack, "aws", { region: "eu-west-1" });

const sender = new PinpointSesSendingRole(stack, "sender", {
  roleNamePrefix: "consumer-",
  sesIdentities: ["example.com"],
});

new TerraformOutput(stack, "arn", { value: sender.roleArn });
app.synth();
