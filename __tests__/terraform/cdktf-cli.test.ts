/**
 * The user's own commands: `cdktf deploy --auto-approve` and `cdktf destroy
 * --auto-approve` on the real app (main.ts through cdktf.json), against moto,
 * configured only by environment variables a user would set
 * (AWS_ENDPOINT_URL_IAM/_STS, credentials, TF_CLI_CONFIG_FILE). The CLI hands
 * its environment to the terraform commands it runs, which start their
 * provider as they do on a user's machine.
 */
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_STACK_NAME } from "../../app/config";
import { CdktfAppCopy } from "../support/cdktf-app";
import { EmulatedAccount } from "../support/emulator";
import { documentsOf, seedDocuments } from "../support/lifecycle";
import { PROJECT_DIR, testEnv } from "../support/terraform";

const PROJECT_STATE = path.join(PROJECT_DIR, `terraform.${DEFAULT_STACK_NAME}.tfstate`);

/** Whether and when the project's own state file was written, to show a run leaves it alone. */
const projectStateStamp = () => (fs.existsSync(PROJECT_STATE) ? fs.statSync(PROJECT_STATE).mtimeMs : "absent");

let aws: EmulatedAccount;
let app: CdktfAppCopy;
let env: NodeJS.ProcessEnv;
let stampBefore: number | string;

beforeAll(async () => {
  aws = await EmulatedAccount.open();
  app = CdktfAppCopy.create("cdktf-cli");
  env = testEnv(aws.env);
  stampBefore = projectStateStamp();
  await app.deploy(env);
});

afterAll(() => app?.remove());

describe("cdktf deploy --auto-approve", () => {
  it("creates one role with exactly the seed's documents", async () => {
    const roles = await aws.iam.roles();
    expect(roles).toHaveLength(1);
    expect(documentsOf(roles[0])).toEqual(seedDocuments({ partition: "aws", region: "us-east-1", account: aws.account }));
  });

  it("writes the role's ARN and name to the outputs file", async () => {
    const [role] = await aws.iam.roles();
    expect(app.outputs()).toEqual({ [DEFAULT_STACK_NAME]: { role_arn: role.arn, role_name: role.name } });
  });

  it("keeps its state in the app's directory, with the role and its policy", () => {
    const types = app.state(DEFAULT_STACK_NAME).resources.map((resource: any) => `${resource.mode}.${resource.type}`);
    expect(types).toEqual(expect.arrayContaining(["managed.aws_iam_role", "managed.aws_iam_role_policy"]));
  });
});

describe("then cdktf destroy --auto-approve", () => {
  beforeAll(() => app.destroy(env));

  it("deletes the role and its policy", async () => {
    expect(await aws.iam.roles()).toEqual([]);
  });

  it("leaves the app's state empty", () => {
    expect(app.state(DEFAULT_STACK_NAME).resources).toEqual([]);
  });

  it("wrote no state into the project directory", () => {
    expect(projectStateStamp()).toBe(stampBefore);
  });
});
