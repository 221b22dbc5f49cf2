/** Runs main.ts as cdktf does, to see what a user sees for good and bad configuration. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR, run } from "../support/terraform";

it("prints a bad environment setting once, without a stack trace, and exits 1", async () => {
  const { status, stdout, stderr } = await synthMain({ PINPOINT_SES_TAGS: "team=messaging" });
  expect({ status, stdout, stderr }).toEqual({
    status: 1,
    stdout: "",
    stderr: 'environment variable PINPOINT_SES_TAGS is "team=messaging"; expected a JSON object like {"team":"messaging"}\n',
  });
  // The README quotes this message.
  expect(fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8")).toContain(`\`${stderr.trim()}\``);
});

/** cdktf.json's app command (`node --require … main.ts`), run as the cdktf CLI runs it. */
const [, ...APP_ARGS] = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "cdktf.json"), "utf8")).app.split(" ");

async function synthMain(env: { [name: string]: string }, nodeArgs: readonly string[] = []) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "pinpoint-ses-main-"));
  const result = await run(process.execPath, [...nodeArgs, ...APP_ARGS], {
    cwd: PROJECT_DIR,
    env: { ...process.env, CDKTF_OUTDIR: outdir, ...env },
    allowFailure: true,
  });
  return { ...result, outdir };
}

describe("main.ts", () => {
  it("synthesizes the stack named by the configuration, with a local backend at a path relative to the stack's folder", async () => {
    const { status, outdir } = await synthMain({ PINPOINT_SES_STACK_NAME: "email-role", PINPOINT_SES_REGION: "eu-west-1" });
    expect(status).toBe(0);
    const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "email-role", "cdk.tf.json"), "utf8"));
    expect(json.provider.aws[0].region).toBe("eu-west-1");
    expect(json.terraform.backend).toEqual({ local: { path: "terraform.email-role.tfstate" } });
    fs.rmSync(outdir, { recursive: true });
  });

  it("does not load the settings schema (valibot) when no setting is given, so a default synth stays fast", async () => {
    const loaded = path.join(os.tmpdir(), `pinpoint-ses-loaded-${process.pid}.json`);
    const { status, outdir } = await synthMain({ LOADED_MODULES_FILE: loaded },
      ["--require", path.join(PROJECT_DIR, "__tests__", "support", "report-loaded-modules.js")]);
    const modules: string[] = JSON.parse(fs.readFileSync(loaded, "utf8"));
    fs.rmSync(loaded);
    fs.rmSync(outdir, { recursive: true });
    expect(status).toBe(0);
    expect(modules.some((file) => file.endsWith(path.join("app", "stack.ts")))).toBe(true);
    expect(modules.filter((file) => /node_modules\/valibot\/|app\/schema\.ts$/.test(file))).toEqual([]);
  });

  it("stops with the setting, the rule and the value when a value is bad, once, without a stack trace, and writes no stack", async () => {
    const { status, stderr, outdir } = await synthMain({ PINPOINT_SES_APPLICATION_IDS: "not-an-id" });
    expect({ status, stderr }).toEqual({
      status: 1,
      stderr: 'pinpointApplicationIds ["not-an-id"] has "not-an-id", which is not a Pinpoint application id (32 lowercase hex characters)\n',
    });
    expect(fs.readdirSync(outdir, { recursive: true }).filter((file) => String(file).endsWith(".tf.json"))).toEqual([]);
    fs.rmSync(outdir, { recursive: true });
  });

  it("synthesizes one stack per entry of a deployments file", async () => {
    const file = path.join(os.tmpdir(), `pinpoint-ses-deployments-${process.pid}.json`);
    fs.writeFileSync(file, JSON.stringify({ deployments: [
      { name: "prod-us", region: "us-east-1" },
      { name: "prod-eu", region: "eu-west-1", assumeRoleArn: "arn:aws:iam::222222222222:role/deployer" },
    ] }));
    const { status, outdir } = await synthMain({ PINPOINT_SES_DEPLOYMENTS_FILE: file });
    fs.rmSync(file);
    expect(status).toBe(0);
    const provider = (name: string) =>
      JSON.parse(fs.readFileSync(path.join(outdir, "stacks", name, "cdk.tf.json"), "utf8")).provider.aws[0];
    expect(provider("prod-us")).toEqual({ region: "us-east-1" });
    expect(provider("prod-eu")).toMatchObject({ region: "eu-west-1", allowed_account_ids: ["222222222222"] });
    fs.rmSync(outdir, { recursive: true });
  });

  it("stops with the entry and the field named when the deployments file is wrong, once, and writes no stack", async () => {
    const file = path.join(os.tmpdir(), `pinpoint-ses-bad-deployments-${process.pid}.json`);
    fs.writeFileSync(file, JSON.stringify({ deployments: [{ name: "prod-us", region: "us-east-1", options: { sesIdentity: [] } }] }));
    const { status, stderr, outdir } = await synthMain({ PINPOINT_SES_DEPLOYMENTS_FILE: file });
    fs.rmSync(file);
    expect({ status, stderr }).toEqual({
      status: 1,
      stderr: `deployments file ${file}: deployments[0] ("prod-us").options.sesIdentity is not a field here; expected one of ` +
        "roleName, roleNamePrefix, path, description, permissionsBoundaryArn, maxSessionDuration, policyName, " +
        "sesIdentities, configurationSets, pinpointApplicationIds, tags, emailChannel\n",
    });
    expect(fs.readdirSync(outdir, { recursive: true }).filter((entry) => String(entry).endsWith(".tf.json"))).toEqual([]);
    fs.rmSync(outdir, { recursive: true });
  });
});
