import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudBackend, NamedCloudWorkspace, S3Backend, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { PinpointSesSendingRole } from "../modules";
import { AppConfig, StateBackend } from "./config";

/** The app's one stack: a provider, a state backend, the role and its outputs. */
export class PinpointSesStack extends TerraformStack {
  public readonly sendingRole: PinpointSesSendingRole;

  constructor(scope: Construct, config: AppConfig) {
    super(scope, config.stackName);
    // Credentials and endpoints come from the environment (AWS_PROFILE,
    // AWS_ENDPOINT_URL_IAM, ...), as with any Terraform configuration.
    new AwsProvider(this, "aws", { region: config.region });
    configureBackend(this, config.backend);

    this.sendingRole = new PinpointSesSendingRole(this, "pinpoint-ses-sending-role", {
      roleName: config.roleName,
      roleNamePrefix: config.roleNamePrefix,
      sesIdentities: config.sesIdentities,
      configurationSets: config.configurationSets,
      pinpointApplicationIds: config.pinpointApplicationIds,
      tags: config.tags,
    });

    new TerraformOutput(this, "role_arn", {
      value: this.sendingRole.roleArn,
      description: "ARN of the role; set it as the orchestration sending role of the Pinpoint email channel",
    });
    new TerraformOutput(this, "role_name", {
      value: this.sendingRole.roleName,
      description: "Name of the role",
    });
  }
}

function configureBackend(stack: TerraformStack, backend: StateBackend): void {
  switch (backend.kind) {
    case "local":
      return; // cdktf's default: a local backend, terraform.<stack>.tfstate
    case "cloud":
      new CloudBackend(stack, {
        organization: backend.organization,
        workspaces: new NamedCloudWorkspace(backend.workspace),
        hostname: backend.hostname,
      });
      return;
    case "s3": {
      const s3 = new S3Backend(stack, { bucket: backend.bucket, key: backend.key, region: backend.region, encrypt: true });
      // S3-native state locking (Terraform >= 1.10); cdktf 0.21 has no typed field for it.
      s3.addOverride("use_lockfile", true);
      return;
    }
  }
}
