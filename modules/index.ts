export * from "./pinpoint-ses-sending-role";
export { PinpointSesEmailChannel, PinpointSesEmailChannelProps } from "./pinpoint-ses-email-channel";
export * from "./policy-documents";
export { IAM_LIMITS, WORST_CASE } from "./iam-limits";
export { partitionOfRegion } from "./partitions";
