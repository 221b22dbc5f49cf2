/**
 * What we publish is what we test, where users are: `npm pack`, then a plain
 * `npm install` of the tarball (no --legacy-peer-deps, no --force, no
 * overrides) into throwaway apps at the oldest and newest of every peer range
 * (docs/cdktn.md, "Version matrix"): cdktf with the binding for hashicorp/aws
 * 5.x and the one for 6.x, CDK Terrain with its own, constructs at both ends
 * of each framework's range. Existing apps install the package alone or run
 * the README's line; new apps run the README's line. Each app type-checks
 * against the shipped declarations and synthesizes the example's role, once
 * per constructs version (swapped in the same folder). The role is the same
 * in every cell; 5.x outputs pass `terraform validate` with hashicorp/aws
 * 5.100.0, 6.x outputs (no 6.x provider binary here) the 6.x binding's own
 * schema. Packages come from the registry or the npm cache, whatever the
 * machine has: nothing depends on an earlier run.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { blockSchema, schemaProblems } from "../support/binding-schema";
import { BINDING, ConsumerApp, Framework, PACKAGE, packTarball, readmeInstallLine } from "../support/consumer-apps";
import { run, TerraformWorkdir } from "../support/terraform";
import { MODULE_DIR, moduleAsStack } from "../terraform-module/declarations";

/**
 * What an app runs after its own install: `package` is `npm install <tarball>` alone (what the issue asks of an
 * existing app), `readme` the README's line for its framework (the package's name replaced by the tarball), and
 * `constructs@V` swaps constructs in the same folder. Each step is followed by a synth: one cell of the matrix.
 */
type Step = "package" | "readme" | `constructs@${string}`;

/** One app folder: one framework and, mostly, one binding version (the big install). */
interface AppPlan {
  readonly name: string;
  readonly framework: Framework;
  /** The app's own pinned dependencies, installed before it meets this package; none: a new app. */
  readonly existing?: { readonly [name: string]: string };
  readonly steps: readonly Step[];
  /**
   * Type-checks the app against the shipped declarations: one app per framework and binding line (the declarations
   * take their types from the binding; tsc is the slowest step after the installs).
   */
  readonly typeCheck?: boolean;
}

const pinned = (framework: Framework, version: string, binding: string, constructs: string) =>
  ({ [framework]: version, [BINDING[framework]]: binding, constructs });

const APPS: readonly AppPlan[] = [
  // The three existing apps, and the oldest of each binding line; the README's line in existing apps.
  { name: "cdktf-aws20.1", framework: "cdktf", existing: pinned("cdktf", "0.21.0", "20.1.0", "10.4.2"), steps: ["package"], typeCheck: true },
  { name: "cdktf-aws20.0", framework: "cdktf", existing: pinned("cdktf", "0.21.0", "20.0.0", "10.8.1"), steps: ["readme"] },
  { name: "cdktf-aws21.0", framework: "cdktf", existing: pinned("cdktf", "0.21.0", "21.0.0", "10.4.2"), steps: ["package"] },
  { name: "cdktn-aws25.5", framework: "cdktn", existing: pinned("cdktn", "0.24.0", "25.5.0", "10.6.0"), steps: ["package", "readme"] },
  // New apps: the README's line installs the newest of each line; then the oldest constructs in the same folder.
  { name: "cdktf-new", framework: "cdktf", steps: ["readme", "constructs@10.4.2"], typeCheck: true },
  { name: "cdktn-new", framework: "cdktn", steps: ["readme", "constructs@10.6.0"], typeCheck: true },
];

/** One synthesized cell of the matrix: an app after one step. */
interface Cell {
  readonly app: AppPlan;
  readonly step: Step;
  readonly versions: { readonly [name: string]: string };
  readonly providerVersion: string;
  readonly bindingDir: string;
  readonly stack: any;
  /** The stack's problems by the binding's schema, read before a later step replaces the binding. */
  readonly schemaProblems: string[];
  /** `npm ls --all` after the step. */
  readonly tree: { status: number; problems: unknown };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "pinpoint-ses-matrix-"));
let tarball: string;
const cells: Cell[] = [];
/** tsc's status and output, by app. */
const typeChecks = new Map<string, { status: number; output: string }>();
/** Each app as its last step left it. */
const apps = new Map<string, ConsumerApp>();

