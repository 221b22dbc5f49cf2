/**
 * The two policies of the delegated-administrator pattern (IAM User Guide,
 * "Permissions boundaries for IAM entities"): a **boundary** that caps every
 * sending role at sending email through the account's SES identities and
 * configuration sets, and the **deployer policy** for whoever runs
 * `cdktf deploy`, which may create and change roles under its ARN pattern
 * only while they carry that boundary, can never remove it or change the
 * boundary policy itself, and can pass the role only to Pinpoint.
 * Pure functions: the actions the provider sends come in as input.
 */
import { PATTERNS } from "../modules/iam-limits";
import { InputError } from "../tooling/command-line";
import { PINPOINT_SERVICE_PRINCIPAL, PolicyDocument, PolicyStatement, SES_SEND_ACTIONS } from "../modules/policy-documents";

/** The boundary policy's name when none is given. */
const DEFAULT_BOUNDARY_NAME = "PinpointSesSendingBoundary";

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
  /** Name of the boundary policy (a customer managed policy at path `/`). @default "PinpointSesSendingBoundary" */
  readonly boundaryName?: string;
  /**
   * Also deploy the Pinpoint email channel: `iam:PassRole` of the role to
   * Pinpoint, and the `mobiletargeting` actions on the projects' email channels.
   */
  readonly emailChannel?: boolean;
  /** Region of the Pinpoint projects. @default - any Region ("*") */
  readonly region?: string;
  /** Ids of the Pinpoint projects whose email channel is deployed. @default - every project of the account */
  readonly pinpointApplicationIds?: readonly string[];
  /** The actions the provider sends (`iam:CreateRole`, `sts:GetCallerIdentity`, `mobiletargeting:GetEmailChannel`, ...). */
  readonly actions: readonly string[];
}

/** Statement ids, for readers of the policies in the IAM console. */
export const DEPLOYER_SIDS = {
  read: "ReadSendingRoles",
  writeWithBoundary: "ChangeSendingRolesOnlyWithTheBoundary",
  tag: "TagSendingRoles",
  keepBoundary: "NeverRemoveABoundary",
  keepBoundaryPolicy: "NeverChangeTheBoundaryPolicy",
  caller: "ReadCallerIdentity",
  passRole: "PassSendingRoleToPinpointOnly",
  emailChannel: "ManagePinpointEmailChannels",
  boundary: "SendEmailThroughTheAccountsSesResourcesOnly",
} as const;

/**
 * IAM actions that change nothing; allowed without a boundary condition so
 * that a role can be read (and adopted) before it carries the boundary.
 */
export const READ_ACTIONS: readonly string[] = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies",
  "iam:ListInstanceProfilesForRole", "iam:ListRolePolicies", "iam:ListRoleTags"];

/**
 * Write actions for which IAM sets no `iam:PermissionsBoundary` key (Service
 * Authorization Reference): a condition on it would deny them always. Tags
 * grant no permission by themselves.
 */
export const ACTIONS_WITHOUT_BOUNDARY_KEY: readonly string[] = ["iam:TagRole", "iam:UntagRole"];

/** Actions that could lift the boundary: denied whatever else allows them. */
const BOUNDARY_REMOVAL_ACTIONS: readonly string[] = ["iam:DeleteRolePermissionsBoundary"];

/** Actions that would change or delete the boundary policy itself: denied on it. */
const BOUNDARY_POLICY_CHANGES: readonly string[] = ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion",
  "iam:SetDefaultPolicyVersion"];

/** A statement of these policies, its fields in the usual order. */
function statement(Sid: string, Effect: PolicyStatement["Effect"], Action: PolicyStatement["Action"], Resource: string | string[],
  Condition?: PolicyStatement["Condition"]): PolicyStatement {
  return { Sid, Effect, Action, Resource, ...(Condition && { Condition }) };
}

