/**
 * The requests the review decides without the simulator must come out as the
 * simulator decides them, verdict and reason: every case of the table, on documents
 * from the construct's own builders to wide and odd ones, with and without analysis.
 */
import { pinpointTrustPolicy, sesSendingPolicy } from "../../modules/policy-documents";
import { decidedByAnalysis } from "../../review/analysis";
import { caseVerdict, CaseScope, pinpointCases, RoleDocuments, simulateCase, verdictOf } from "../../review/simulation";

const SCOPE = { partition: "aws", region: "eu-west-1", account: "123456789012" };
const CASE_SCOPE: CaseScope = { ...SCOPE, roleArn: `arn:aws:iam::${SCOPE.account}:role/sender`, sesIdentities: ["example.com"] };
const policy = (...statements: object[]) => ({ Version: "2012-10-17", Statement: statements });
const CONSTRUCT: RoleDocuments = {
  trust: pinpointTrustPolicy(SCOPE),
  permissions: [{ name: "send", document: sesSendingPolicy(SCOPE, ["example.com"]) }],
};

const APP = "0123456789abcdef0123456789abcdef";

const DOCUMENT_SETS: ReadonlyArray<{ name: string; documents: RoleDocuments }> = [
  { name: "the construct's documents", documents: CONSTRUCT },
  {
    name: "the construct's documents scoped to an app, with a configuration set",
    documents: {
      trust: pinpointTrustPolicy(SCOPE, [APP]),
      permissions: [{ name: "send", document: sesSendingPolicy(SCOPE, ["example.com"], ["marketing"]) }],
    },
  },
  {
    name: "a trust without Sid pinned by StringLike and ArnEquals, sends in two statements, a Deny on another identity",
    documents: {
      trust: policy({ Effect: "Allow", Principal: { Service: ["pinpoint.amazonaws.com"] }, Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: { StringLike: { "aws:SourceAccount": SCOPE.account }, ArnEquals: { "aws:SourceArn": `arn:aws:mobiletargeting:eu-west-1:${SCOPE.account}:apps/*` } } }),
      permissions: [
        { name: "raw", document: policy({ Effect: "Allow", Action: "ses:SendRawEmail", Resource: `arn:aws:ses:eu-west-1:${SCOPE.account}:identity/*` }) },
        { name: "plain", document: policy({ Sid: "Plain", Effect: "Allow", Action: "SES:sendemail", Resource: `arn:aws:ses:*:${SCOPE.account}:identity/example.com` },
          { Effect: "Deny", Action: "ses:*", Resource: `arn:aws:ses:eu-west-1:${SCOPE.account}:identity/blocked.example.com` }) },
      ],
    },
  },
  {
    name: "a Deny that covers the sends and a condition on a send statement",
    documents: {
      trust: pinpointTrustPolicy(SCOPE),
      permissions: [{ name: "guarded", document: policy(
        { Effect: "Allow", Action: ["ses:SendEmail", "ses:SendRawEmail"], Resource: "*", Condition: { StringEquals: { "ses:FromAddress": "a@example.com" } } },
        { Effect: "Deny", Action: "ses:SendRawEmail", Resource: "*" },
      ) }],
    },
  },
  {
    name: "a trust with a Deny for another account and a condition key the analysis does not evaluate",
    documents: {
      trust: policy(
        { Effect: "Allow", Principal: { Service: "pinpoint.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": SCOPE.account, "aws:SourceOrgID": "o-abc123" } } },
        { Effect: "Deny", Principal: { Service: "pinpoint.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringNotEquals: { "aws:SourceAccount": SCOPE.account } } },
      ),
      permissions: [{ name: "send", document: sesSendingPolicy(SCOPE, ["example.com"]) }],
    },
  },
  {
    name: "a trust of the account root and SES wildcards on any resource",
    documents: {
      trust: policy({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${SCOPE.account}:root` }, Action: "sts:AssumeRole" }),
      permissions: [{ name: "wide", document: policy({ Effect: "Allow", Action: "ses:Send*", Resource: "*" }) }],
    },
  },
  {
    name: "NotAction, NotResource and a policy variable",
    documents: {
      trust: policy({ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "sts:*" }),
      permissions: [{
        name: "odd",
        document: policy(
          { Effect: "Allow", NotAction: "iam:*", NotResource: "arn:aws:ses:*:*:identity/blocked" },
          { Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::${aws:PrincipalAccount}:role/*" },
        ),
      }],
    },
  },
  {
    name: "sends on every Region's identities of the account, iam:PassRole on the role",
    documents: {
      trust: policy({ Effect: "Allow", Principal: { Service: ["pinpoint.amazonaws.com", "ses.amazonaws.com"] }, Action: "sts:AssumeRole" }),
      permissions: [{
        name: "regions",
        document: policy(
          { Effect: "Allow", Action: ["ses:SendEmail", "ses:SendRawEmail"], Resource: `arn:aws:ses:*:${SCOPE.account}:identity/*` },
          { Effect: "Allow", Action: "iam:PassRole", Resource: CASE_SCOPE.roleArn },
        ),
      }],
    },
  },
];

const SCOPES = [CASE_SCOPE, { ...CASE_SCOPE, configurationSets: ["marketing"], pinpointApplicationIds: [APP] }];
const ROWS = DOCUMENT_SETS.flatMap(({ name, documents }) => SCOPES.flatMap((scope) =>
  pinpointCases(scope).map((simulationCase) => ({ name: `${name}: ${simulationCase.title}`, documents, simulationCase }))));

describe("decisions made without the simulator", () => {
  it.each(ROWS)("agree with the simulator, request by request, verdict and reason: $name", async ({ documents, simulationCase }) => {
    const verdicts = async (analyse: boolean) => (await simulateCase(simulationCase, documents, { analyse })).requests
      .map((request) => `${request.action} on ${request.resource}: ${request.verdict}, ${request.reason}`);
    expect(await verdicts(true)).toEqual(await verdicts(false));
  });

  it.each(ROWS)("keep the verdict the review reports: $name", async ({ documents, simulationCase }) => {
    expect(await caseVerdict(simulationCase, documents)).toEqual(verdictOf(await simulateCase(simulationCase, documents, { analyse: false })));
  });

  it("decide the cases of actions and resources the construct's documents do not name", () => {
    const decided = pinpointCases(CASE_SCOPE).filter((simulationCase) => simulationCase.requests
      .every((request) => !request.exceptActions && decidedByAnalysis(request, CONSTRUCT) !== undefined))
      .map((simulationCase) => simulationCase.title);
    expect(decided).toEqual(expect.arrayContaining([
      "another service principal (ses.amazonaws.com) cannot assume it",
      "the role cannot send from identity example.com in another Region (us-west-2)",
      "the role cannot pass itself to a service (iam:PassRole)",
      "the role cannot assume another role of the account that trusts the account",
    ]));
  });

  it("decide the construct's allowed requests too: its documents leave no doubt", () => {
    const allowed = pinpointCases(CASE_SCOPE).filter((simulationCase) => simulationCase.expected === "Allowed").flatMap((item) => item.requests);
    expect(allowed.length).toBeGreaterThan(0);
    expect(allowed.map((request) => decidedByAnalysis(request, CONSTRUCT)?.verdict)).toEqual(allowed.map(() => "Allowed"));
  });

  it("leave to the simulator the requests a condition, a Deny or a key it does not evaluate could change", () => {
    const [, , , guarded, unknownKey] = DOCUMENT_SETS.map((set) => set.documents);
    const allowed = pinpointCases(CASE_SCOPE).filter((simulationCase) => simulationCase.expected === "Allowed").flatMap((item) => item.requests);
    expect(allowed.filter((request) => request.against === "role").map((request) => decidedByAnalysis(request, guarded)))
      .toEqual(allowed.filter((request) => request.against === "role").map(() => undefined));
    expect(allowed.filter((request) => request.against === "trust").map((request) => decidedByAnalysis(request, unknownKey)))
      .toEqual(allowed.filter((request) => request.against === "trust").map(() => undefined));
  });
});

describe("the case table's requests", () => {
  // Written here from AWS's documented ARN formats: the table must not take them from the construct's builders,
  // or a mistake there would be in the role's policy and in the requests alike, and pass.
  it("name SES resources and Pinpoint apps by ARNs in AWS's formats, not the construct's", () => {
    const app = "0123456789abcdef0123456789abcdef";
    const cases = pinpointCases({ ...CASE_SCOPE, configurationSets: ["marketing"], pinpointApplicationIds: [app] });
    const allowed = cases.filter((simulationCase) => simulationCase.expected === "Allowed").flatMap((simulationCase) => simulationCase.requests);
    expect([...new Set(allowed.filter((request) => request.against === "role").map((request) => request.resource))].sort()).toEqual([
      "arn:aws:ses:eu-west-1:123456789012:configuration-set/marketing",
      "arn:aws:ses:eu-west-1:123456789012:identity/example.com",
    ]);
    expect(allowed.filter((request) => request.against === "trust").map((request) => request.context?.["aws:SourceArn"]))
      .toContain(`arn:aws:mobiletargeting:eu-west-1:123456789012:apps/${app}`);
  });
});
