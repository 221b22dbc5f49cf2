/**
 * Confused deputy where it exists: services on AWS's list (docs/confused-deputy.md) need aws:SourceAccount or
 * aws:SourceArn naming the role's account; roles a service uses only after iam:PassRole (EC2, Lambda, ECS tasks)
 * are documented without a condition and pass.
 */
import { ACCOUNT, document, OTHER_ACCOUNT, roleAddress, roleConfig, RuleCase } from "./cases";

const service = (name: string, condition?: object) => document({ Effect: "Allow", Principal: { Service: name }, Action: "sts:AssumeRole",
  ...(condition ? { Condition: condition } : {}) });

export const CONFUSED_DEPUTY_CASES: readonly RuleCase[] = [
  {
    label: "ec2_instance",
    why: "EC2 User Guide, IAM roles for Amazon EC2: ec2.amazonaws.com without a condition",
    config: roleConfig("ec2_instance", service("ec2.amazonaws.com")),
    expect: [],
  },
  {
    label: "lambda_execution",
    why: "Lambda Developer Guide, execution role: lambda.amazonaws.com without a condition",
    config: roleConfig("lambda_execution", service("lambda.amazonaws.com"), {
      more: { resource: { aws_iam_role_policy_attachment: { lambda_execution: { role: "${aws_iam_role.lambda_execution.name}",
        policy_arn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" } } } },
    }),
    expect: [],
  },
  {
    label: "ecs_task",
    why: "Amazon ECS Developer Guide, task IAM role: ecs-tasks.amazonaws.com without a condition",
    config: roleConfig("ecs_task", service("ecs-tasks.amazonaws.com")),
    expect: [],
  },
  {
    label: "sns_delivery_status",
    why: "SNS writes delivery status logs with a role it assumes for any account's topic: no aws:SourceAccount",
    config: roleConfig("sns_delivery_status", service("sns.amazonaws.com")),
    expect: [["service-trust-without-source", roleAddress("sns_delivery_status")]],
  },
  {
    label: "s3_replication",
    why: "S3 replication's role without aws:SourceAccount or aws:SourceArn",
    config: roleConfig("s3_replication", service("s3.amazonaws.com")),
    expect: [["service-trust-without-source", roleAddress("s3_replication")]],
  },
  {
    label: "scheduler_own_account",
    why: "EventBridge Scheduler's execution role with aws:SourceAccount of the role's account",
    config: roleConfig("scheduler_own_account", service("scheduler.amazonaws.com", { StringEquals: { "aws:SourceAccount": ACCOUNT } })),
    expect: [],
  },
  {
    label: "ses_for_other_account",
    why: "SES may use the role for another account's configuration sets: the plan places the role in its own account",
    config: roleConfig("ses_for_other_account", service("ses.amazonaws.com", { StringEquals: { "aws:SourceAccount": OTHER_ACCOUNT } })),
    expect: [["foreign-source-account", roleAddress("ses_for_other_account")]],
  },
];
