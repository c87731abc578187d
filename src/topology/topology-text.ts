import * as fs from 'fs';
import type { CST, Document, LineCounter, Node } from 'yaml';
import { MeshValidationError, Problem } from '../problem';

// Loaded on first use: the default topology needs no parser, and start-up time counts for `cdk8s synth`.
let yamlModule: typeof import('yaml') | undefined;
const Y = (): typeof import('yaml') => (yamlModule ??= require('yaml'));

/**
 * Limits on a topology file, so that the worst input is cheap to reject. Topology files come from pull
 * requests: a few hundred bytes of YAML aliases can expand to billions of values, and deep nesting
 * overflows a recursive parser.
 */
export const TOPOLOGY_LIMITS = {
  /** Bytes of one topology file. 2,000 clusters with every field take about 1 MiB. */
  maxBytes: 8 * 1024 * 1024,
  /** Nesting of mappings and sequences. A topology needs 5 (`clusters[].eastWestGateway.serviceAnnotations`). */
  maxDepth: 32,
  /** Values that alias expansion (`*name`, and `<<: *name` merges) may add to the document in total. */
  maxAliasValues: 10_000,
} as const;

/** A parsed topology file: the data, and the source text of each scalar (the value as the user wrote it). */
export interface TopologyText {
  /** The document as plain data (objects, arrays, strings, numbers, booleans, null). */
  readonly data: unknown;
  /** The text of the scalar at a path, exactly as written in the file (quotes included), if any. */
  readonly sourceOf: (path: readonly (string | number)[]) => string | undefined;
}

const pathKey = (path: readonly (string | number)[]) => path.join('\u0000');

/** One problem about the file itself (its reading, size or syntax), in the Problem shape. */
function fileProblem(file: string, message: string, fix: string, allowed?: string, field = 'MESH_TOPOLOGY'): Problem {
  return { field, value: file, message, fix, allowed };
}

/** Where an offset of the text is, as `line L, column C`. */
function at(lines: LineCounter, offset: number): string {
  const { line, col } = lines.linePos(offset);
  return `line ${line}, column ${col}`;
}

/**
 * The first collection nested deeper than the limit, found on yaml's concrete syntax tree without
 * recursion: yaml's composer recurses once per level and overflows the stack (with no useful position)
 * on a few thousand `[`.
 */
function tooDeep(tokens: readonly CST.Token[]): number | undefined {
  const stack: [CST.Token, number][] = tokens.map((t) => [t, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (token.type === 'document') {
      if (token.value) stack.push([token.value, depth]);
    } else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth + 1 > TOPOLOGY_LIMITS.maxDepth) return token.offset;
      for (const item of token.items as readonly { key?: CST.Token | null; value?: CST.Token }[]) {
        if (item.key) stack.push([item.key, depth + 1]);
        if (item.value) stack.push([item.value, depth + 1]);
      }
    }
  }
  return undefined;
}

/**
 * The offset of the first flow collection (`[`, `{`) nested deeper than the limit, from yaml's lexer:
 * yaml's parser takes seconds on a hundred thousand `[` (tens of µs each), its lexer milliseconds.
 */
function flowTooDeep(text: string): number | undefined {
  let depth = 0;
  let offset = 0;
  for (const token of new (Y().Lexer)().lex(text)) {
    if (token === '[' || token === '{') {
      if (++depth > TOPOLOGY_LIMITS.maxDepth) return offset;
    } else if (token === ']' || token === '}') {
      depth = Math.max(0, depth - 1);
    }
    // The lexer's control tokens (document start, flow end, scalar marker) are not source text.
    if (token !== '\x02' && token !== '\x18' && token !== '\x1f') offset += token.length;
  }
  return undefined;
}

/** Thrown inside the conversion to stop at the first limit hit. */
class LimitHit extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

/**
 * Converts yaml's document to plain data. Written out rather than yaml's `toJS()` so that aliases are
 * counted as they are expanded (a bomb stops after maxAliasValues values, not after the memory is gone),
 * depth stays bounded through aliases, a `__proto__` key is refused instead of reaching an object, anchors
 * resolve only to nodes already complete (no cycles), and every scalar's source text is kept.
 */
