import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudBackend, NamedCloudWorkspace, S3Backend, TaggedCloudWorkspaces, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { PinpointSesEmailChannel, PinpointSesSendingRole } from "../modules";
import { AppConfig } from "./config";

/**
 * One stack of the app: a provider (in the configured account through an
 * assumed role, when there is one), a state backend, the role, optionally the
 * email channel, and outputs.
 */
export class PinpointSesStack extends TerraformStack {
  public readonly sendingRole: PinpointSesSendingRole;
  public readonly emailChannel?: PinpointSesEmailChannel;

  constructor(scope: Construct, config: AppConfig) {
    super(scope, config.stackName);
    const { stackName, region, backend, assumeRole, source, emailChannel, ...roleOptions } = config;
    // Credentials and endpoints come from the environment (AWS_PROFILE,
    // AWS_ENDPOINT_URL_IAM, ...), as with any Terraform configuration.
    new AwsProvider(this, "aws", {
      region,
      ...(assumeRole && {
        assumeRole: [{ roleArn: assumeRole.roleArn, externalId: assumeRole.externalId, sessionName: assumeRole.sessionName }],
        // Refuses to plan in any other account, whatever the credentials resolve to.
        allowedAccountIds: [assumeRole.account],
      }),
    });
    // Without a backend here: cdktf's default, a local backend (terraform.<stack>.tfstate).
    if (backend.kind === "cloud") {
      new CloudBackend(this, {
        organization: backend.organization,
        workspaces: backend.workspaceTags
          ? new TaggedCloudWorkspaces(backend.workspaceTags, backend.project)
          : new NamedCloudWorkspace(backend.workspace as string, backend.project),
        hostname: backend.hostname,
      });
    } else if (backend.kind === "s3") {
      const s3 = new S3Backend(this, { bucket: backend.bucket, key: backend.key, region: backend.region, encrypt: true });
      // S3-native state locking (Terraform >= 1.10); cdktf 0.21 has no typed field for it.
      s3.addOverride("use_lockfile", true);
    }

    try {
      this.sendingRole = new PinpointSesSendingRole(this, "pinpoint-ses-sending-role", roleOptions);
      if (emailChannel) {
        const sendingRole = this.sendingRole;
        this.emailChannel = new PinpointSesEmailChannel(this, "pinpoint-email-channel", { ...emailChannel, sendingRole });
      }
    } catch (error) {
      // With many deployments, say which one is wrong.
      if (source) (error as Error).message = `${source}: ${(error as Error).message}`;
      throw error;
    }

    new TerraformOutput(this, "role_arn", {
      value: this.sendingRole.roleArn,
      description: "ARN of the role; set it as the orchestration sending role of the Pinpoint email channel",
    });
    new TerraformOutput(this, "role_name", { value: this.sendingRole.roleName, description: "Name of the role" });
  }
}
