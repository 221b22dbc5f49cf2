/** The benchmark's baseline: a bare cdktf app with one AWS resource, built like ours. */
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack } from "cdktf";

const app = new App();
const stack = new TerraformStack(app, "bare");
new AwsProvider(stack, "aws", { region: "us-east-1" });
new IamRole(stack, "role", { assumeRolePolicy: "{}" });
app.synth();
