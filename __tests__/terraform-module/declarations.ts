/**
 * What terraform-module/ declares, read from its files as `terraform fmt`
 * writes them (one attribute a line), and the tables of its README. Enough
 * for the tests that keep the README and the parity table in step; not an
 * HCL parser.
 */
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../support/terraform";

export const MODULE_DIR = path.join(PROJECT_DIR, "terraform-module");

const read = (file: string) => fs.readFileSync(path.join(MODULE_DIR, file), "utf8");

export interface Declaration {
  readonly name: string;
  readonly description: string;
  /** The HCL text of `type` and `default`, for a variable. */
  readonly type?: string;
  readonly default?: string;
}

/** The top-level blocks of one kind in a file, with their one-line attributes. */
function blocks(file: string, kind: "variable" | "output"): Declaration[] {
  return read(file).split(new RegExp(`^${kind} "`, "m")).slice(1).map((block) => {
    const attribute = (name: string) => new RegExp(`^  ${name}\\s+= (.*)$`, "m").exec(block)?.[1];
    return {
      name: block.slice(0, block.indexOf('"')),
      description: JSON.parse(attribute("description") ?? '""'),
      type: attribute("type"),
      default: attribute("default"),
    };
  });
}

export const moduleVariables = (): Declaration[] => blocks("variables.tf", "variable");
export const moduleOutputs = (): Declaration[] => blocks("outputs.tf", "output");

/** The README's lines under a `## heading`, up to the next heading. */
export function readmeSection(heading: string): string[] {
  const lines = read("README.md").split("\n");
  const start = lines.indexOf(`## ${heading}`);
  if (start < 0) throw new Error(`terraform-module/README.md has no "## ${heading}"`);
  const end = lines.findIndex((line, i) => i > start && line.startsWith("## "));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** The body rows of the README's table under `## heading`, as cells (pipes escaped in a cell are kept as `|`). */
export function readmeTable(heading: string): string[][] {
  return readmeSection(heading).filter((line) => line.startsWith("| ")).slice(2)
    .map((line) => line.slice(2, -2).split(/ (?<!\\)\| /).map((cell) => cell.replace(/\\\|/g, "|")));
}

/** The README's list of construct options the module has no variable for, each with its reason. */
export function constructOnlyOptions(): Map<string, string> {
  return new Map(readmeSection("Construct options that are not inputs")
    .map((line) => /^- `(\w+)`: (.+)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => [match[1], match[2]]));
}

/**
 * The module's resources and data sources with the names of their arguments
 * (top-level attributes and nested blocks, as `terraform fmt` writes them),
 * and every reference it makes, in the shape of a synthesized stack: what
 * __tests__/support/binding-schema.ts checks against a provider binding.
 */
export function moduleAsStack(): { [kind: string]: any } {
  const stack: { [kind: string]: any } = { resource: {}, data: {}, output: { references: { value: "" } } };
  for (const file of fs.readdirSync(MODULE_DIR).filter((name) => name.endsWith(".tf"))) {
    const text = read(file);
    for (const [, kind, type, name, body = ""] of text.matchAll(/^(resource|data) "(\w+)" "(\w+)" \{(?:\}|\n([\s\S]*?)^\})/gm)) {
      const argumentNames = [...body.matchAll(/^ {2}(\w+)(?: += | \{)/gm)].map((match) => match[1]);
      stack[kind][type] = { ...stack[kind][type], [name]: Object.fromEntries(argumentNames.map((argument) => [argument, ""])) };
    }
    // Comments aside: they may name attributes without reading them.
    stack.output.references.value += text.replace(/#.*$/gm, "");
  }
  return stack;
}
