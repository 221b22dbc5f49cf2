/** Stack names double as folder names and S3 key parts: the rule the settings and the deployments file share. */
export const STACK_NAME = /^[A-Za-z0-9_-]{1,64}$/;
export const STACK_NAME_RULE = "is not a valid stack name (1 to 64 of [A-Za-z0-9_-])";