class Converter {
  private readonly anchors = new Map<string, Node>();
  private aliasValues = 0;
  private outerAlias?: Node;
  readonly sources = new Map<string, string>();

  constructor(private readonly text: string, private readonly lines: LineCounter, private readonly file: string, private readonly field: string) {}

  private limit(node: Node | undefined, message: string, fix: string, allowed?: string): never {
    const where = node?.range ? ` (${this.file}, ${at(this.lines, node.range[0])})` : '';
    throw new LimitHit(fileProblem(this.file, `${message}${where}`, fix, allowed, this.field));
  }

  convert(node: Node | null | undefined, path: (string | number)[], depth: number, inAlias: boolean): unknown {
    if (node === null || node === undefined) return null;
    if (inAlias && ++this.aliasValues > TOPOLOGY_LIMITS.maxAliasValues) {
      this.limit(this.outerAlias, `expands its aliases to more than ${TOPOLOGY_LIMITS.maxAliasValues} values`, 'write the values out, or alias only small parts; repeated expansion of aliases is refused as a resource-exhaustion attack', `at most ${TOPOLOGY_LIMITS.maxAliasValues} values added by aliases`);
    }
    let value: unknown;
    if (Y().isAlias(node)) {
      // The alias written outside any expansion is where the user can act: the position reported.
      if (!inAlias) this.outerAlias = node;
      const target = this.anchors.get(node.source);
      if (!target) this.limit(node, `uses the alias *${node.source}, whose anchor &${node.source} is not defined before it (or the alias is inside its own anchor)`, `define &${node.source} before using it, and never inside itself`);
      return this.convert(target, path, depth, true);
    }
    if (depth > TOPOLOGY_LIMITS.maxDepth) {
      this.limit(node, `nests mappings and sequences more than ${TOPOLOGY_LIMITS.maxDepth} levels deep`, 'flatten the document; a topology needs at most 5 levels', `at most ${TOPOLOGY_LIMITS.maxDepth} levels`);
    }
    if (Y().isScalar(node)) {
      if (node.range) this.sources.set(pathKey(path), this.text.slice(node.range[0], node.range[1]));
      value = node.value;
    } else if (Y().isSeq(node)) {
      value = node.items.map((item, i) => this.convert(item as Node, [...path, i], depth + 1, inAlias));
    } else if (Y().isMap(node)) {
      const obj: Record<string, unknown> = {};
      const merges: unknown[] = [];
      for (const pair of node.items) {
        const k = pair.key as Node | null;
        if (!Y().isScalar(k)) this.limit(k ?? node, 'has a key that is not a plain value (a mapping or sequence used as a key)', 'use a string as the key');
        // `<<: *anchor` merge keys (YAML 1.1, read by js-yaml and Go): the merged maps fill keys the map lacks.
        if (k.value === '<<' && k.type === 'PLAIN') {
          merges.push(this.convert(pair.value as Node, path, depth, inAlias));
          continue;
        }
        const key = typeof k.value === 'string' ? k.value : k.source ?? String(k.value);
        if (key === '__proto__') {
          this.limit(k, 'has the key "__proto__", which JavaScript reads as an object\'s prototype', 'remove the key; no field of a topology is named so');
        }
        obj[key] = this.convert(pair.value as Node, [...path, key], depth + 1, inAlias);
      }
      for (const m of merges.flatMap((x) => (Array.isArray(x) ? x : [x]))) {
        if (typeof m !== 'object' || m === null || Array.isArray(m)) this.limit(node, 'merges (<<) something that is not a mapping', 'merge only mappings: <<: *anchor or <<: [*a, *b]');
        for (const [key, v] of Object.entries(m)) if (!Object.prototype.hasOwnProperty.call(obj, key)) obj[key] = v;
      }
      value = obj;
    } else {
      this.limit(node, 'holds a value of an unsupported kind', 'use mappings, sequences and scalars only');
    }
    if (node.anchor) this.anchors.set(node.anchor, node);
    return value;
  }
}

/**
 * Parses topology text (YAML 1.2; JSON is YAML) within TOPOLOGY_LIMITS. Throws a MeshValidationError
 * naming the file, with line and column, on a syntax error, an empty document, or a limit hit.
 */
