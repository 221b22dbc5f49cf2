import { App } from "cdktf";
import { loadAppConfigs } from "./app/config";
import { PinpointSesStack } from "./app/stack";

const app = new App();
// One stack, or one per entry of the deployments file (PINPOINT_SES_DEPLOYMENTS_FILE).
for (const config of loadAppConfigs(process.env, (key) => app.node.tryGetContext(key))) {
  new PinpointSesStack(app, config);
}
app.synth();
