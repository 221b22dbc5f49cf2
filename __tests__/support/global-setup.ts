/** Fails the run early, with a clear message, when terraform is needed but missing. */
import { spawnSync } from "child_process";

const MINIMUM = [1, 5];

export default function globalSetup(): void {
  if (process.env.TERRAFORM_TESTS === "off") {
    process.stdout.write("\nTERRAFORM_TESTS=off: the Terraform-backed tests in __tests__/terraform are not run.\n");
    return;
  }
  const probe = spawnSync("terraform", ["version", "-json"], { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  if (probe.error || probe.status !== 0) {
    throw new Error("terraform was not found on PATH. The Terraform-backed tests need Terraform >= 1.5 " +
      "(https://developer.hashicorp.com/terraform/install); to run only the unit tests, set TERRAFORM_TESTS=off.");
  }
  const version: string = JSON.parse(probe.stdout).terraform_version;
  const [major, minor] = version.split(".").map(Number);
  if (major < MINIMUM[0] || (major === MINIMUM[0] && minor < MINIMUM[1])) {
    throw new Error(`terraform ${version} is too old; the tests need Terraform >= ${MINIMUM.join(".")}`);
  }
}
