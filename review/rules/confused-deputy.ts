/**
 * Confused deputy, where it exists: a service that acts for resources of many accounts (Pinpoint sending for any
 * project, SES publishing for any configuration set, ...) can be steered by another account into using a role that
 * trusts the service. AWS documents aws:SourceAccount / aws:SourceArn in the trust policy of those services' roles;
 * the list, with the page of each, is docs/confused-deputy.md. A role that a service uses only after a principal of
 * the role's own account passes it (iam:PassRole: an EC2 instance profile, a Lambda function, an ECS task) cannot be
 * used by another account that way, and AWS documents those trust policies without a condition: no warning.
 */
import { Finding, finding } from "../findings";
import { accountOf, servicePrincipals, Statement } from "../policy";
import type { RoleReview } from "../roles";
import { PINNING_OPERATORS, trustEvidence, trustStatements } from "./trust";

/** Services whose role trust AWS documents with aws:SourceAccount or aws:SourceArn, and what they assume the role for. */
export const CONFUSED_DEPUTY_SERVICES: { readonly [service: string]: string } = {
  pinpoint: "Amazon Pinpoint: sending email through SES, streaming events to Kinesis",
  "sms-voice": "AWS End User Messaging SMS: event destinations, two-way SMS to SNS",
  ses: "Amazon SES: publishing sending events to Firehose",
  sns: "Amazon SNS: delivery status logging to CloudWatch Logs",
  s3: "Amazon S3: replication",
  scheduler: "EventBridge Scheduler: invoking a schedule's target",
  appstream: "Amazon AppStream 2.0 (WorkSpaces Applications): fleet machine role",
  personalize: "Amazon Personalize: reading datasets",
  iot: "AWS IoT: rule actions, Device Defender audits",
  frauddetector: "Amazon Fraud Detector: reading training data",
};

/** Services that assume a role only after an iam:PassRole by a principal of the role's account. */
export const PASS_ROLE_SERVICES: { readonly [service: string]: string } = {
  ec2: "an EC2 instance profile",
  lambda: "a Lambda function's execution role",
  "ecs-tasks": "an ECS task role",
  edgelambda: "a Lambda@Edge function's execution role",
  glue: "an AWS Glue job or crawler",
  sagemaker: "a SageMaker notebook, job or endpoint",
};

/** `pinpoint` from `pinpoint.amazonaws.com` or a Regional form (`pinpoint.us-east-1.amazonaws.com`, `….amazonaws.com.cn`). */
export function serviceName(principal: string): string | undefined {
  return /^([a-z0-9-]+)(?:\.[a-z]{2}(?:-[a-z]+)+-\d)?\.amazonaws\.com(?:\.cn)?$/.exec(principal.toLowerCase())?.[1];
}

const SOURCE_KEYS = new Set(["aws:sourceaccount", "aws:sourcearn"]);

/** The accounts a statement's aws:SourceAccount / aws:SourceArn conditions name by 12 digits (wildcards name none). */
function sourceAccounts(statement: Statement): { pinned: boolean; accounts: string[] } {
  const tests = statement.conditions.filter((test) => SOURCE_KEYS.has(test.key.toLowerCase()) && PINNING_OPERATORS.has(test.operator.toLowerCase()));
  const pinned = tests.some((test) => test.values.length > 0 && test.values.every((value) => accountOf(value) !== undefined &&
    !(test.key.toLowerCase() === "aws:sourceaccount" && /[*?]/.test(value))));
  return { pinned, accounts: [...new Set(tests.flatMap((test) => test.values.map(accountOf)).filter((id): id is string => id !== undefined))] };
}

export function serviceTrustWithoutSource(role: RoleReview): Finding[] {
  return trustStatements(role).flatMap(([statement, index]) => {
    const services = servicePrincipals(statement).filter((principal) => CONFUSED_DEPUTY_SERVICES[serviceName(principal) ?? ""] !== undefined);
    if (services.length === 0 || sourceAccounts(statement).pinned) return [];
    return [finding("service-trust-without-source", role.address, `${services.join(", ")} may assume the role on behalf of any account: ` +
      "no StringEquals, StringLike, ArnEquals or ArnLike condition on aws:SourceAccount or aws:SourceArn names an account",
    trustEvidence(statement, index), services)];
  });
}

/** A service trusted for an account that is not the role's: the role's account comes from the plan, never from this condition. */
export function foreignSourceAccount(role: RoleReview): Finding[] {
  const account = role.facts.account;
  if (account === undefined) return [];
  return trustStatements(role).flatMap(([statement, index]) => {
    if (servicePrincipals(statement).length === 0) return [];
    const foreign = sourceAccounts(statement).accounts.filter((id) => id !== account);
    return foreign.length === 0 ? [] : [finding("foreign-source-account", role.address, `${servicePrincipals(statement).join(", ")} may ` +
      `assume the role for account${foreign.length > 1 ? "s" : ""} ${foreign.join(", ")}; the plan places the role in account ${account}`,
    trustEvidence(statement, index), foreign)];
  });
}

/** Why trusted services without a source condition are not warnings, for the report. */
export function confusedDeputyNotes(role: RoleReview): string[] {
  const unguarded = trustStatements(role).filter(([statement]) => !sourceAccounts(statement).pinned)
    .flatMap(([statement]) => servicePrincipals(statement));
  return [...new Set(unguarded)].flatMap((principal) => {
    const name = serviceName(principal) ?? "";
    if (CONFUSED_DEPUTY_SERVICES[name]) return [];
    return [PASS_ROLE_SERVICES[name]
      ? `${principal} is trusted without aws:SourceAccount: not a warning, since it uses the role as ${PASS_ROLE_SERVICES[name]} only ` +
        "after a principal of the role's own account passes it (iam:PassRole); another account cannot make it act with this role."
      : `${principal} is trusted without aws:SourceAccount: not judged, since AWS's confused-deputy documentation does not list it ` +
        "(docs/confused-deputy.md)."];
  });
}
