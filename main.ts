import { App } from "cdktf";
import { loadAppConfigs } from "./app/config";
import { makePortable } from "./app/portable";
import { PinpointSesStack } from "./app/stack";

try {
  const app = new App();
  // One stack, or one per entry of the deployments file (PINPOINT_SES_DEPLOYMENTS_FILE).
  for (const config of loadAppConfigs(process.env, (key) => app.node.tryGetContext(key))) {
    makePortable(new PinpointSesStack(app, config));
  }
  app.synth();
} catch (error) {
  // A bad setting is the user's to fix: its message alone, once, no stack trace.
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
