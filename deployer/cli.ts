/**
 * `npm run -s deployer-policy -- --partition aws --account 123456789012
 * --role-name-prefix pinpoint-ses-sending- --path / [--email-channel]`:
 * prints the least-privilege policy for whoever deploys the role.
 *
 * The actions are those the lifecycle tests see the AWS provider send
 * (deployer/observed-actions.ts, kept exact by the lifecycle tests).
 */
import { ALL_OBSERVED_ACTIONS } from "./observed-actions";
import { command, InputError, parseArguments, runFromCommandLine } from "../tooling/command-line";
import { deployerPolicy } from "./policy";

export const USAGE = "usage: deployer-policy --partition=P --account=ID (--role-name=NAME | --role-name-prefix=PREFIX) " +
  "[--path=/] [--email-channel]";

/** The command: returns the exit code; the policy goes through `write`, errors through `fail`. */
export const main = command("deployer-policy", async (argv, write) => {
  const args = parseArguments(argv,
    { withValue: ["partition", "account", "role-name", "role-name-prefix", "path"], switches: ["email-channel"] }, USAGE);
  const required = (name: string): string => {
    const value = args.value(name);
    if (value === undefined) throw new InputError(`--${name} is required; ${USAGE}`);
    return value;
  };
  const policy = deployerPolicy({
    partition: required("partition"),
    account: required("account"),
    path: args.value("path") ?? "/",
    roleName: args.value("role-name"),
    roleNamePrefix: args.value("role-name-prefix"),
    passRoleToPinpoint: args.has("email-channel"),
    actions: ALL_OBSERVED_ACTIONS,
  });
  write(`${JSON.stringify(policy, null, 2)}\n`);
  return 0;
});

if (require.main === module) runFromCommandLine(main);
