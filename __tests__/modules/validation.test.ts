import { TerraformStack, Testing, Token } from "cdktf";
import { PinpointSesSendingRole, PinpointSesSendingRoleProps } from "../../modules";

function build(props: PinpointSesSendingRoleProps): void {
  new PinpointSesSendingRole(new TerraformStack(Testing.app(), "test"), "role", props);
}

const hex = (n: number) => "0123456789abcdef".repeat(4).slice(0, 32).replace(/^.{4}/, n.toString(16).padStart(4, "0"));
const appIds = (count: number) => Array.from({ length: count }, (_, i) => hex(i));
// 20 characters each, so the arithmetic in the size cases below is by hand.
const identities = (count: number) => Array.from({ length: count }, (_, i) => `user${String(i).padStart(4, "0")}@example.com`);
const tags = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, "v"]));

/** Values on the allowed side of each limit. */
const accepted: Array<[string, PinpointSesSendingRoleProps]> = [
  ["a roleName of 64 characters", { roleName: "r".repeat(64) }],
  ["a roleName with every allowed symbol", { roleName: "a+=,.@_-Z9" }],
  ["a roleNamePrefix of 38 characters", { roleNamePrefix: "p".repeat(38) }],
  ["the root path", { path: "/" }],
  ["a nested path of 512 characters", { path: `/${"a".repeat(510)}/` }],
  ["a description of 1000 characters", { description: "d".repeat(1000) }],
  ["a customer-managed boundary", { permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/team/boundary" }],
  ["an AWS-managed boundary in GovCloud", { permissionsBoundaryArn: "arn:aws-us-gov:iam::aws:policy/PowerUserAccess" }],
  ["a boundary in China", { permissionsBoundaryArn: "arn:aws-cn:iam::123456789012:policy/b" }],
  ["maxSessionDuration 3600", { maxSessionDuration: 3600 }],
  ["maxSessionDuration 43200", { maxSessionDuration: 43200 }],
  ["50 tags", { tags: tags(50) }],
  ["a tag key of 128 and value of 256 characters", { tags: { ["k".repeat(128)]: "v".repeat(256) } }],
  ["an empty tag value", { tags: { team: "" } }],
  ["sesIdentities [*]", { sesIdentities: ["*"] }],
  ["a domain and an address", { sesIdentities: ["example.com", "no-reply+news@mail.example.co.uk"] }],
  ["a configuration set of 64 characters", { configurationSets: ["c".repeat(64)] }],
  ["a Region in China", { region: "cn-northwest-1" }],
  ["a policyName of 128 characters", { policyName: "p".repeat(128) }],
  ["adoptExistingRole with a roleName", { adoptExistingRole: true, roleName: "console-made" }],
  // Worst case per app id ARN (`…:apps/ID*`): 101 characters with its quotes; 220 + 31 + 17 × 101 + 16 = 1,984 ≤ 2,048.
  ["17 Pinpoint app ids", { pinpointApplicationIds: appIds(17) }],
  ["18 Pinpoint app ids with trustPolicyMaxSize 2086", { pinpointApplicationIds: appIds(18), trustPolicyMaxSize: 2086 }],
  ["trustPolicyMaxSize 2048", { trustPolicyMaxSize: 2048 }],
  ["trustPolicyMaxSize 8192", { trustPolicyMaxSize: 8192 }],
  ["an internationalised domain (xn-- labels)", { sesIdentities: ["xn--bcher-kva.example", "news@example.xn--p1ai", "xn--80ak6aa92e.com"] }],
  ["a dotted local part", { sesIdentities: ["first.last.name@example.com"] }],
  ["a local part of 64 characters", { sesIdentities: [`${"l".repeat(64)}@example.com`] }],
  ["tag keys that differ in more than case", { tags: { team: "a", teams: "b" } }],
  // Worst case: 154 + 70 (configuration-set/*) + 123 × 80 + 123 = 10,187 ≤ 10,240.
  ["123 identities of 20 characters", { sesIdentities: identities(123) }],
];

/** Values on the refused side, with the words the error must contain. */
const refused: Array<[string, PinpointSesSendingRoleProps, RegExp]> = [
  ["a roleName of 65 characters", { roleName: "r".repeat(65) },
    /^roleName "r+" is 65 characters; IAM allows 1 to 64 of \[A-Za-z0-9\+=,\.@_-\]$/],
  ["an empty roleName", { roleName: "" }, /^roleName "" is 0 characters; IAM allows 1 to 64/],
  ["a roleName with a space", { roleName: "pinpoint role" }, /^roleName "pinpoint role" .*\[A-Za-z0-9/],
  ["a roleNamePrefix of 39 characters", { roleNamePrefix: "p".repeat(39) },
    /^roleNamePrefix "p+" is 39 characters; IAM allows 1 to 38 .* 26-character suffix/],
  ["both roleName and roleNamePrefix", { roleName: "a", roleNamePrefix: "b" },
    /^roleName "a" and roleNamePrefix "b" are both set; give one or the other$/],
  ["a path without the leading slash", { path: "messaging/" }, /^path "messaging\/" is not an IAM path/],
  ["a path without the trailing slash", { path: "/messaging" }, /^path "\/messaging" is not an IAM path/],
  ["a path of 513 characters", { path: `/${"a".repeat(511)}/` }, /^path ".*" is not an IAM path.*\(got 513\)$/],
  ["a description of 1001 characters", { description: "d".repeat(1001) },
    /^description "d+…d+" is 1001 characters; IAM allows at most 1000$/],
  ["a description with a character outside Latin-1", { description: "send ✉" },
    /^description "send ✉" contains a character IAM does not accept/],
  ["a boundary that is not a policy ARN", { permissionsBoundaryArn: "arn:aws:s3:::bucket" },
    /^permissionsBoundaryArn "arn:aws:s3:::bucket" is not an IAM managed policy ARN/],
  ["a boundary with a short account id", { permissionsBoundaryArn: "arn:aws:iam::12345:policy/b" },
    /^permissionsBoundaryArn .* is not an IAM managed policy ARN/],
  ["maxSessionDuration 3599", { maxSessionDuration: 3599 },
    /^maxSessionDuration 3599 is out of range; IAM allows whole seconds from 3600 to 43200$/],
  ["maxSessionDuration 43201", { maxSessionDuration: 43201 }, /^maxSessionDuration 43201 is out of range/],
  ["a fractional maxSessionDuration", { maxSessionDuration: 3600.5 }, /^maxSessionDuration 3600.5 is out of range/],
  ["51 tags", { tags: tags(51) }, /^tags "51 tags" exceeds IAM's limit of 50 tags per role$/],
  ["a tag key of 129 characters", { tags: { ["k".repeat(129)]: "v" } }, /^tags key "k+…k+" is 129 characters/],
  ["an empty tag key", { tags: { "": "v" } }, /^tags key "" is 0 characters/],
  ["a tag value of 257 characters", { tags: { team: "v".repeat(257) } }, /^tags\["team"\] "v+…v+" is not a valid tag value/],
  ["a tag key with a reserved prefix", { tags: { "AWS:owner": "me" } }, /^tags key "AWS:owner" uses the prefix "aws:"/],
  ["a tag value with a comma", { tags: { team: "a,b" } }, /^tags\["team"\] "a,b" is not a valid tag value/],
  ["empty sesIdentities", { sesIdentities: [] }, /^sesIdentities \[\] is empty; list at least one, or leave it out for all \("\*"\)$/],
  ["a duplicate identity", { sesIdentities: ["example.com", "example.com"] },
    /^sesIdentities \["example.com","example.com"\] lists "example.com" more than once$/],
  ["an identity that is neither address nor domain", { sesIdentities: ["not an identity"] },
    /^sesIdentities \["not an identity"\] has "not an identity", which is not an email address or domain$/],
  ["an address with no domain", { sesIdentities: ["ops@"] }, /has "ops@", which is not an email address or domain/],
  ["* mixed with a named identity", { sesIdentities: ["*", "example.com"] }, /^sesIdentities .* mixes "\*" \(all\)/],
  ["empty configurationSets", { configurationSets: [] }, /^configurationSets \[\] is empty/],
  ["a configuration set of 65 characters", { configurationSets: ["c".repeat(65)] },
    /^configurationSets .* which is not an SES configuration set name \(1 to 64 of \[A-Za-z0-9_-\]\)$/],
  ["a duplicate configuration set", { configurationSets: ["a", "a"] }, /^configurationSets .* lists "a" more than once/],
  ["empty pinpointApplicationIds", { pinpointApplicationIds: [] }, /^pinpointApplicationIds \[\] is empty; .* or leave it out$/],
  ["an uppercase app id", { pinpointApplicationIds: ["0123456789ABCDEF0123456789ABCDEF"] },
    /which is not a Pinpoint application id \(32 lowercase hex characters\)$/],
  ["an app id of 31 characters", { pinpointApplicationIds: ["0123456789abcdef0123456789abcde"] },
    /^pinpointApplicationIds .* which is not a Pinpoint application id/],
  ["a duplicate app id", { pinpointApplicationIds: [hex(1), hex(1)] }, /more than once/],
  ["* as an app id", { pinpointApplicationIds: ["*"] }, /has "\*", which is not a Pinpoint application id/],
  ["a Region that is not one", { region: "useast1" }, /^region "useast1" is not an AWS Region name/],
  ["a policyName of 129 characters", { policyName: "p".repeat(129) }, /^policyName "p+…p+" is 129 characters/],
  ["adoptExistingRole without roleName", { adoptExistingRole: true },
    /^adoptExistingRole needs roleName: an existing role is imported by its exact name$/],
  ["adoptExistingRole with a roleNamePrefix", { adoptExistingRole: true, roleNamePrefix: "pinpoint-" },
    /^adoptExistingRole needs roleName: .*, and roleNamePrefix "pinpoint-" only makes new ones$/],
  ["18 Pinpoint app ids", { pinpointApplicationIds: appIds(18) },
    /^pinpointApplicationIds "18 ids" make a trust policy of up to 2086 characters; IAM's limit for a role trust policy is 2048 \(the default quota; set trustPolicyMaxSize if the account's quota is raised\)$/],
  ["18 Pinpoint app ids with trustPolicyMaxSize 2085", { pinpointApplicationIds: appIds(18), trustPolicyMaxSize: 2085 },
    /^pinpointApplicationIds "18 ids" make a trust policy of up to 2086 characters; IAM's limit for a role trust policy is 2085 \(trustPolicyMaxSize\)$/],
  ["trustPolicyMaxSize 2047", { trustPolicyMaxSize: 2047 },
    /^trustPolicyMaxSize 2047 is not a whole number from 2048 \(IAM's default quota\) to 8192 \(the most it can be raised to\)$/],
  ["trustPolicyMaxSize 8193", { trustPolicyMaxSize: 8193 }, /^trustPolicyMaxSize 8193 is not a whole number from 2048/],
  ["trustPolicyMaxSize 4096.5", { trustPolicyMaxSize: 4096.5 }, /^trustPolicyMaxSize 4096.5 is not a whole number/],
  ["tag keys that differ only in case", { tags: { Team: "a", team: "b" } },
    /^tags keys \["Team","team"\] differ only in case; IAM treats tag keys without regard to case$/],
  ["a local part with a leading dot and two dots in a row", { sesIdentities: [".a..b@example.com"] },
    /^sesIdentities \[".a..b@example.com"\] has ".a..b@example.com", which is not an email address or domain$/],
  ["a local part of 65 characters", { sesIdentities: [`${"l".repeat(65)}@example.com`] }, /has "l+@example.com", which is not/],
  ["a local part with a trailing dot", { sesIdentities: ["a.@example.com"] }, /has "a.@example.com", which is not/],
  ["a local part with two dots in a row", { sesIdentities: ["a..b@example.com"] }, /has "a..b@example.com", which is not/],
  ["a top-level label that is neither letters nor xn--", { sesIdentities: ["example.c0m"] }, /has "example.c0m", which is not/],
  ["60 Pinpoint app ids", { pinpointApplicationIds: appIds(60) }, /IAM's limit for a role trust policy is 2048/],
  ["124 identities of 20 characters", { sesIdentities: identities(124) },
    /^sesIdentities and configurationSets "125 entries" make a permissions policy of up to 10268 characters; IAM's limit for a role's inline policies is 10240/],
];

describe("PinpointSesSendingRole input checks", () => {
  it.each(accepted)("accepts %s", (_name, props) => {
    expect(() => build(props)).not.toThrow();
  });

  it.each(refused)("rejects %s", (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  it("skips the checks for values that are unresolved tokens", () => {
    expect(() => build({
      roleName: Token.asString({ Ref: "name" }),
      path: Token.asString({ Ref: "path" }),
      maxSessionDuration: Token.asNumber({ Ref: "duration" }),
      sesIdentities: Token.asList({ Ref: "identities" }),
      pinpointApplicationIds: [Token.asString({ Ref: "app" })],
    })).not.toThrow();
  });

  it("uses the Region's real length in the size check when a Region is given", () => {
    // With us-east-1 (9 characters instead of the worst case 16), 18 app ids fit: 18 × 93 + 17 + 251 = 1,942.
    expect(() => build({ region: "us-east-1", pinpointApplicationIds: appIds(18) })).not.toThrow();
  });
});
