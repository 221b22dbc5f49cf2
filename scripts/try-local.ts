/**
 * `npm run try-local`: a real Terraform plan, its IAM review, an apply of that plan and a destroy of this app, without an AWS
 * account: the AWS provider talks to moto (an AWS emulator, `moto_server`), started on 127.0.0.1 for the run. The app runs
 * from a temporary copy, so no state is left in the project; the plan JSON and its review go to try-local.out/.
 * Offline, name a provider mirror: TERRAFORM_PROVIDER_MIRROR=/opt/tf-plugins.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_STACK_NAME } from "../app/config";
import { CdktfAppCopy } from "../__tests__/support/cdktf-app";
import { endpointEnv } from "../__tests__/support/emulator";
import { IamClient, RoleView } from "../__tests__/support/iam-client";
import { PROJECT_DIR, run } from "../__tests__/support/terraform";
import { command, parseArguments, runFromCommandLine } from "../tooling/command-line";
import { MOTO_INSTALL_HINT, motoServerOnPath, startMotoServer } from "../tooling/moto-server";
import { providerInstallProblem } from "../tooling/provider-probe";
import { MIRROR_ENV, terraformEnv } from "../tooling/terraform-cli-config";

const USAGE = "usage: try-local [--out=DIR]  (plan JSON and its review to DIR, default try-local.out)";

/** What IAM holds for a role. */
function describeRole(role: RoleView): string {
  const json = (text: string) => JSON.stringify(JSON.parse(text), null, 2);
  return [`Role ${role.arn} (id ${role.id})`, `Trust policy:\n${json(role.assumeRolePolicy)}`,
    ...[...role.policies].map(([name, text]) => `Inline policy ${name}:\n${json(text)}`)].join("\n");
}

runFromCommandLine(command("try-local", async (argv, write, fail) => {
  const args = parseArguments(argv, { withValue: ["out"], positionals: false }, USAGE);
  const outDir = path.resolve(args.value("out") ?? path.join(PROJECT_DIR, "try-local.out"));
  const heading = (text: string) => write(`\n=== ${text}\n\n`);
  // A path as the user would type it: relative inside the project, absolute elsewhere.
  const shown = (file: string) => (file.startsWith(`${PROJECT_DIR}${path.sep}`) ? path.relative(PROJECT_DIR, file) : file);
  try {
    // Before anything slow: can terraform install the provider here?
    const problem = providerInstallProblem(terraformEnv(PROJECT_DIR));
    if (problem) throw new Error(`${problem}; name a provider mirror: ${MIRROR_ENV}=DIR npm run try-local`);
    if (!motoServerOnPath()) throw new Error(`moto_server, the AWS emulator it runs against, is not on PATH; ${MOTO_INSTALL_HINT}`);
    fs.mkdirSync(outDir, { recursive: true });
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "try-local-moto-"));
    const moto = await startMotoServer({
      recording: path.join(scratch, "requests.jsonl"), log: path.join(scratch, "moto.log"), maxLifetimeMs: 10 * 60_000,
    });
    const app = CdktfAppCopy.create("try-local");
    try {
      // The same variables you would set to point Terraform at any IAM endpoint. moto answers any key with its
      // default account. Not on a terminal: CI=1 (cdktf prints no spinner frames) and --no-color (no escape sequences).
      const terminal = process.stdout.isTTY === true;
      const iam = new IamClient(moto.url, "try-local");
      const env = { ...terraformEnv(PROJECT_DIR), ...endpointEnv(moto.url, "try-local"), ...(terminal ? {} : { CI: "1" }) };
      const cli = { echo: true, args: terminal ? [] : ["--no-color"] };
      const inStack = { cwd: app.stackDir(DEFAULT_STACK_NAME), env, timeoutMs: 5 * 60_000 };
      const plan = path.join(outDir, "plan.json");
      const review = path.join(outDir, "review.md");
      heading(`moto_server (IAM and STS) on ${moto.url}, account ${await iam.callerAccount()}`);
      heading("cdktf synth, then terraform plan");
      await app.synth(env, cli);
      await run("terraform", ["init", "-input=false", "-no-color"], inStack);
      await run("terraform", ["plan", "-input=false", "-no-color", "-lock=false", "-out=tfplan"], inStack);
      fs.writeFileSync(plan, (await run("terraform", ["show", "-json", "tfplan"], inStack)).stdout);
      await run("npm", ["run", "-s", "review", "--", plan, `--out=${review}`], { cwd: PROJECT_DIR, timeoutMs: 2 * 60_000 });
      // The plan that was reviewed is the one applied.
      heading("terraform apply of the reviewed plan");
      await run("terraform", ["apply", "-input=false", "-no-color", "-lock=false", "tfplan"], { ...inStack, echo: true });
      heading("What IAM now holds");
      write(`${(await iam.roles()).map(describeRole).join("\n\n")}\n`);
      heading("terraform destroy -auto-approve");
      await run("terraform", ["destroy", "-input=false", "-no-color", "-lock=false", "-auto-approve"], { ...inStack, echo: true });
      heading(`Done: ${(await iam.roles()).length} roles left`);
      write(`Plan JSON: ${shown(plan)}\nReview:    ${shown(review)}\n`);
    } finally {
      moto.stop();
      app.remove();
      fs.rmSync(scratch, { recursive: true, force: true });
    }
    return 0;
  } catch (error) {
    fail(`try-local: ${(error as Error).message.trim()}\n`);
    return 1;
  }
}));
