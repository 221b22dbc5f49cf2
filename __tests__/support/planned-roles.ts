/**
 * Sending roles in the default and a scoped configuration, one of each per
 * partition, in one stack (an aliased provider per Region), so a single
 * `terraform plan` gives the documents of all six as Terraform plans them.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { DEFAULT_STACK_NAME } from "../../app/config";
import { PinpointSesSendingRole, PinpointSesSendingRoleProps } from "../../modules";
import { CaseScope, RoleDocuments } from "../../review/simulation";
import { PlanJson } from "./terraform";

export const ACCOUNT = "210987654321";

export const PLACEMENTS = [
  { partition: "aws", region: "us-east-1" },
  { partition: "aws-us-gov", region: "us-gov-west-1" },
  { partition: "aws-cn", region: "cn-north-1" },
] as const;

export const APP_IDS = ["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"];

/** The boundary of the scoped role: it lets through ses:SendEmail and nothing else. */
export const SEND_EMAIL_ONLY_BOUNDARY = {
  Version: "2012-10-17",
  Statement: [{ Sid: "SendEmailOnly", Effect: "Allow", Action: "ses:SendEmail", Resource: "*" }],
};

/** One role of the stack: its construct props and what the cases expect of it. */
export interface PlannedRole {
  /** Construct id, unique in the stack. */
  readonly id: string;
  readonly shape: "default" | "scoped";
  readonly partition: string;
  readonly region: string;
  readonly props: PinpointSesSendingRoleProps;
  readonly scope: CaseScope;
  readonly boundary?: unknown;
}

function plannedRole(shape: PlannedRole["shape"], at: (typeof PLACEMENTS)[number]): PlannedRole {
  const id = `${shape}_${at.partition.replace(/-/g, "_")}`;
  const where = { partition: at.partition, region: at.region, account: ACCOUNT };
  if (shape === "default") {
    // The name is generated at apply; any name with the default prefix stands for it.
    return { id, shape, ...at, props: {}, scope: { ...where, roleArn: `arn:${at.partition}:iam::${ACCOUNT}:role/pinpoint-ses-sending-EXAMPLE` } };
  }
  const scoped = {
    roleName: "pinpoint-email-sender",
    path: "/messaging/",
    sesIdentities: ["example.com", "news@example.org"],
    configurationSets: ["marketing"],
    pinpointApplicationIds: APP_IDS,
  };
  return {
    id,
    shape,
    ...at,
    props: { ...scoped, permissionsBoundaryArn: `arn:${at.partition}:iam::${ACCOUNT}:policy/boundaries/send-email-only` },
    scope: {
      ...where,
      ...scoped,
      roleArn: `arn:${at.partition}:iam::${ACCOUNT}:role/messaging/pinpoint-email-sender`,
      boundaryBlocks: ["ses:SendRawEmail"],
    },
    boundary: SEND_EMAIL_ONLY_BOUNDARY,
  };
}

/** The default and the scoped role in each partition. */
export const PLANNED_ROLES: readonly PlannedRole[] =
  PLACEMENTS.flatMap((at) => [plannedRole("default", at), plannedRole("scoped", at)]);

/** Terraform addresses of a role's `aws_iam_role` and `aws_iam_role_policy`. */
export interface RoleAddresses {
  readonly role: string;
  readonly policy: string;
}

/**
 * The stack holding every role of `roles`, each through the provider of its
 * Region, and the addresses cdktf gave each role's resources.
 */
export function plannedRolesStack(roles: ReadonlyArray<Pick<PlannedRole, "id" | "region" | "props">> = PLANNED_ROLES) {
  const app = Testing.app();
  const stack = new TerraformStack(app, DEFAULT_STACK_NAME);
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  const providers = new Map<string, AwsProvider>();
  const addresses = new Map<string, RoleAddresses>();
  for (const role of roles) {
    const provider = providers.get(role.region) ??
      new AwsProvider(stack, `aws-${role.region}`, { region: role.region, alias: role.region });
    providers.set(role.region, provider);
    const construct = new PinpointSesSendingRole(stack, role.id, { ...role.props, provider });
    addresses.set(role.id, {
      role: `aws_iam_role.${construct.role.friendlyUniqueId}`,
      policy: `aws_iam_role_policy.${construct.policy.friendlyUniqueId}`,
    });
  }
  return { stackJson: JSON.parse(Testing.synth(stack)) as object, addresses };
}

/** The planned documents of one role, parsed from the plan's JSON strings. */
export function plannedDocuments(plan: PlanJson, addresses: RoleAddresses, boundary?: unknown): RoleDocuments {
  const after = (address: string) => {
    const change = (plan.resource_changes ?? []).find((candidate) => candidate.address === address);
    if (!change) throw new Error(`${address} is not in the plan`);
    return change.change.after;
  };
  const policy = after(addresses.policy);
  return {
    trust: JSON.parse(after(addresses.role).assume_role_policy),
    permissions: [{ name: policy.name, document: JSON.parse(policy.policy) }],
    boundary,
  };
}