export function parseTopologyText(text: string, file: string, field = 'MESH_TOPOLOGY'): TopologyText {
  const problem = (message: string, fix: string, allowed?: string) => fileProblem(file, message, fix, allowed, field);
  const fail = (problems: Problem[]): never => {
    throw new MeshValidationError(problems, file);
  };
  if (Buffer.byteLength(text, 'utf8') > TOPOLOGY_LIMITS.maxBytes) {
    fail([problem(`is larger than ${TOPOLOGY_LIMITS.maxBytes} bytes`, 'split the mesh, or remove what the topology does not need', `at most ${TOPOLOGY_LIMITS.maxBytes} bytes`)]);
  }
  const lines = new (Y().LineCounter)();
  const flowDeep = flowTooDeep(text);
  const tokens = flowDeep === undefined ? [...new (Y().Parser)(lines.addNewLine).parse(text)] : [];
  if (flowDeep !== undefined) {
    // Without the parser, the line starts up to the position are counted here.
    lines.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0 && i < flowDeep; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  }
  const deep = flowDeep ?? tooDeep(tokens);
  if (deep !== undefined) {
    fail([problem(`nests mappings and sequences more than ${TOPOLOGY_LIMITS.maxDepth} levels deep (${file}, ${at(lines, deep)})`, 'flatten the document; a topology needs at most 5 levels', `at most ${TOPOLOGY_LIMITS.maxDepth} levels`)]);
  }
  // Duplicate keys are errors (uniqueKeys); `<<` stays a plain key here and is merged by the Converter.
  const docs: Document.Parsed[] = [...new (Y().Composer)({ uniqueKeys: true, prettyErrors: false }).compose(tokens)];
  const errors = docs.flatMap((d) => d.errors);
  if (errors.length > 0) {
    fail(errors.slice(0, 10).map((e) => problem(
      `is not valid YAML/JSON: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')} (${file}, ${at(lines, e.pos[0])})`,
      'fix the syntax at the line and column given',
    )));
  }
  if (docs.length > 1) {
    fail([problem(`holds ${docs.length} YAML documents (separated by ---); a topology is one document`, 'keep one document: one mesh per file')]);
  }
  const contents = docs[0]?.contents;
  if (!contents || (Y().isScalar(contents) && contents.value === null && contents.source === '')) {
    fail([problem('is empty (no YAML value in it, only blanks or comments)', 'write a topology: meshID, secretStore and clusters (see examples/), or unset MESH_TOPOLOGY for the default mesh')]);
  }
  const converter = new Converter(text, lines, file, field);
  let data: unknown;
  try {
    data = converter.convert(contents as Node, [], 0, false);
  } catch (e) {
    if (e instanceof LimitHit) fail([e.problem]);
    throw e;
  }
  return { data, sourceOf: (path) => converter.sources.get(pathKey(path)) };
}

/** Reads and parses a topology file within TOPOLOGY_LIMITS (see parseTopologyText). */
export function readTopologyText(file: string, field = 'MESH_TOPOLOGY'): TopologyText {
  const unreadable = (reason: string): never => {
    throw new MeshValidationError([fileProblem(file, `cannot be read (${reason})`, `point ${field} at an existing YAML or JSON topology file`, undefined, field)], file);
  };
  let text: string;
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    // Checked before reading: a file of gigabytes, or a device that never ends, must not be read whole.
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) unreadable('it is not a regular file');
    if (stat.size > TOPOLOGY_LIMITS.maxBytes) {
      throw new MeshValidationError([fileProblem(file, `is larger than ${TOPOLOGY_LIMITS.maxBytes} bytes (${stat.size})`, 'split the mesh, or remove what the topology does not need', `at most ${TOPOLOGY_LIMITS.maxBytes} bytes`, field)], file);
    }
    text = fs.readFileSync(fd, 'utf8');
  } catch (e) {
    if (e instanceof MeshValidationError) throw e;
    const err = e as NodeJS.ErrnoException;
    return unreadable(err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  return parseTopologyText(text, file, field);
}
