/**
 * Federated principals: tokens of an OIDC provider, assertions of a SAML provider, identities of Amazon Cognito
 * identity pools. Each is a door for people outside the account, guarded only by conditions on the provider's keys
 * (IAM User Guide, "Create a role for web identity or OpenID Connect federation" and "for SAML 2.0 federation";
 * GitHub's "Configuring OpenID Connect in Amazon Web Services"; Cognito's "Role trust and permissions").
 */
import { Finding, finding } from "../findings";
import { namedPrincipals, Statement } from "../policy";
import type { RoleReview } from "../roles";
import { pins, trustEvidence, trustStatements } from "./trust";

/** Identity providers IAM knows without an oidc-provider resource, and the key that names the app (AWS documents these). */
const BUILT_IN_WEB_IDENTITY: { readonly [provider: string]: string } = {
  "accounts.google.com": "accounts.google.com:aud",
  "graph.facebook.com": "graph.facebook.com:app_id",
  "www.amazon.com": "www.amazon.com:app_id",
};

const COGNITO = /^cognito-identity(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/;
const GITHUB = /^token\.actions\.githubusercontent\.com(\/.*)?$/;

type Kind = "saml" | "cognito" | "oidc";

function kindOf(id: string): Kind {
  if (/^arn:[^:]+:iam::[^:]*:saml-provider\//.test(id)) return "saml";
  return COGNITO.test(id) ? "cognito" : "oidc";
}

/** The provider part of an OIDC principal: `token.actions.githubusercontent.com` from its oidc-provider ARN or as given. */
function oidcProvider(id: string): string {
  return id.startsWith("arn:") ? id.split(":oidc-provider/")[1] ?? id : id;
}

/**
 * `sub` values that let in any subject of the provider: `*`, a leading wildcard, and for GitHub any value that does
 * not name the repository's owner literally (`repo:*`, or an owner given by a wildcard).
 */
function broadSubjects(provider: string, values: readonly string[]): string[] {
  return values.filter((value) => /^[*?]/.test(value) || (GITHUB.test(provider) && !/^repo:[^*?/:]+\/[^:]+(:|$)/.test(value)));
}

/** Why an OIDC principal is unguarded, or undefined when its conditions pin audience and subject. */
function oidcGap(statement: Statement, provider: string): string | undefined {
  const key = (name: string) => `${provider}:${name}`.toLowerCase();
  const builtIn = BUILT_IN_WEB_IDENTITY[provider];
  if (builtIn) return pins(statement, builtIn.toLowerCase()) ? undefined : `no condition on ${builtIn}`;
  const missing = ["aud", "sub"].filter((name) => !pins(statement, key(name))).map((name) => `${provider}:${name}`);
  if (missing.length > 0) return `no condition on ${missing.join(" or ")}`;
  const broad = broadSubjects(provider, statement.conditions.filter((test) => test.key.toLowerCase() === key("sub")).flatMap((test) => test.values));
  return broad.length > 0 ? `${provider}:sub ${broad.map((value) => JSON.stringify(value)).join(", ")} lets in any ` +
    `${GITHUB.test(provider) ? "repository's workflows" : "subject"}` : undefined;
}

function federated(role: RoleReview, kind: Kind): Array<{ statement: Statement; index: number; id: string }> {
  return trustStatements(role).flatMap(([statement, index]) =>
    (namedPrincipals(statement).Federated ?? []).filter((id) => kindOf(id) === kind).map((id) => ({ statement, index, id })));
}

export function oidcTrustUnguarded(role: RoleReview): Finding[] {
  return federated(role, "oidc").flatMap(({ statement, index, id }) => {
    const gap = oidcGap(statement, oidcProvider(id));
    return gap ? [finding("oidc-trust-unguarded", role.address, `tokens of ${oidcProvider(id)} may assume the role: ${gap}`,
      trustEvidence(statement, index), [id])] : [];
  });
}

export function samlTrustWithoutAudience(role: RoleReview): Finding[] {
  return federated(role, "saml").flatMap(({ statement, index, id }) => pins(statement, "saml:aud") ? [] : [finding(
    "saml-trust-without-audience", role.address, `users of SAML provider ${id} may assume the role without a SAML:aud condition`,
    trustEvidence(statement, index), [id])]);
}

export function cognitoTrustWithoutAudience(role: RoleReview): Finding[] {
  return federated(role, "cognito").flatMap(({ statement, index, id }) =>
    ["cognito-identity.amazonaws.com:aud", "cognito-identity.amazonaws.com.cn:aud"].some((key) => pins(statement, key)) ? [] : [finding(
      "cognito-trust-without-audience", role.address, `identities of any Cognito identity pool (${id}) may assume the role: ` +
      "no cognito-identity.amazonaws.com:aud condition names the pool", trustEvidence(statement, index), [id])]);
}
