/**
 * `npm run -s deployer-policy -- …` (USAGE): prints the boundary policy for the
 * sending role and the deployer's policy (docs/deployer-policy.md), or with
 * `--only` just that document, ready for `aws iam create-policy`. The actions
 * are those the lifecycle tests see the AWS provider send (observed-actions.ts).
 */
import { ALL_OBSERVED_ACTIONS } from "./observed-actions";
import { command, InputError, parseArguments, runFromCommandLine } from "../tooling/command-line";
import { boundaryPolicy, boundaryPolicyArn, deployerPolicy } from "./policy";

export const USAGE = "usage: deployer-policy --partition=P --account=ID (--role-name=NAME | --role-name-prefix=PREFIX) " +
  "[--path=/] [--boundary-name=NAME] [--email-channel [--region=R] [--pinpoint-application-id=ID]...] [--only=boundary|deployer]";

export const main = command("deployer-policy", async (argv, write) => {
  const args = parseArguments(argv, {
    withValue: ["partition", "account", "role-name", "role-name-prefix", "path", "boundary-name", "region", "pinpoint-application-id", "only"],
    switches: ["email-channel"],
  }, USAGE);
  const required = (name: string): string => {
    const value = args.value(name);
    if (value === undefined) throw new InputError(`--${name} is required; ${USAGE}`);
    return value;
  };
  const only = args.value("only");
  if (only !== undefined && only !== "boundary" && only !== "deployer") {
    throw new InputError(`--only "${only}" is not boundary or deployer; ${USAGE}`);
  }
  const applicationIds = args.values("pinpoint-application-id");
  const options = {
    partition: required("partition"),
    account: required("account"),
    path: args.value("path") ?? "/",
    roleName: args.value("role-name"),
    roleNamePrefix: args.value("role-name-prefix"),
    boundaryName: args.value("boundary-name"),
    emailChannel: args.has("email-channel"),
    region: args.value("region"),
    pinpointApplicationIds: applicationIds.length > 0 ? applicationIds : undefined,
    actions: ALL_OBSERVED_ACTIONS,
  };
  const deployer = deployerPolicy(options);
  const printed = only === "boundary" ? boundaryPolicy(options)
    : only === "deployer" ? deployer
      : { BoundaryPolicyArn: boundaryPolicyArn(options), BoundaryPolicy: boundaryPolicy(options), DeployerPolicy: deployer };
  write(`${JSON.stringify(printed, null, 2)}\n`);
  return 0;
});

if (require.main === module) runFromCommandLine(main);