/** Installs one app, runs its steps, and synthesizes one cell after each. */
async function runApp(plan: AppPlan): Promise<void> {
  const app = ConsumerApp.create(path.join(work, plan.name), plan.framework, plan.existing);
  apps.set(plan.name, app);
  if (plan.existing) await app.npmInstall();
  for (const step of plan.steps) {
    const args = step === "package" ? [tarball]
      : step === "readme" ? readmeInstallLine(plan.framework).slice(2).map((word) => (word === PACKAGE ? tarball : word))
        : ["--save-exact", step];
    await app.npmInstall(args);
    const typeCheck = plan.typeCheck && step === plan.steps[0] ? app.typeCheck() : undefined;
    const [stack, tree, tsc] = await Promise.all([app.synthesize(), app.problems(), typeCheck]);
    if (tsc) typeChecks.set(plan.name, { status: tsc.status, output: tsc.stdout + tsc.stderr });
    const bindingDir = app.bindingDir();
    cells.push({
      app: plan, step, versions: app.versions(), providerVersion: app.providerVersion(), bindingDir, stack, tree,
      schemaProblems: schemaProblems(stack, bindingDir),
    });
  }
}

const cellsOf = (name: string) => cells.filter((cell) => cell.app.name === name);
const major = (version: string) => Number(version.split(".")[0]);
/** A stack without what differs by app and binding: metadata, the backend path and the provider version. */
const roleParts = (stack: any) => JSON.parse(JSON.stringify({ ...stack, terraform: undefined, "//": undefined },
  (key, value) => (key === "//" ? undefined : value)));

beforeAll(async () => {
  tarball = await packTarball(work);
  // Every app at once: the installs mostly wait on the registry and the disk; npm's cache is safe to share.
  // All settled before a failure is reported, so that no install still runs when afterAll removes the folders.
  const failed = (await Promise.allSettled(APPS.map(runApp))).find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
});

// Each app folder holds about 400 MB in 10,000 files: removed in parallel (fs.rmSync, one file at a time, took 70 s here).
afterAll(async () => {
  await Promise.all(fs.readdirSync(work).map((name) => fs.promises.rm(path.join(work, name), { recursive: true, force: true })));
  fs.rmSync(work, { recursive: true, force: true });
});

describe("the packed tarball", () => {
  it("ships the compiled construct and its declarations, the framework types among them, not the app or tests", async () => {
    const listing = await run("tar", ["-tzf", tarball], { cwd: work, env: process.env });
    const files = listing.stdout.trim().split("\n").sort();
    expect(files).toEqual(expect.arrayContaining([
      "package/lib/index.js", "package/lib/index.d.ts", "package/lib/framework.js", "package/lib/framework-types.d.ts",
      "package/lib/pinpoint-ses-sending-role.js", "package/lib/pinpoint-ses-sending-role.d.ts",
      "package/package.json", "package/README.md",
    ]));
    expect(files.filter((file) => /main\.ts|app\/|__tests__|scripts\/|\.ts$(?<!\.d\.ts)/.test(file))).toEqual([]);
  });

  it("declares both frameworks and both bindings as optional peers, and constructs as a required one", async () => {
    const manifest = JSON.parse((await run("tar", ["-xzOf", tarball, "package/package.json"], { cwd: work, env: process.env })).stdout);
    expect(manifest.peerDependencies).toEqual({
      "@cdktf/provider-aws": "^20.0.0 || ^21.0.0",
      "@cdktn/provider-aws": "^25.5.0",
      cdktf: "^0.21.0",
      cdktn: "^0.24.0",
      constructs: "^10.4.2",
    });
    expect(manifest.peerDependenciesMeta).toEqual(Object.fromEntries(
      ["@cdktf/provider-aws", "@cdktn/provider-aws", "cdktf", "cdktn"].map((name) => [name, { optional: true }])));
    expect(manifest.dependencies).toBeUndefined();
  });
});

