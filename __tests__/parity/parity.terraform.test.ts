/**
 * The construct and the Terraform module, run on every case of cases.ts with
 * the real provider against moto's STS, in one root
 * configuration: a cdktf stack holding one construct per case, plus one
 * module block per accepted case, so ONE `terraform plan` shows what both
 * plan. Refused cases: the construct's constructor throws; the module's
 * blocks are planned in a fork of the same `terraform init`, whose failed
 * plan's diagnostics name each block.
 */
import * as fs from "fs";
import * as path from "path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, TerraformVariable, Testing, Token } from "cdktf";
import { PinpointSesSendingRole } from "../../modules";
import { EmulatedAccount } from "../support/emulator";
import { PlanJson, PROJECT_DIR, TerraformWorkdir, testEnv } from "../support/terraform";
import { ACCOUNT, Case, CASES, inputsFor, placed, Planned, PROVIDER_REGION } from "./cases";

/** What one side did with a case: planned these, or refused with these messages. */
type Outcome = { readonly plans: Planned } | { readonly refused: readonly string[] };
type Outcomes = Map<string, Outcome>;
/** Terraform addresses of one case's role and policy. */
type Addresses = { readonly role: string; readonly policy: string };

const ACCEPTED = CASES.filter((testCase) => testCase.plans);
const REFUSED = CASES.filter((testCase) => testCase.refused !== undefined);
const workdirs: TerraformWorkdir[] = [];
let aws: EmulatedAccount;
const fromConstruct: Outcomes = new Map();
const fromModule: Outcomes = new Map();
/** The construct given each accepted case's inputs as Terraform variables (tokens), by case id. */
const fromTokens: Outcomes = new Map();

beforeAll(async () => {
  aws = await EmulatedAccount.open(ACCOUNT);
  const { stackJson, addresses, tokenAddresses } = constructStack();
  const withModules = (cases: readonly Case[]) => ({ ...stackJson, module: moduleBlocks(cases) });
  // One init for every case's block; each plan below writes only some of them.
  const base = workdir("parity");
  copyModule(base);
  base.write("cdk.tf.json", withModules(CASES));
  await base.init();
  const refused = base.fork("parity-refused");
  workdirs.push(refused);
  copyModule(refused);
  base.write("cdk.tf.json", withModules(ACCEPTED));
  // The refused blocks alone, with the stack's provider and backend.
  const refusedRoot = { terraform: stackJson.terraform, provider: stackJson.provider };
  const env = testEnv(aws.env);
  const [plan] = await Promise.all([planAccepted(base, env), refusedRounds(refused, refusedRoot, env)]);
  if (!plan) return;
  for (const [id, at] of addresses) fromConstruct.set(id, { plans: plannedAt(plan, at) });
  for (const [id, at] of tokenAddresses) fromTokens.set(id, { plans: plannedAt(plan, at) });
  for (const { id } of ACCEPTED) {
    fromModule.set(id, { plans: plannedAt(plan, { role: `module.${id}.aws_iam_role.this`, policy: `module.${id}.aws_iam_role_policy.this` }) });
  }
});

afterAll(async () => {
  workdirs.forEach((workdir) => workdir.remove());
});

function workdir(label: string): TerraformWorkdir {
  const created = TerraformWorkdir.create(label);
  workdirs.push(created);
  return created;
}

/** The module, as a folder `module/` of the working directory. */
function copyModule(into: TerraformWorkdir): void {
  fs.cpSync(path.join(PROJECT_DIR, "terraform-module"), path.join(into.dir, "module"),
    { recursive: true, filter: (source) => !/(^|\/)\.terraform/.test(path.relative(PROJECT_DIR, source)) });
}

/** The role's addresses in the stack. */
const addressesOf = (role: PinpointSesSendingRole): Addresses =>
  ({ role: `aws_iam_role.${role.role.friendlyUniqueId}`, policy: `aws_iam_role_policy.${role.policy.friendlyUniqueId}` });

/**
 * The props with every list, string and number a Terraform variable of the
 * stack (its default the value), so that Terraform, not the construct, maps
 * the lists to ARNs. Tags stay a map: cdktf writes a variable default's keys
 * in snake case (`cost-centre` becomes `cost_centre`).
 */
function asVariables(stack: TerraformStack, id: string, props: { [prop: string]: unknown }): { [prop: string]: unknown } {
  return Object.fromEntries(Object.entries(props).map(([prop, value]) => {
    if (!Array.isArray(value) && typeof value === "object") return [prop, value];
    const type = Array.isArray(value) ? "list(string)" : typeof value;
    const variable = new TerraformVariable(stack, `${id}_${prop}`, { type, default: value });
    return [prop, Array.isArray(value) ? Token.asList(variable.value) : typeof value === "number" ? variable.numberValue : variable.value];
  }));
}

/**
 * A stack holding one construct per case the construct accepts, and one with
 * its inputs as tokens per accepted case; a case the construct refuses gets
 * its outcome here (a refused option leaves nothing in the tree).
 */
function constructStack() {
  const stack = new TerraformStack(Testing.app(), "parity");
  new AwsProvider(stack, "aws", { region: PROVIDER_REGION });
  const addresses = new Map<string, Addresses>();
  const tokenAddresses = new Map<string, Addresses>();
  for (const testCase of CASES) {
    const props = inputsFor("prop", testCase.inputs);
    try {
      addresses.set(testCase.id, addressesOf(new PinpointSesSendingRole(stack, testCase.id, props)));
    } catch (error) {
      fromConstruct.set(testCase.id, { refused: [(error as Error).message] });
    }
    if (testCase.plans) {
      const id = `${testCase.id}_as_tokens`;
      tokenAddresses.set(testCase.id, addressesOf(new PinpointSesSendingRole(stack, id, asVariables(stack, id, props))));
    }
  }
  return { stackJson: JSON.parse(Testing.synth(stack)), addresses, tokenAddresses };
}

