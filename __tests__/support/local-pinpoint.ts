/**
 * The Pinpoint half of the local test endpoint: the email channel of a
 * project, as `aws_pinpoint_email_channel` uses it. Pinpoint speaks REST-JSON
 * (`PUT /v1/apps/{application-id}/channels/email` with an EmailChannelRequest
 * body, answered with an EmailChannelResponse), not the Query protocol.
 */
import { AwsError, RequestContext } from "./local-iam";

/** An email channel as the endpoint holds it. */
export interface StoredEmailChannel {
  readonly ApplicationId: string;
  Enabled: boolean;
  FromAddress?: string;
  Identity?: string;
  ConfigurationSet?: string;
  OrchestrationSendingRoleArn?: string;
  RoleArn?: string;
  readonly CreationDate: string;
  LastModifiedDate: string;
  Version: number;
}

/** The Pinpoint projects of one account in one Region, by id; each with its email channel, if any. */
export type PinpointApps = Map<string, { channel?: StoredEmailChannel }>;

/** One REST call: its action name (as in IAM policies), the project it names, and its JSON body. */
export interface PinpointCall {
  readonly action: string;
  readonly applicationId: string;
  readonly body: { readonly [field: string]: unknown };
}

const ROUTES: { readonly [method: string]: string } = {
  GET: "GetEmailChannel",
  PUT: "UpdateEmailChannel",
  DELETE: "DeleteEmailChannel",
};

/** The Pinpoint action a REST request is, or undefined when it is none the endpoint knows. */
export function pinpointCallOf(method: string, path: string, body: string): PinpointCall | undefined {
  const match = /^\/v1\/apps\/([^/]+)\/channels\/email$/.exec(path);
  const action = ROUTES[method];
  if (!match || !action) return undefined;
  return { action, applicationId: decodeURIComponent(match[1]), body: body.trim() === "" ? {} : JSON.parse(body) };
}

/** ARN of a project's email channel, as IAM policies name it. */
export function emailChannelArn(request: Pick<RequestContext, "partition" | "region" | "account">, applicationId: string): string {
  return `arn:${request.partition}:mobiletargeting:${request.region}:${request.account}:apps/${applicationId}/channels/email`;
}

const notFound = (message: string) => new AwsError("NotFoundException", message, 404);

/** Runs a call on the projects; returns the EmailChannelResponse. */
export function runPinpointCall(call: PinpointCall, apps: PinpointApps): object {
  const app = apps.get(call.applicationId);
  if (!app) throw notFound(`Application ${call.applicationId} not found`);
  const response = (channel: StoredEmailChannel) => ({
    ...channel, Id: "email", Platform: "EMAIL", IsArchived: false, HasCredential: false, MessagesPerSecond: 20,
  });
  switch (call.action) {
    case "GetEmailChannel":
      if (!app.channel) throw notFound("Resource not found");
      return response(app.channel);
    case "DeleteEmailChannel": {
      if (!app.channel) throw notFound("Resource not found");
      const deleted = app.channel;
      app.channel = undefined;
      return response(deleted);
    }
    default: {
      const body = call.body as Partial<StoredEmailChannel>;
      if (typeof body.FromAddress !== "string" || typeof body.Identity !== "string") {
        throw new AwsError("BadRequestException", "FromAddress and Identity are required");
      }
      const date = new Date().toISOString();
      app.channel = {
        ApplicationId: call.applicationId,
        Enabled: body.Enabled ?? true,
        FromAddress: body.FromAddress,
        Identity: body.Identity,
        ConfigurationSet: body.ConfigurationSet,
        OrchestrationSendingRoleArn: body.OrchestrationSendingRoleArn,
        RoleArn: body.RoleArn,
        CreationDate: app.channel?.CreationDate ?? date,
        LastModifiedDate: date,
        Version: (app.channel?.Version ?? 0) + 1,
      };
      return response(app.channel);
    }
  }
}
