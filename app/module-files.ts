/**
 * Every file of the exported module, as text: the Terraform files from the
 * construct, the README with Inputs and Outputs tables from the same
 * descriptions, a root module in examples/ and the `terraform test` suite.
 * The text is not yet formatted: scripts/export-module.ts runs `terraform fmt`.
 */
import { hclValue } from "./hcl";
import {
  buildModuleStack, isExported, MODULE_INPUTS, MODULE_OUTPUTS, moduleMainHcl, moduleVariables, outputsHcl,
  REQUIRED_AWS_PROVIDER, REQUIRED_TERRAFORM, variablesHcl, versionsHcl,
} from "./module-export";
import { planTestsHcl, validationTestsHcl } from "./module-tests";

/** The folder the module is exported to, relative to the project. */
export const MODULE_DIR = "terraform-module";

const GENERATED = "# Written by `npm run export-module` from the PinpointSesSendingRole construct; do not edit.\n";

/** The example's call: every variable a hardened setup would set. */
const EXAMPLE_CALL = [
  'module "pinpoint_ses_sending_role" {',
  'source = "../"',
  "",
  'ses_identities = ["example.com"]',
  'configuration_sets = ["marketing"]',
  "# Only these Pinpoint projects may use the role (confused-deputy protection).",
  'pinpoint_application_ids = ["0123456789abcdef0123456789abcdef"]',
  'tags = { team = "messaging" }',
  "}",
];

function exampleHcl(): string {
  return [
    "# A root module that calls the exported module; `terraform init && terraform plan` here.",
    "terraform {",
    `required_version = "${REQUIRED_TERRAFORM}"`,
    "required_providers {",
    `aws = { source = "hashicorp/aws", version = "${REQUIRED_AWS_PROVIDER}" }`,
    "}",
    "}",
    "",
    "provider \"aws\" {",
    'region = "eu-west-1"',
    "}",
    "",
    ...EXAMPLE_CALL,
    "",
    ...MODULE_OUTPUTS.flatMap((output) => [
      `output "${output.name}" {`,
      `description = ${JSON.stringify(output.description)}`,
      `value = module.pinpoint_ses_sending_role.${output.name}`,
      "}",
      "",
    ]),
  ].join("\n");
}

/** A Markdown table cell: pipes escaped, code where it helps. */
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (text: string) => `\`${cell(text)}\``;

function readme(): string {
  const inputs = moduleVariables().map((input) =>
    `| ${code(input.name)} | ${cell(input.description)} | ${code(input.type)} | ${code(hclValue(input.default))} | no |`);
  const outputs = MODULE_OUTPUTS.map((output) => `| ${code(output.name)} | ${cell(output.description)} |`);
  const notExported = Object.entries(MODULE_INPUTS).filter(([, input]) => !isExported(input))
    .map(([option, input]) => `- \`${option}\`: ${"notExported" in input ? input.notExported : ""}`);
  return [
    "# pinpoint-ses-sending-role (Terraform module)",
    "",
    "The IAM role Amazon Pinpoint assumes to send campaign and journey email through Amazon SES, as a plain",
    "Terraform module: the trust and permissions policies of the AWS procedure, with partition, Region and",
    "account filled in by Terraform. It is generated from the `PinpointSesSendingRole` CDKTF construct by",
    "`npm run export-module`, so both make the same role; no Node is needed to use it.",
    "",
    "```sh",
    "terraform init && terraform plan    # in examples/, or in your root module that calls this one",
    "terraform test                      # here: plans with a mocked provider, no AWS account needed",
    "```",
    "",
    "Amazon Pinpoint reached end of support on 2026-10-30. The role is plain IAM and stays useful in state and",
    "plan review for as long as you hold Pinpoint resources, and to remove them cleanly.",
    "",
    "## Usage",
    "",
    "```hcl",
    ...EXAMPLE_CALL.map((line, i) => (i === 1 ? '  source = "git::https://example.com/your/repo.git//terraform-module?ref=v0.1.0"'
      : line === "}" || line.startsWith("module") ? line : line ? `  ${line}` : line)),
    "```",
    "",
    "The module has no provider block and no backend: it uses the caller's `aws` provider (pass",
    "`providers = { aws = aws.other }` for another account or Region). `examples/` is a root module calling",
    "it with `source = \"../\"`. Every input is checked by a `validation` block before any API call, with the",
    "rules the construct checks at synth time, including IAM's size quotas for both policies.",
    "",
    "## Requirements",
    "",
    "| Name | Version |",
    "| --- | --- |",
    `| terraform | \`${REQUIRED_TERRAFORM}\` (validations refer to other variables) |`,
    `| hashicorp/aws | \`${REQUIRED_AWS_PROVIDER}\` (tested with 5.100.0) |`,
    "",
    "## Inputs",
    "",
    "| Name | Description | Type | Default | Required |",
    "| --- | --- | --- | --- | :---: |",
    ...inputs,
    "",
    "## Outputs",
    "",
    "| Name | Description |",
    "| --- | --- |",
    ...outputs,
    "",
    "## Construct options that are not inputs",
    "",
    ...notExported,
    "",
  ].join("\n");
}

/** Every file of the module, by path relative to its folder. */
export function moduleFiles(): Map<string, string> {
  const module = buildModuleStack();
  return new Map([
    ["versions.tf", GENERATED + versionsHcl()],
    ["variables.tf", GENERATED + variablesHcl()],
    ["main.tf", GENERATED + moduleMainHcl(module)],
    ["outputs.tf", GENERATED + outputsHcl(module)],
    ["README.md", readme()],
    ["examples/main.tf", exampleHcl()],
    ["tests/plan.tftest.hcl", planTestsHcl()],
    ["tests/validation.tftest.hcl", validationTestsHcl()],
  ]);
}
