/**
 * The types of the framework and AWS provider binding the app has: cdktf with
 * `@cdktf/provider-aws`, or CDK Terrain with `cdktn` and `@cdktn/provider-aws`.
 * An app has one of the two, so one import of each pair below finds no module.
 * Each `@ts-ignore` lets that one be `any` (with or without the app's
 * `skipLibCheck`), and `Either` picks the other: a cdktf app sees cdktf's
 * classes, a CDK Terrain app cdktn's. Where both are installed, cdktf's win.
 *
 * Written by hand and copied to lib/ by `npm run build`: tsc drops the
 * `@ts-ignore` comments from the declarations it emits. framework.ts finds the
 * same packages at run time.
 */

/**
 * `Cdktf` unless it is `any` (its package is not installed), else `Cdktn`.
 * In brackets: a type of a module not found is an error type, and a
 * conditional type that tests one directly is itself `any`.
 */
type Either<Cdktf, Cdktn> = [0] extends [1 & Cdktf] ? Cdktn : Cdktf;

// @ts-ignore: not installed in a CDK Terrain app
import type * as cdktf from "cdktf";
// @ts-ignore: not installed in a cdktf app
import type * as cdktn from "cdktn";
// @ts-ignore: not installed in a CDK Terrain app
import type * as cdktfCallerIdentity from "@cdktf/provider-aws/lib/data-aws-caller-identity";
// @ts-ignore: not installed in a cdktf app
import type * as cdktnCallerIdentity from "@cdktn/provider-aws/lib/data-aws-caller-identity";
// @ts-ignore: not installed in a CDK Terrain app
import type * as cdktfPartition from "@cdktf/provider-aws/lib/data-aws-partition";
// @ts-ignore: not installed in a cdktf app
import type * as cdktnPartition from "@cdktn/provider-aws/lib/data-aws-partition";
// @ts-ignore: not installed in a CDK Terrain app
import type * as cdktfRegion from "@cdktf/provider-aws/lib/data-aws-region";
// @ts-ignore: not installed in a cdktf app
import type * as cdktnRegion from "@cdktn/provider-aws/lib/data-aws-region";
// @ts-ignore: not installed in a CDK Terrain app
import type * as cdktfIamRole from "@cdktf/provider-aws/lib/iam-role";
// @ts-ignore: not installed in a cdktf app
import type * as cdktnIamRole from "@cdktn/provider-aws/lib/iam-role";
// @ts-ignore: not installed in a CDK Terrain app
import type * as cdktfIamRolePolicy from "@cdktf/provider-aws/lib/iam-role-policy";
// @ts-ignore: not installed in a cdktf app
import type * as cdktnIamRolePolicy from "@cdktn/provider-aws/lib/iam-role-policy";
// @ts-ignore: not installed in a CDK Terrain app
import type * as cdktfPoliciesExclusive from "@cdktf/provider-aws/lib/iam-role-policies-exclusive";
// @ts-ignore: not installed in a cdktf app
import type * as cdktnPoliciesExclusive from "@cdktn/provider-aws/lib/iam-role-policies-exclusive";
// @ts-ignore: not installed in a CDK Terrain app
import type * as cdktfEmailChannel from "@cdktf/provider-aws/lib/pinpoint-email-channel";
// @ts-ignore: not installed in a cdktf app
import type * as cdktnEmailChannel from "@cdktn/provider-aws/lib/pinpoint-email-channel";

/** The framework's own module: `Token`, `Fn`, `TerraformLocal`… */
export type Core = Either<typeof cdktf, typeof cdktn>;

/** The binding's classes the constructs create, by name. */
export interface AwsClasses {
  readonly DataAwsCallerIdentity: Either<typeof cdktfCallerIdentity.DataAwsCallerIdentity, typeof cdktnCallerIdentity.DataAwsCallerIdentity>;
  readonly DataAwsPartition: Either<typeof cdktfPartition.DataAwsPartition, typeof cdktnPartition.DataAwsPartition>;
  readonly DataAwsRegion: Either<typeof cdktfRegion.DataAwsRegion, typeof cdktnRegion.DataAwsRegion>;
  readonly IamRole: Either<typeof cdktfIamRole.IamRole, typeof cdktnIamRole.IamRole>;
  readonly IamRolePolicy: Either<typeof cdktfIamRolePolicy.IamRolePolicy, typeof cdktnIamRolePolicy.IamRolePolicy>;
  readonly IamRolePoliciesExclusive: Either<typeof cdktfPoliciesExclusive.IamRolePoliciesExclusive,
    typeof cdktnPoliciesExclusive.IamRolePoliciesExclusive>;
  readonly PinpointEmailChannel: Either<typeof cdktfEmailChannel.PinpointEmailChannel, typeof cdktnEmailChannel.PinpointEmailChannel>;
}

export type DataAwsCallerIdentity = InstanceType<AwsClasses["DataAwsCallerIdentity"]>;
export type DataAwsPartition = InstanceType<AwsClasses["DataAwsPartition"]>;
export type IamRole = InstanceType<AwsClasses["IamRole"]>;
export type IamRolePolicy = InstanceType<AwsClasses["IamRolePolicy"]>;
export type PinpointEmailChannel = InstanceType<AwsClasses["PinpointEmailChannel"]>;
/** The framework's `TerraformProvider`, as the binding takes it: the app's provider classes are made on it. */
export type TerraformProvider = NonNullable<InstanceType<AwsClasses["IamRole"]>["provider"]>;