/** One module block per case, named by case id. */
function moduleBlocks(cases: readonly Case[]): object {
  return Object.fromEntries(cases.map((testCase) => [testCase.id, { source: "./module", ...inputsFor("variable", testCase.inputs) }]));
}

/** The planned role, policy and documents at two resource addresses. */
function plannedAt(plan: PlanJson, { role, policy }: Addresses): Planned {
  const after = (address: string) => {
    const change = (plan.resource_changes ?? []).find((candidate) => candidate.address === address);
    if (!change) throw new Error(`${address} is not in the plan`);
    return change.change.after;
  };
  const planned = after(role);
  return {
    trust: JSON.parse(planned.assume_role_policy),
    permissions: JSON.parse(after(policy).policy),
    policyName: after(policy).name,
    role: planned,
  };
}

/** Each module block's error messages in the diagnostics of `terraform plan -json`. */
function moduleErrors(planOutput: string): Map<string, string[]> {
  const messages = new Map<string, string[]>();
  for (const line of planOutput.split("\n").filter((text) => text.includes('"type":"diagnostic"'))) {
    const { diagnostic } = JSON.parse(line);
    const id = /^module\.([\w-]+)$/.exec(diagnostic.snippet?.context ?? "")?.[1];
    if (id) messages.set(id, [...(messages.get(id) ?? []), diagnostic.detail]);
  }
  return messages;
}

const planJson = (workdir: TerraformWorkdir, env: NodeJS.ProcessEnv, extra: readonly string[] = []) =>
  workdir.terraform(["plan", "-input=false", "-no-color", "-lock=false", "-json", ...extra], env, true);

/** The plan of the accepted cases; if the module refuses some, they get that outcome and there is no plan. */
async function planAccepted(workdir: TerraformWorkdir, env: NodeJS.ProcessEnv): Promise<PlanJson | undefined> {
  const result = await planJson(workdir, env, ["-out=tfplan"]);
  if (result.status === 0) return JSON.parse((await workdir.terraform(["show", "-json", "tfplan"], env)).stdout);
  const errors = moduleErrors(result.stdout);
  if (errors.size === 0) throw new Error(`terraform plan of the accepted cases failed:\n${result.stdout}\n${result.stderr}`);
  for (const [id, detail] of errors) fromModule.set(id, { refused: detail });
  return undefined;
}

/**
 * Plans the refused cases until each has failed. A plan stops after the
 * validations that read only their own variable have failed, before those
 * that read others (both name and prefix, the size quotas): cases that
 * failed nothing yet go to the next round. Bounded: a round without a new
 * failure ends it.
 */
async function refusedRounds(workdir: TerraformWorkdir, root: object, env: NodeJS.ProcessEnv): Promise<void> {
  let pending = REFUSED;
  while (pending.length > 0) {
    workdir.write("cdk.tf.json", { ...root, module: moduleBlocks(pending) });
    const messages = moduleErrors((await planJson(workdir, env)).stdout);
    if (messages.size === 0) return;
    for (const [id, detail] of messages) fromModule.set(id, { refused: detail });
    pending = pending.filter((testCase) => !messages.has(testCase.id));
  }
}

const describeOutcome = (outcome: Outcome | undefined) =>
  outcome === undefined ? "no result" : "refused" in outcome ? `refused: ${outcome.refused.join(" | ")}` : "planned";

const at = { partition: "aws", region: PROVIDER_REGION, account: ACCOUNT };

function expectPlannedAsTheTableSays(outcome: Outcome | undefined, testCase: Case): void {
  if (!outcome || !("plans" in outcome)) throw new Error(`${testCase.id}: ${describeOutcome(outcome)}`);
  const expected = placed(testCase.plans as Planned, at);
  const plans = outcome.plans;
  expect({ trust: plans.trust, permissions: plans.permissions, policyName: plans.policyName })
    .toEqual({ trust: expected.trust, permissions: expected.permissions, policyName: expected.policyName });
  const role = Object.fromEntries(Object.keys(expected.role).map((attribute) => [attribute, plans.role[attribute]]));
  expect(role).toEqual(expected.role);
}

const byId = (cases: readonly Case[]) => cases.map((testCase) => [testCase.id, testCase] as const);
const ids = (cases: readonly Case[]) => cases.map((testCase) => testCase.id).sort();

describe.each([
  ["the construct", () => fromConstruct],
  ["the module", () => fromModule],
] as const)("%s", (_side, outcomes) => {
  it.each(byId(ACCEPTED))("plans %s as the table says", (id, testCase) => expectPlannedAsTheTableSays(outcomes().get(id), testCase));

  it.each(byId(REFUSED))("refuses %s with the table's rule", (id, testCase) => {
    const outcome = outcomes().get(id);
    if (!outcome || !("refused" in outcome)) throw new Error(`${id}: ${describeOutcome(outcome)}`);
    expect(outcome.refused.join("\n")).toContain(testCase.refused);
  });

  it("has a result for every case of the table and for no other", () => {
    expect([...outcomes().keys()].sort()).toEqual(ids(CASES));
  });
});

describe("the construct given each accepted case's inputs as Terraform variables", () => {
  it.each(byId(ACCEPTED))("plans %s as the table says", (id, testCase) => expectPlannedAsTheTableSays(fromTokens.get(id), testCase));

  it("has a result for every accepted case", () => {
    expect([...fromTokens.keys()].sort()).toEqual(ids(ACCEPTED));
  });
});
