/** Policy documents the review tests plan with Terraform, as JSON text for HCL string literals. */

const document = (statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

/** A trust policy of one statement letting `principal` call sts:AssumeRole, with an optional condition. */
export const trust = (principal: object | string, condition?: object) =>
  document([{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole", ...(condition ? { Condition: condition } : {}) }]);

/** A policy of one Allow statement. */
export const allow = (action: string | string[], resource: string | string[]) =>
  document([{ Effect: "Allow", Action: action, Resource: resource }]);

/** A policy of several Allow statements, each `[action, resource]`. */
export const allowEach = (...statements: Array<[string | string[], string | string[]]>) =>
  document(statements.map(([action, resource]) => ({ Effect: "Allow", Action: action, Resource: resource })));

/** Pinpoint may assume the role for `account`, with more conditions if given. */
export const pinpointTrust = (account: string, more: object = {}) =>
  trust({ Service: "pinpoint.amazonaws.com" }, { StringEquals: { "aws:SourceAccount": account }, ...more });

/** The two send actions on the identities and configuration sets of `account` in `region`. */
export const sendPolicy = (account: string, region = "us-east-1") => allow(["ses:SendEmail", "ses:SendRawEmail"],
  [`arn:aws:ses:${region}:${account}:identity/*`, `arn:aws:ses:${region}:${account}:configuration-set/*`]);