describe.each(APPS)("the app $name", (plan) => {
  it("installs the package without a flag, in a tree npm ls finds sound after every step", () => {
    expect(cellsOf(plan.name).map((cell) => [cell.step, cell.tree]))
      .toEqual(plan.steps.map((step) => [step, { status: 0, problems: undefined }]));
  });

  it("keeps an existing app's versions, or gives a new one the newest of its framework's line", () => {
    const [first] = cellsOf(plan.name);
    if (plan.existing) expect(first.versions).toEqual(plan.existing);
    else expect(major(first.versions[BINDING[plan.framework]])).toBe(plan.framework === "cdktf" ? 21 : 25);
  });

  if (plan.typeCheck) {
    it("type-checks against the shipped declarations, which give it its own framework's classes", () => {
      expect(typeChecks.get(plan.name)).toEqual({ status: 0, output: "" });
    });
  }

  it("synthesizes the example's role after every step, with its own framework and binding", () => {
    const synthesized = cellsOf(plan.name);
    expect(synthesized.map((cell) => {
      const [role] = Object.values(cell.stack.resource.aws_iam_role) as any[];
      const [policy] = Object.values(cell.stack.resource.aws_iam_role_policy) as any[];
      return {
        step: cell.step, framework: cell.stack["//"].metadata.version, provider: cell.stack.terraform.required_providers.aws.version,
        namePrefix: role.name_prefix, identity: /:identity\/example\.com"/.test(policy.policy), arn: cell.stack.output.arn.value,
      };
    })).toEqual(synthesized.map((cell) => ({
      step: cell.step, framework: cell.versions[plan.framework], provider: cell.providerVersion,
      namePrefix: "consumer-", identity: true, arn: expect.stringMatching(/^\$\{aws_iam_role\.[\w-]+\.arn\}$/),
    })));
  });
});

