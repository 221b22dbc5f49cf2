/**
 * Small pieces of HCL text for the exported module: literals, templates,
 * RE2 patterns from the construct's JavaScript ones, and line breaks in the
 * long one-line expressions cdktf writes. `terraform fmt` does the alignment.
 */

/** An HCL quoted string holding `text` literally: `"`, `\`, `${` and `%{` escaped. */
export function hclString(text: string): string {
  return `"${escapeLiteral(text)}"`;
}

function escapeLiteral(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\n/g, "\\n")
    .replace(/\$\{/g, () => "$${")
    .replace(/%\{/g, () => "%%{");
}

/** Literal text inside {@link hclTemplate}, where every other substitution is an HCL expression. */
export interface Literal {
  readonly literal: string;
}

export const lit = (text: string | number): Literal => ({ literal: String(text) });

/**
 * An HCL quoted template from a tagged template literal: substitutions are
 * HCL expressions (`${"length(var.x)"}` becomes `${length(var.x)}`), except
 * {@link lit} ones, which are literal text.
 */
export function hclTemplate(literals: readonly string[], ...parts: ReadonlyArray<string | Literal>): string {
  return `"${literals.map((text, i) => {
    const part = parts[i];
    const next = part === undefined ? "" : typeof part === "string" ? `\${${part}}` : escapeLiteral(part.literal);
    return escapeLiteral(text) + next;
  }).join("")}"`;
}

/** A JSON value (string, number, boolean, null, array, object) as an HCL expression. */
export function hclValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return hclString(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(hclValue).join(", ")}]`;
  const entries = Object.entries(value as object);
  if (entries.length === 0) return "{}";
  return `{ ${entries.map(([key, item]) => `${hclString(key)} = ${hclValue(item)}`).join(", ")} }`;
}

/**
 * A JavaScript pattern in Terraform's regex syntax (RE2): `\uXXXX` becomes
 * `\x{XXXX}`. Throws for what RE2 lacks (lookaround, backreferences), so a
 * pattern that cannot be carried over fails the export instead of weakening it.
 */
export function terraformRegex(pattern: RegExp | string): string {
  const source = typeof pattern === "string" ? pattern : pattern.source;
  if (/\(\?[=!<]|\\[1-9]/.test(source)) {
    throw new Error(`the pattern /${source}/ uses lookaround or a backreference, which Terraform's RE2 lacks`);
  }
  return source.replace(/\\u([0-9A-Fa-f]{4})/g, "\\x{$1}");
}

/** A pattern's body without its `^` and `$` anchors, to build a larger pattern. */
export function unanchored(pattern: RegExp | string): string {
  const source = typeof pattern === "string" ? pattern : pattern.source;
  if (!source.startsWith("^") || !source.endsWith("$") || hasTopLevelAlternative(source)) {
    throw new Error(`the pattern /${source}/ is not one anchored alternative`);
  }
  return source.slice(1, -1);
}

/** Whether `|` separates alternatives at the top of a pattern (not inside a class or a group). */
function hasTopLevelAlternative(source: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0) return true;
  }
  return false;
}

/**
 * Breaks the long one-line objects and tuples of an HCL text (cdktf writes a
 * whole `jsonencode({...})` on one line) into one element per line, for plan
 * review. Strings, with any templates in them, are kept whole; parentheses
 * are never broken, only what is inside them. `terraform fmt` then indents.
 */
export function breakLongLines(hcl: string, width = 100): string {
  return hcl.split("\n").map((line) => (line.length > width ? render(parse(line, 0, "").nodes, width) : line)).join("\n");
}

type HclNode = string | HclGroup;
interface HclGroup {
  readonly open: string;
  readonly close: string;
  /** The elements between the brackets, split at top-level commas. */
  readonly items: HclNode[][];
}

const CLOSE: { readonly [open: string]: string } = { "{": "}", "[": "]", "(": ")" };

/** Index just past the string that opens at `at` (a `"`), templates included. */
function skipString(text: string, at: number): number {
  let i = at + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === "\\") i += 2;
    else if (c === '"') return i + 1;
    else if ((c === "$" || c === "%") && text[i + 1] === c && text[i + 2] === "{") i += 3;
    else if ((c === "$" || c === "%") && text[i + 1] === "{") i = parse(text, i + 2, "}").end + 1;
    else i++;
  }
  return i;
}

/**
 * Parses from `at` up to the first of the `stops` characters at this level
 * (or the end of the text): the nodes, and the index of that character.
 */
function parse(text: string, at: number, stops: string): { nodes: HclNode[]; end: number } {
  const nodes: HclNode[] = [];
  let plain = "";
  let i = at;
  while (i < text.length && !stops.includes(text[i])) {
    const c = text[i];
    if (c === '"') {
      const end = skipString(text, i);
      plain += text.slice(i, end);
      i = end;
    } else if (CLOSE[c]) {
      if (plain) nodes.push(plain);
      plain = "";
      const items: HclNode[][] = [];
      let j = i + 1;
      for (;;) {
        const item = parse(text, j, `,${CLOSE[c]}`);
        if (item.nodes.some((node) => typeof node !== "string" || node.trim())) items.push(item.nodes);
        j = item.end + 1;
        if (item.end >= text.length || text[item.end] === CLOSE[c]) break;
      }
      nodes.push({ open: c, close: CLOSE[c], items });
      i = j;
    } else {
      plain += c;
      i++;
    }
  }
  if (plain) nodes.push(plain);
  return { nodes, end: i };
}

function inline(nodes: HclNode[]): string {
  return nodes.map((node) => (typeof node === "string" ? node
    : `${node.open}${node.items.map((item) => inline(item).trim()).join(", ")}${node.close}`)).join("");
}

function render(nodes: HclNode[], width: number): string {
  return nodes.map((node) => {
    if (typeof node === "string") return node;
    const items = node.items.map((item) => render(item, width).trim());
    if (node.open === "(" || inline([node]).length <= width / 2) {
      return node.open === "(" ? `(${items.join(", ")})` : inline([node]);
    }
    // Objects take one attribute per line; tuples keep their commas.
    return `${node.open}\n${items.join(node.open === "{" ? "\n" : ",\n")}\n${node.close}`;
  }).join("");
}

/** The top-level blocks of an HCL text (whatever its indentation), each from its first line to its closing brace. */
export function topLevelBlocks(hcl: string): string[] {
  const blocks: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < hcl.length; i++) {
    const c = hcl[i];
    if (c === '"') {
      i = skipString(hcl, i) - 1;
    } else if (c === "#" && depth >= 0) {
      while (i < hcl.length && hcl[i] !== "\n") i++;
    } else if (c === "{") {
      if (depth === 0) start = hcl.lastIndexOf("\n", i) + 1;
      depth++;
    } else if (c === "}") {
      depth--;
      if (depth === 0) blocks.push(hcl.slice(start, i + 1).trim());
    }
  }
  return blocks;
}
