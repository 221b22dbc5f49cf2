/**
 * The user's own commands: `cdktf deploy --auto-approve` and `cdktf destroy
 * --auto-approve` on the real app (main.ts through cdktf.json), against the
 * local endpoint, configured only by environment variables a user would set
 * (AWS_ENDPOINT_URL_IAM/_STS, credentials, TF_CLI_CONFIG_FILE). The CLI hands
 * its environment to the terraform commands it runs, so they attach to
 * started providers as the scenarios' do (TF_REATTACH_PROVIDERS); the path
 * on which terraform starts its own provider is `npm run try-local`'s.
 */
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_STACK_NAME } from "../../app/config";
import { LocalAwsEndpoint } from "../support/aws-endpoint";
import { CdktfAppCopy } from "../support/cdktf-app";
import { documentsOf, expectOnlyRecordedActions, initialisedWorkdir, onlyRole, seedDocuments } from "../support/lifecycle";
import { AttachableProvider, attachableAwsProvider, projectTypes, withProvider } from "../support/provider-pool";
import { PROJECT_DIR, testEnv } from "../support/terraform";

const ACCOUNT = "789012345678";
const PROJECT_STATE = path.join(PROJECT_DIR, `terraform.${DEFAULT_STACK_NAME}.tfstate`);

/** Whether and when the project's own state file was written, to show a run leaves it alone. */
const projectStateStamp = () => (fs.existsSync(PROJECT_STATE) ? fs.statSync(PROJECT_STATE).mtimeMs : "absent");

let endpoint: LocalAwsEndpoint;
let app: CdktfAppCopy;
let env: NodeJS.ProcessEnv;
let stampBefore: number | string;
let provider: AttachableProvider;
/** Runs a cdktf command whose terraform commands attach to started providers (provider-pool.ts). */
const attached = <T>(command: (attachedEnv: NodeJS.ProcessEnv) => Promise<T>) =>
  withProvider(provider, env, (reattach) => command(reattach ? { ...env, TF_REATTACH_PROVIDERS: reattach } : env));

beforeAll(async () => {
  endpoint = await LocalAwsEndpoint.start({ account: ACCOUNT });
  app = CdktfAppCopy.create("cdktf-cli");
  env = testEnv(endpoint.env());
  stampBefore = projectStateStamp();
  const shared = await initialisedWorkdir("cdktf-cli-provider");
  provider = { binary: (attachableAwsProvider(shared.dir) as AttachableProvider).binary, needs: projectTypes };
  shared.remove();
  await attached((attachedEnv) => app.deploy(attachedEnv));
});

afterAll(async () => {
  await endpoint?.stop();
  app?.remove();
});

describe("cdktf deploy --auto-approve", () => {
  it("creates the role with exactly the seed's documents", () => {
    expect(documentsOf(onlyRole(endpoint))).toEqual(seedDocuments({ partition: "aws", region: "us-east-1", account: ACCOUNT }));
  });

  it("writes the role's ARN and name to the outputs file", () => {
    const role = onlyRole(endpoint);
    expect(app.outputs()).toEqual({ [DEFAULT_STACK_NAME]: { role_arn: role.arn, role_name: role.name } });
  });

  it("keeps its state in the app's directory, with the role and its policy", () => {
    const types = app.state(DEFAULT_STACK_NAME).resources.map((resource: any) => `${resource.mode}.${resource.type}`);
    expect(types).toEqual(expect.arrayContaining(["managed.aws_iam_role", "managed.aws_iam_role_policy"]));
  });
});

describe("then cdktf destroy --auto-approve", () => {
  beforeAll(() => attached((attachedEnv) => app.destroy(attachedEnv)));

  it("deletes the role and its policy from the endpoint", () => {
    expect(endpoint.roles()).toEqual([]);
  });

  it("leaves the app's state empty", () => {
    expect(app.state(DEFAULT_STACK_NAME).resources).toEqual([]);
  });

  it("wrote no state into the project directory", () => {
    expect(projectStateStamp()).toBe(stampBefore);
  });

  it("sent only recorded actions", () => expectOnlyRecordedActions(endpoint));
});
