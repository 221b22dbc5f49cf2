/**
 * The review as SARIF 2.1.0, for code-scanning tools (GitHub code scanning, Azure DevOps, ...): one result per
 * finding, with its rule id, level, the Terraform address as a logical location, a stable fingerprint, whether the
 * plan brings it (`baselineState`) and, when waived, an accepted external suppression with the waiver's reason.
 */
import { ReviewedFinding, RULE_IDS, RULES } from "./findings";
import type { Review } from "./review";

const BASELINE = { new: "new", worsened: "updated", existing: "unchanged" } as const;

/** The plan file as a relative URI reference (results need a physical location for code scanning). */
function artifactUri(planFile: string): string {
  return encodeURI(planFile.replace(/\\/g, "/")).replace(/^\/+/, "");
}

function result(item: ReviewedFinding, uri: string) {
  return {
    ruleId: item.rule,
    ruleIndex: RULE_IDS.indexOf(item.rule),
    level: item.severity,
    message: { text: `${item.address}: ${item.message}` },
    locations: [{
      physicalLocation: { artifactLocation: { uri } },
      logicalLocations: [{ fullyQualifiedName: item.address, kind: "resource" }],
    }],
    fingerprints: { "iamReviewFinding/v1": item.fingerprint },
    partialFingerprints: { "iamReviewFinding/v1": item.fingerprint },
    baselineState: BASELINE[item.novelty],
    ...(item.waived ? {
      suppressions: [{ kind: "external", status: "accepted", justification: `${item.waived.reason} (until ${item.waived.expires}; ${item.waived.source})` }],
    } : {}),
    properties: { role: item.role, evidence: item.evidence, novelty: item.novelty, subjects: item.subjects },
  };
}

/** The SARIF log of a review; `planFile` names the plan the results point at. */
export function renderSarif(review: Review, planFile: string): object {
  const uri = artifactUri(planFile === "-" ? "plan.json" : planFile);
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{
      tool: {
        driver: {
          name: "pinpoint-ses-sending-role IAM review",
          rules: RULE_IDS.map((id) => ({
            id,
            shortDescription: { text: RULES[id].summary },
            defaultConfiguration: { level: RULES[id].severity },
            properties: { family: RULES[id].family },
          })),
        },
      },
      artifacts: [{ location: { uri }, description: { text: `Terraform plan JSON (format ${review.formatVersion})` } }],
      results: review.findings.map((item) => result(item, uri)),
    }],
  };
}