/** Throws an InputError naming the first option the policy cannot be built from. */
function check(options: DeployerPolicyOptions): void {
  const fail = (message: string) => {
    throw new InputError(message);
  };
  if (!/^aws(-[a-z]+)*$/.test(options.partition)) fail(`partition "${options.partition}" is not a partition like aws, aws-us-gov or aws-cn`);
  if (!/^\d{12}$/.test(options.account)) fail(`account "${options.account}" is not a 12-digit account id`);
  if (!PATTERNS.path.test(options.path)) fail(`path "${options.path}" is not "/" or "/" + printable ASCII + "/"`);
  if ((options.roleName === undefined) === (options.roleNamePrefix === undefined)) {
    fail("give the role's name or its name prefix, not both and not neither");
  }
  const name = options.roleName ?? options.roleNamePrefix ?? "";
  if (!PATTERNS.roleName.test(name)) fail(`role name or prefix "${name}" is not 1 to 64 of [A-Za-z0-9+=,.@_-]`);
  const boundary = options.boundaryName ?? DEFAULT_BOUNDARY_NAME;
  if (!/^[A-Za-z0-9+=,.@_-]{1,128}$/.test(boundary)) fail(`boundary name "${boundary}" is not 1 to 128 of [A-Za-z0-9+=,.@_-]`);
  if (options.region !== undefined && !PATTERNS.region.test(options.region)) {
    fail(`region "${options.region}" is not an AWS Region name (like us-east-1)`);
  }
  const badApp = options.pinpointApplicationIds?.find((id) => !PATTERNS.pinpointApplicationId.test(id));
  if (badApp !== undefined) fail(`Pinpoint application id "${badApp}" is not 32 lowercase hex characters`);
  if (options.pinpointApplicationIds && !options.emailChannel) fail("Pinpoint application ids are only used with the email channel");
  const unknown = options.actions.filter((action) => !/^(iam|sts|mobiletargeting):[A-Za-z]+$/.test(action));
  if (unknown.length > 0) fail(`actions ${unknown.join(", ")} are not IAM, STS or Pinpoint actions`);
}

/** ARN of the boundary policy. */
export function boundaryPolicyArn(options: Pick<DeployerPolicyOptions, "partition" | "account" | "boundaryName">): string {
  return `arn:${options.partition}:iam::${options.account}:policy/${options.boundaryName ?? DEFAULT_BOUNDARY_NAME}`;
}

/** The most a sending role may ever do: send through the account's SES identities and configuration sets, any Region. */
export function boundaryPolicy(options: Pick<DeployerPolicyOptions, "partition" | "account">): PolicyDocument {
  const ses = (type: string) => `arn:${options.partition}:ses:*:${options.account}:${type}/*`;
  const resources = [ses("identity"), ses("configuration-set")];
  return { Version: "2012-10-17", Statement: [statement(DEPLOYER_SIDS.boundary, "Allow", SES_SEND_ACTIONS, resources)] };
}

/** The deployer's policy document. Throws an InputError on a bad option. */
export function deployerPolicy(options: DeployerPolicyOptions): PolicyDocument {
  check(options);
  // The role's ARN, or `…/PREFIX*` for a generated name.
  const name = options.roleName ?? `${options.roleNamePrefix}*`;
  const role = `arn:${options.partition}:iam::${options.account}:role${options.path}${name}`;
  const boundary = boundaryPolicyArn(options);
  const of = (service: string, keep: (action: string) => boolean = () => true) =>
    [...new Set(options.actions.filter((action) => action.startsWith(`${service}:`) && keep(action)))].sort();
  const isOneOf = (list: readonly string[]) => (action: string) => list.includes(action);
  const isWrite = (action: string) => ![...READ_ACTIONS, ...ACTIONS_WITHOUT_BOUNDARY_KEY, ...BOUNDARY_REMOVAL_ACTIONS].includes(action);
  const withBoundary = { StringEquals: { "iam:PermissionsBoundary": boundary } };
  const statements = [
    statement(DEPLOYER_SIDS.read, "Allow", of("iam", isOneOf(READ_ACTIONS)), role),
    statement(DEPLOYER_SIDS.writeWithBoundary, "Allow", of("iam", isWrite), role, withBoundary),
    statement(DEPLOYER_SIDS.tag, "Allow", of("iam", isOneOf(ACTIONS_WITHOUT_BOUNDARY_KEY)), role),
    statement(DEPLOYER_SIDS.keepBoundary, "Deny", [...BOUNDARY_REMOVAL_ACTIONS], "*"),
    statement(DEPLOYER_SIDS.keepBoundaryPolicy, "Deny", [...BOUNDARY_POLICY_CHANGES], boundary),
    // GetCallerIdentity has no resource type: it can only be allowed on "*".
    statement(DEPLOYER_SIDS.caller, "Allow", of("sts"), "*"),
  ];
  if (options.emailChannel) {
    // The email channels of the projects given, or of every project.
    const apps = `arn:${options.partition}:mobiletargeting:${options.region ?? "*"}:${options.account}:apps`;
    const channels = (options.pinpointApplicationIds ?? ["*"]).map((id) => `${apps}/${id}/channels/email`);
    const toPinpoint = { StringEquals: { "iam:PassedToService": PINPOINT_SERVICE_PRINCIPAL } };
    statements.push(statement(DEPLOYER_SIDS.passRole, "Allow", "iam:PassRole", role, toPinpoint),
      statement(DEPLOYER_SIDS.emailChannel, "Allow", of("mobiletargeting"), channels));
  }
  return { Version: "2012-10-17", Statement: statements.filter((statement) => statement.Action.length > 0) };
}
