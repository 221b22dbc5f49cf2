/**
 * Pure builders for the two IAM policy documents of the Pinpoint SES sending
 * role. They take plain strings (or cdktf tokens that stand for strings) and
 * return plain objects, so they can be unit-tested, size-checked with
 * worst-case placeholders, and reused by review tooling.
 *
 * Source: "IAM role for sending email with Amazon SES", Amazon Pinpoint
 * Developer Guide.
 */

/** A single IAM policy statement, as IAM's JSON grammar spells it. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: { readonly [kind: string]: string | readonly string[] };
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: {
    readonly [operator: string]: { readonly [key: string]: string | readonly string[] };
  };
}

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

/** Where the role lives: filled from data sources at plan time. */
export interface AccountScope {
  /** `aws`, `aws-cn`, `aws-us-gov`, ... */
  readonly partition: string;
  /** Region of the Pinpoint project and its SES resources. */
  readonly region: string;
  /** 12-digit account id. */
  readonly account: string;
}

/** The service principal Amazon Pinpoint uses in every partition. */
export const PINPOINT_SERVICE_PRINCIPAL = "pinpoint.amazonaws.com";

/** Statement ids taken verbatim from the AWS procedure. */
export const TRUST_STATEMENT_SID = "AllowPinpoint";
export const SENDING_STATEMENT_SID = "PinpointUsesSESForEmailSends";

/** The actions Pinpoint needs to send campaign and journey email. */
export const SES_SEND_ACTIONS: readonly string[] = ["ses:SendEmail", "ses:SendRawEmail"];

/** Means "every identity" or "every configuration set". */
export const ALL = "*";

/** ARN of an SES identity (email address or domain), or of all identities with `*`. */
export function sesIdentityArn(scope: AccountScope, identity: string): string {
  return `arn:${scope.partition}:ses:${scope.region}:${scope.account}:identity/${identity}`;
}

/** ARN of an SES configuration set, or of all of them with `*`. */
export function configurationSetArn(scope: AccountScope, name: string): string {
  return `arn:${scope.partition}:ses:${scope.region}:${scope.account}:configuration-set/${name}`;
}

/** ARN of a Pinpoint project (application), as Pinpoint sends it in `aws:SourceArn`. */
export function pinpointApplicationArn(scope: AccountScope, applicationId: string): string {
  return `arn:${scope.partition}:mobiletargeting:${scope.region}:${scope.account}:apps/${applicationId}`;
}

/**
 * Trust policy: Pinpoint may assume the role only on behalf of this account
 * (`aws:SourceAccount`), and, when application ids are given, only for those
 * Pinpoint projects (`aws:SourceArn` like `…:apps/ID*`: the project or
 * anything beneath it), which closes the confused-deputy gap between
 * projects of the same account.
 */
export function pinpointTrustPolicy(scope: AccountScope, pinpointApplicationIds: readonly string[] = []): PolicyDocument {
  return trustPolicyForSourceArns(scope, pinpointApplicationIds.map((id) => pinpointSourceArnPattern(scope, id)));
}

/**
 * `apps/ID*`: the project's ARN and anything beneath it (`apps/ID/campaigns/…`).
 * AWS does not document which of the two Pinpoint sends for campaign and
 * journey email; ids are all 32 characters long, so the `*` can match no
 * other project.
 */
export function pinpointSourceArnPattern(scope: AccountScope, applicationId: string): string {
  return `${pinpointApplicationArn(scope, applicationId)}*`;
}

/** {@link pinpointTrustPolicy} for projects given by ARN; none means any project of the account. */
export function trustPolicyForSourceArns(scope: AccountScope, sourceArns: readonly string[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{
      Sid: TRUST_STATEMENT_SID,
      Effect: "Allow",
      Principal: { Service: PINPOINT_SERVICE_PRINCIPAL },
      Action: "sts:AssumeRole",
      Condition: {
        StringEquals: { "aws:SourceAccount": scope.account },
        ...(sourceArns.length > 0 && { ArnLike: { "aws:SourceArn": sourceArns } }),
      },
    }],
  };
}

/**
 * Permissions policy: send email through the listed SES identities and
 * configuration sets of one account and Region, and nothing else.
 */
export function sesSendingPolicy(scope: AccountScope, sesIdentities: readonly string[] = [ALL],
  configurationSets: readonly string[] = [ALL]): PolicyDocument {
  return sendingPolicyForArns([
    ...sesIdentities.map((identity) => sesIdentityArn(scope, identity)),
    ...configurationSets.map((name) => configurationSetArn(scope, name)),
  ]);
}

/** {@link sesSendingPolicy} for identities and configuration sets given by ARN. */
export function sendingPolicyForArns(resources: readonly string[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: SENDING_STATEMENT_SID, Effect: "Allow", Action: SES_SEND_ACTIONS, Resource: resources }],
  };
}

/**
 * Length of a document as IAM counts it against its size quotas: the JSON
 * without insignificant whitespace, which is what `jsonencode` sends.
 */
export function policySize(document: PolicyDocument): number {
  return JSON.stringify(document).length;
}
