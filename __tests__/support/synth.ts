/** Synthesizes stacks in memory for tests. */
import "cdktf/lib/testing/adapters/jest";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { PinpointSesStack } from "../../app/stack";
import { AppConfig, DEFAULT_REGION, DEFAULT_STACK_NAME } from "../../app/config";
import { PinpointSesSendingRole, PinpointSesSendingRoleProps } from "../../modules";

/** A stack with an AWS provider and one construct built with `props`. */
export function constructStack(props: PinpointSesSendingRoleProps = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  const sendingRole = new PinpointSesSendingRole(stack, "sending-role", props);
  return { app, stack, sendingRole, synthesized: Testing.synth(stack) };
}

/** The app's stack for a configuration, synthesized to a Terraform JSON object. */
export function appStackJson(config: Partial<AppConfig> = {}): any {
  const app = Testing.app();
  const stack = new PinpointSesStack(app, {
    stackName: DEFAULT_STACK_NAME,
    region: DEFAULT_REGION,
    backend: { kind: "local" },
    ...config,
  });
  return JSON.parse(Testing.synth(stack));
}

/**
 * A stack like the app's (same name, provider and backend, so it shares a
 * terraform init with it) holding the construct with any props.
 */
export function constructStackJson(props: PinpointSesSendingRoleProps, region = DEFAULT_REGION): any {
  return constructsStackJson({ "pinpoint-ses-sending-role": props }, region);
}

/** The same, with one construct per entry of `constructs` (construct id → props): several cases in one configuration. */
export function constructsStackJson(constructs: { readonly [id: string]: PinpointSesSendingRoleProps }, region = DEFAULT_REGION): any {
  const app = Testing.app();
  const stack = new TerraformStack(app, DEFAULT_STACK_NAME);
  new AwsProvider(stack, "aws", { region });
  for (const [id, props] of Object.entries(constructs)) new PinpointSesSendingRole(stack, id, props);
  return JSON.parse(Testing.synth(stack));
}

/** The only resource of `type` in a synthesized stack object. */
export function onlyResource(json: any, type: string): any {
  const resources = Object.values(json.resource?.[type] ?? {});
  if (resources.length !== 1) throw new Error(`expected one ${type}, found ${resources.length}`);
  return resources[0];
}