describe("across the matrix", () => {
  it("covers both binding lines of cdktf and CDK Terrain's, and constructs at both ends of each framework's range", () => {
    const seen = (framework: Framework, key: string) =>
      new Set(cells.filter((cell) => cell.app.framework === framework).map((cell) => cell.versions[key]));
    // The newest end of each range is what the README's line gives a new app today.
    const [cdktfNewest, cdktnNewest] = ["cdktf-new", "cdktn-new"].map((name) => cellsOf(name)[0].versions);
    const cdktfProviders = cells.filter((cell) => cell.app.framework === "cdktf").map((cell) => major(cell.providerVersion));
    expect(new Set(cdktfProviders)).toEqual(new Set([5, 6]));
    expect(seen("cdktf", "constructs")).toEqual(new Set(["10.4.2", "10.8.1", cdktfNewest.constructs]));
    expect(seen("cdktn", "constructs")).toEqual(new Set(["10.6.0", cdktnNewest.constructs]));
    expect(seen("cdktf", "@cdktf/provider-aws")).toEqual(new Set(["20.0.0", "20.1.0", "21.0.0", cdktfNewest["@cdktf/provider-aws"]]));
    expect(seen("cdktn", "@cdktn/provider-aws")).toEqual(new Set(["25.5.0", cdktnNewest["@cdktn/provider-aws"]]));
    // Two ends, not one version twice.
    expect(cdktfNewest["@cdktf/provider-aws"]).not.toBe("21.0.0");
    // cdktn 0.24 takes constructs below 10.8.0: its newest end is a 10.7.x.
    expect([cdktnNewest["@cdktn/provider-aws"], cdktnNewest.constructs])
      .toEqual([expect.not.stringMatching(/^25\.5\.0$/), expect.stringMatching(/^10\.7\.\d+$/)]);
    expect(cells).toHaveLength(APPS.reduce((count, plan) => count + plan.steps.length, 0));
  });

  it("makes the same role, policy, data sources and output in every cell", () => {
    const [first, ...others] = cells;
    for (const cell of others) {
      expect({ cell: cell.app.name, step: cell.step, ...roleParts(cell.stack) })
        .toEqual({ cell: cell.app.name, step: cell.step, ...roleParts(first.stack) });
    }
  });

  it("reads data.aws_region's id alone, in every cell: name is deprecated in 6.x, region does not exist in 5.x", () => {
    const read = cells.flatMap((cell) =>
      [...JSON.stringify(cell.stack).matchAll(/data\.aws_region\.[\w-]+\.(\w+)/g)].map((match) => match[1]));
    expect(new Set(read)).toEqual(new Set(["id"]));
  });

  it("fits each cell's own binding's schema (every block, argument and reference)", () => {
    expect(cells.map((cell) => [cell.app.name, cell.step, cell.schemaProblems]))
      .toEqual(cells.map((cell) => [cell.app.name, cell.step, []]));
  });

  describe("terraform validate with hashicorp/aws 5.100.0, the provider at hand", () => {
    const workdir = TerraformWorkdir.create("matrix-validate");
    afterAll(() => workdir.remove());

    /** The stack with the mirror's provider version: a 20.0.0 app asks for 5.99.1, whose schema is the same for these resources. */
    const atMirrorVersion = (stack: any) =>
      ({ ...stack, terraform: { required_providers: { aws: { ...stack.terraform.required_providers.aws, version: "5.100.0" } } } });

    it("accepts every 5.x output", async () => {
      const fiveX = cells.filter((cell) => major(cell.providerVersion) === 5);
      expect(fiveX.map((cell) => cell.app.name).sort()).toEqual(["cdktf-aws20.0", "cdktf-aws20.1"]);
      workdir.write("cdk.tf.json", atMirrorVersion(fiveX[0].stack));
      await workdir.init({ backend: false });
      for (const cell of fiveX) {
        workdir.write("cdk.tf.json", atMirrorVersion(cell.stack));
        expect({ cell: cell.app.name, step: cell.step, ...(await workdir.validate()) })
          .toMatchObject({ cell: cell.app.name, step: cell.step, valid: true, diagnostics: [] });
      }
    });

    it("rejects what the 5.x binding's schema rejects; the 6.x binding's schema knows data.aws_region's region", async () => {
      const five = cells.find((cell) => cell.app.name === "cdktf-aws20.1") as Cell;
      const six = cells.find((cell) => cell.app.name === "cdktf-new") as Cell;
      const stack = atMirrorVersion(five.stack);
      const [regionName] = Object.keys(stack.data.aws_region);
      stack.output.region = { value: `\${data.aws_region.${regionName}.region}` };
      Object.values(stack.resource.aws_iam_role as object)[0].no_such_argument = "x";
      workdir.write("cdk.tf.json", stack);
      const validated = await workdir.validate();
      expect(validated.valid).toBe(false);
      expect(validated.diagnostics.map((diagnostic: any) => diagnostic.summary).sort())
        .toEqual(["Extraneous JSON object property", "Unsupported attribute"]);
      const [roleName] = Object.keys(stack.resource.aws_iam_role);
      const unknownArgument = `aws_iam_role.${roleName}: the binding's aws_iam_role has no argument no_such_argument`;
      expect(schemaProblems(stack, five.bindingDir)).toEqual([unknownArgument,
        `data.aws_region.${regionName}.region: aws_region has no attribute region`]);
      expect(schemaProblems(stack, six.bindingDir)).toEqual([unknownArgument]);
      // What 6.x changed for the Region: `region` beside `name` and `id` (these two apps keep one binding version each).
      const regionAttributes = (cell: Cell) => [...blockSchema(cell.bindingDir, "data", "aws_region")?.attributes ?? []]
        .filter((attribute) => ["id", "name", "region"].includes(attribute)).sort();
      expect({ five: regionAttributes(five), six: regionAttributes(six) })
        .toEqual({ five: ["id", "name"], six: ["id", "name", "region"] });
    });
  });
});

describe("terraform-module/ on the same provider range", () => {
  const bindings = () => [...apps.values()].map((app) => ({ provider: app.providerVersion(), dir: app.bindingDir() }));

  it("asks for hashicorp/aws >= 5.0, < 7.0, as does its example: the majors the matrix's bindings were made for", () => {
    for (const file of ["versions.tf", path.join("examples", "main.tf")]) {
      expect(fs.readFileSync(path.join(MODULE_DIR, file), "utf8")).toMatch(/^ +version += ">= 5\.0, < 7\.0"$/m);
    }
    expect(new Set(bindings().map((binding) => major(binding.provider)))).toEqual(new Set([5, 6]));
  });

  it("uses only blocks, arguments and attributes that every binding of the matrix has, 5.x and 6.x alike", () => {
    expect(bindings().map((binding) => [binding.provider, schemaProblems(moduleAsStack(), binding.dir)]))
      .toEqual(bindings().map((binding) => [binding.provider, []]));
  });

  it("reads data.aws_region's id alone: name is deprecated in 6.x, region does not exist in 5.x", () => {
    const read = [...moduleAsStack().output.references.value.matchAll(/data\.aws_region\.\w+\.(\w+)/g)].map((match) => match[1]);
    expect(new Set(read)).toEqual(new Set(["id"]));
  });
});
