/**
 * The least-privilege IAM policy for whoever runs `cdktf deploy` (or the
 * Terraform Cloud workspace) for this module: the IAM actions the AWS provider
 * sends for the role and its inline policy, on roles of one ARN pattern only,
 * and `sts:GetCallerIdentity`. A pure function: the actions come in as input.
 */
import { PATTERNS } from "../modules/iam-limits";
import { InputError } from "../tooling/command-line";
import { PINPOINT_SERVICE_PRINCIPAL, PolicyDocument, PolicyStatement } from "../modules/policy-documents";

export interface DeployerPolicyOptions {
  /** `aws`, `aws-us-gov`, `aws-cn`, ... */
  readonly partition: string;
  /** 12-digit account the role is deployed to. */
  readonly account: string;
  /** IAM path of the role (`/`, or `/name/`). */
  readonly path: string;
  /** The role's exact name; or, for a generated name, `roleNamePrefix`. */
  readonly roleName?: string;
  /** Prefix of a role name that Terraform generates. */
  readonly roleNamePrefix?: string;
  /** Also allow iam:PassRole of the role to Pinpoint (for the email channel's orchestration sending role). */
  readonly passRoleToPinpoint?: boolean;
  /** The actions the provider sends (`iam:CreateRole`, `sts:GetCallerIdentity`, ...). */
  readonly actions: readonly string[];
}

/** Thrown for an option the policy cannot be built from; the message names it. */
export class DeployerPolicyError extends InputError {}

/** Statement ids, for readers of the policy in the IAM console. */
export const DEPLOYER_SIDS = {
  role: "ManagePinpointSesSendingRole",
  caller: "ReadCallerIdentity",
  passRole: "PassSendingRoleToPinpoint",
} as const;

function check(options: DeployerPolicyOptions): void {
  const fail = (message: string) => {
    throw new DeployerPolicyError(message);
  };
  if (!/^aws(-[a-z]+)*$/.test(options.partition)) fail(`partition "${options.partition}" is not a partition like aws, aws-us-gov or aws-cn`);
  if (!/^\d{12}$/.test(options.account)) fail(`account "${options.account}" is not a 12-digit account id`);
  if (!PATTERNS.path.test(options.path)) fail(`path "${options.path}" is not "/" or "/" + printable ASCII + "/"`);
  if ((options.roleName === undefined) === (options.roleNamePrefix === undefined)) {
    fail("give the role's name or its name prefix, not both and not neither");
  }
  const name = options.roleName ?? options.roleNamePrefix ?? "";
  if (!PATTERNS.roleName.test(name)) fail(`role name or prefix "${name}" is not 1 to 64 of [A-Za-z0-9+=,.@_-]`);
  const unknown = options.actions.filter((action) => !/^(iam|sts):[A-Za-z]+$/.test(action));
  if (unknown.length > 0) fail(`actions ${unknown.join(", ")} are not IAM or STS actions`);
}

/** `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`, or `…/PREFIX*` for a generated name. */
export function deployerRoleArnPattern(options: Omit<DeployerPolicyOptions, "actions" | "passRoleToPinpoint">): string {
  const name = options.roleName ?? `${options.roleNamePrefix}*`;
  return `arn:${options.partition}:iam::${options.account}:role${options.path}${name}`;
}

/** The deployer's policy document. Throws DeployerPolicyError on a bad option. */
export function deployerPolicy(options: DeployerPolicyOptions): PolicyDocument {
  check(options);
  const role = deployerRoleArnPattern(options);
  const sorted = (service: string) => [...new Set(options.actions.filter((action) => action.startsWith(`${service}:`)))].sort();
  const statements: PolicyStatement[] = [
    { Sid: DEPLOYER_SIDS.role, Effect: "Allow", Action: sorted("iam"), Resource: role },
    // GetCallerIdentity has no resource type: it can only be allowed on "*".
    { Sid: DEPLOYER_SIDS.caller, Effect: "Allow", Action: sorted("sts"), Resource: "*" },
  ];
  if (options.passRoleToPinpoint) {
    statements.push({
      Sid: DEPLOYER_SIDS.passRole,
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: role,
      Condition: { StringEquals: { "iam:PassedToService": PINPOINT_SERVICE_PRINCIPAL } },
    });
  }
  return { Version: "2012-10-17", Statement: statements.filter((statement) => statement.Action.length > 0) };
}
