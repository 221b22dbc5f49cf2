export * from "./pinpoint-ses-sending-role";
export * from "./policy-documents";
export { IAM_LIMITS, WORST_CASE } from "./iam-limits";
