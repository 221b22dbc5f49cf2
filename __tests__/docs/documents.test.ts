/**
 * The README and docs/ show only what works: every `npm run` command they
 * name exists, every file they link exists, the consumer's install lines and
 * code are the ones the tests run, the deployments file shown loads, and the README
 * stays short enough to read first.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadAppConfigs } from "../../app/config";
import { docExample } from "../support/doc-examples";
import { PROJECT_DIR } from "../support/terraform";

const read = (file: string) => fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");
const documents = ["README.md", ...fs.readdirSync(path.join(PROJECT_DIR, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const scripts = Object.keys(JSON.parse(read("package.json")).scripts);
const example = JSON.parse(read("examples/consumer-app/package.json"));

it("keeps the README at 250 lines or fewer", () => {
  expect(read("README.md").split("\n").length).toBeLessThanOrEqual(250);
});

it.each(documents)("%s names only npm run commands that package.json has", (file) => {
  const named = [...read(file).matchAll(/npm run (?:-s )?([a-z][\w-]*)/g)].map((match) => match[1]);
  expect(named.filter((name) => !scripts.includes(name))).toEqual([]);
});

/** Folders that builds, installs and runs make: git-ignored, not part of the layout. */
const IGNORED_FOLDERS = ["node_modules", "lib", "build", "coverage", "cdktf.out", "cdktf.out.hcl", "try-local.out"];

it.each(documents)("%s links only to files that exist", (file) => {
  const links = [...read(file).matchAll(/\]\(([^)#:]+)(?:#[^)]*)?\)/g)].map((match) => path.normalize(path.join(path.dirname(file), match[1])));
  expect(links.filter((link) => !fs.existsSync(path.join(PROJECT_DIR, link)))).toEqual([]);
});

it("the README's layout paragraph names every top-level folder of the repository", () => {
  const layout = /^Layout: ([\s\S]*?)\n\n/m.exec(read("README.md"))?.[1] ?? "";
  const folders = fs.readdirSync(PROJECT_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith(".") && !IGNORED_FOLDERS.includes(entry.name))
    .map((entry) => entry.name);
  expect(folders.filter((folder) => !layout.includes(`\`${folder}/\``))).toEqual([]);
});

// The install lines themselves run in __tests__/package/version-matrix.terraform.test.ts.
it("the README's install block has one flagless npm install line per framework: framework, constructs, binding, package", () => {
  const lines = docExample("README.md", "consumer-install").trim().split("\n").map((line) => line.split(/\s+/));
  const names = lines.map((words) => [...words.slice(0, 2), ...words.slice(2).map((word) => word.replace(/(.)@.*$/, "$1"))]);
  expect(names).toEqual([
    ["npm", "install", "cdktf", "constructs", "@cdktf/provider-aws", "pinpoint-ses-sending-role"],
    ["npm", "install", "cdktn", "constructs", "@cdktn/provider-aws", "pinpoint-ses-sending-role"],
  ]);
});

it("the README's line for a new cdktf app's tools names exactly the devDependencies of examples/consumer-app", () => {
  const words = /`npm install --save-dev ([^`]+)`/.exec(read("README.md"))?.[1].split(" ") ?? [];
  expect(words.sort()).toEqual(Object.entries(example.devDependencies).map(([name, version]) => `${name}@${version}`).sort());
});

it("the README's consumer app is examples/consumer-app/main.ts, without its opening comment", () => {
  const code = /```ts\n(import \{ AwsProvider \}[\s\S]*?)```/.exec(read("README.md"))?.[1];
  expect(code).toBe(read("examples/consumer-app/main.ts").replace(/^(\/\/.*\n)+/, ""));
});

it("the deployments file in docs/deployments.md loads as two stacks", () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "deployments-doc-")), "deployments.json");
  fs.writeFileSync(file, docExample("docs/deployments.md", "deployments-file"));
  expect(loadAppConfigs({ PINPOINT_SES_DEPLOYMENTS_FILE: file }, () => undefined).map((config) => config.stackName))
    .toEqual(["prod-us", "prod-eu"]);
  fs.rmSync(path.dirname(file), { recursive: true });
});
