import { App } from "cdktf";
import { loadAppConfig } from "./app/config";
import { PinpointSesStack } from "./app/stack";

const app = new App();
new PinpointSesStack(app, loadAppConfig(process.env, (key) => app.node.tryGetContext(key)));
app.synth();
