/**
 * `npm run try-local`: runs `cdktf deploy --auto-approve` and then
 * `cdktf destroy --auto-approve` on this app against an IAM and STS endpoint
 * that this script serves on 127.0.0.1, so that you see a real Terraform plan
 * and apply without an AWS account. The app runs from a temporary copy, so no
 * state or cdktf.out/ is left in the project; the endpoint stops at the end.
 *
 * Offline, name a provider mirror: TERRAFORM_PROVIDER_MIRROR=/opt/tf-plugins.
 */
import * as path from "path";
import { LocalAwsEndpoint, StoredRole } from "../__tests__/support/aws-endpoint";
import { CdktfAppCopy } from "../__tests__/support/cdktf-app";
import { terraformEnv } from "../tooling/terraform-cli-config";

const PROJECT_DIR = path.resolve(__dirname, "..");

function heading(text: string): void {
  process.stdout.write(`\n=== ${text}\n\n`);
}

/** What the endpoint holds for a role, as IAM would show it. */
function describeRole(role: StoredRole): string {
  const policies = [...role.policies].map(([name, text]) =>
    `Inline policy ${name}:\n${JSON.stringify(JSON.parse(text), null, 2)}`);
  return [`Role ${role.arn} (id ${role.id})`, `Trust policy:\n${JSON.stringify(JSON.parse(role.assumeRolePolicy), null, 2)}`,
    ...policies].join("\n");
}

async function main(): Promise<void> {
  const endpoint = await LocalAwsEndpoint.start({ maxLifetimeMs: 10 * 60_000 });
  const app = CdktfAppCopy.create("try-local");
  try {
    // The same variables you would set to point Terraform at any IAM endpoint.
    const env = { ...terraformEnv(PROJECT_DIR), ...endpoint.env() };
    heading(`Local IAM and STS endpoint on ${endpoint.url}, account ${endpoint.account}`);
    heading("cdktf deploy --auto-approve");
    await app.deploy(env, { echo: true });
    heading("What the local IAM endpoint now holds");
    process.stdout.write(`${endpoint.roles().map(describeRole).join("\n\n")}\n`);
    heading("cdktf destroy --auto-approve");
    await app.destroy(env, { echo: true });
    heading(`Done: ${endpoint.roles().length} roles left; the provider called ${[...new Set(endpoint.actions())].sort().join(", ")}`);
  } finally {
    await endpoint.stop();
    app.remove();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`try-local failed: ${error.message}\n`);
  process.exitCode = 1;
});
