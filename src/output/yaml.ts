/**
 * A YAML emitter for JSON data (objects, arrays, strings, finite numbers, booleans, null), written for
 * synth speed: about ten times faster than js-yaml and forty times faster than the `yaml` package that
 * cdk8s uses (measured in bench/), which matters when a mesh has tens of thousands of objects.
 *
 * The output is block-style YAML that Kubernetes (YAML 1.1 rules, go-yaml) and YAML 1.2 parsers read back
 * to exactly the input: a string is written plain only when no YAML 1.1 or 1.2 rule could read it as
 * anything else (number, boolean, null, timestamp, alias, comment...); otherwise single-quoted, or as
 * JSON (a subset of YAML) when it holds control characters. Multi-line strings become literal block
 * scalars (`|`, `|-`, `|+`), so kubeconfig templates stay readable. Keys keep their insertion order.
 * The round trip is tested on every example and on a corpus of tricky strings.
 */
export function toYaml(value: unknown): string {
  if (value !== null && typeof value === 'object') {
    const body = Array.isArray(value) ? seq(value, '') : map(value as Record<string, unknown>, '');
    return body === '' ? (Array.isArray(value) ? '[]\n' : '{}\n') : body;
  }
  return scalar(value, '') + '\n';
}

/** Parses a YAML stream into its documents (skipping empty ones). */
export function parseYamlDocuments(text: string): unknown[] {
  // Loaded on first use: synth itself never parses YAML, and start-up time counts (see bench/).
  const jsyaml: typeof import('js-yaml') = require('js-yaml');
  return jsyaml.loadAll(text).filter((d) => d !== null && d !== undefined);
}

const PLAIN_FIRST = /^[A-Za-z_/]/;
const PLAIN_DIGIT_FIRST = /^[0-9]/;
const PLAIN_CHARS = /^[A-Za-z0-9_./:@+,()\- ]*$/;
// Words YAML 1.1 (go-yaml, as Kubernetes reads it) or 1.2 take as booleans or null.
const KEYWORDS = new Set(['y', 'n', 'yes', 'no', 'true', 'false', 'on', 'off', 'null']);
// Number-like or timestamp-like text that must stay quoted even though it starts with a digit.
const NUMBERISH = /^(0[xob]|[0-9][0-9_]*(:[0-9]+)+(\.[0-9_]*)?$|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[0-9._]*[eE][-+]?[0-9]+$)/;

function isPlain(s: string): boolean {
  if (s === '' || s !== s.trim() || !PLAIN_CHARS.test(s)) return false;
  if (s.includes(': ') || s.endsWith(':') || s.includes(' #') || s.includes('  ')) return false;
  if (PLAIN_FIRST.test(s)) return !KEYWORDS.has(s.toLowerCase());
  // A leading digit is plain only with a letter or slash inside and nothing number- or date-like.
  return PLAIN_DIGIT_FIRST.test(s) && /[A-Za-z/]/.test(s) && !NUMBERISH.test(s);
}

// Printable, no line breaks: safe inside single quotes.
const SINGLE_QUOTABLE = /^[^\x00-\x1f\x7f\u0085\u2028\u2029\ufeff]*$/;
// Printable apart from line feeds: safe in a literal block scalar.
const BLOCKABLE = /^[^\x00-\x09\x0b-\x1f\x7f\u0085\u2028\u2029\ufeff]*$/;

// Keys and many values repeat across thousands of objects: remember how each was written.
const QUOTED = new Map<string, string>();
const QUOTED_MAX = 50_000;

function quoteString(s: string): string {
  const cached = QUOTED.get(s);
  if (cached !== undefined) return cached;
  const quoted = quote(s);
  if (s.length <= 256) {
    if (QUOTED.size >= QUOTED_MAX) QUOTED.clear();
    QUOTED.set(s, quoted);
  }
  return quoted;
}

function quote(s: string): string {
  if (isPlain(s)) return s;
  if (SINGLE_QUOTABLE.test(s)) return `'${s.replace(/'/g, "''")}'`;
  return JSON.stringify(s);
}

/** A string as a literal block scalar, or undefined when it cannot be one exactly. */
function block(s: string, indent: string): string | undefined {
  if (!s.includes('\n') || !BLOCKABLE.test(s) || s.startsWith(' ') || s.startsWith('\n')) return undefined;
  const trailing = /\n*$/.exec(s)![0].length;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const content = trailing === 0 ? s : s.slice(0, s.length - (chomp === '+' ? 0 : 1));
  const lines = content.split('\n');
  if (chomp === '+') lines.pop(); // the last empty element of the kept trailing newlines
  return `|${chomp}\n${lines.map((l) => (l === '' ? '' : indent + l)).join('\n')}`;
}

function scalar(v: unknown, indent: string): string {
  switch (typeof v) {
    case 'string': return block(v, indent + '  ') ?? quoteString(v);
    case 'number':
      if (!Number.isFinite(v)) throw new Error(`cannot write ${v} as YAML`);
      return String(v);
    case 'boolean': return v ? 'true' : 'false';
    default:
      if (v === null) return 'null';
      throw new Error(`cannot write a ${typeof v} as YAML`);
  }
}

function isContainer(v: unknown): v is object {
  return v !== null && typeof v === 'object';
}

function emptyContainer(v: object): string | undefined {
  if (Array.isArray(v)) return v.length === 0 ? '[]' : undefined;
  for (const k in v) if ((v as any)[k] !== undefined) return undefined;
  return '{}';
}

// Frozen objects (shared bodies of PlainApiObjects) are written once per indentation and reused.
const FROZEN = new WeakMap<object, Map<string, string>>();

function map(o: Record<string, unknown>, indent: string): string {
  if (!Object.isFrozen(o)) return writeMap(o, indent);
  let byIndent = FROZEN.get(o);
  if (!byIndent) FROZEN.set(o, byIndent = new Map());
  let text = byIndent.get(indent);
  if (text === undefined) byIndent.set(indent, text = writeMap(o, indent));
  return text;
}

function writeMap(o: Record<string, unknown>, indent: string): string {
  let out = '';
  for (const key of Object.keys(o)) {
    const v = o[key];
    if (v === undefined) continue;
    out += indent + quoteString(key) + ':';
    if (isContainer(v)) {
      const empty = emptyContainer(v);
      if (empty) out += ' ' + empty + '\n';
      else out += '\n' + (Array.isArray(v) ? seq(v, indent + '  ') : map(v as Record<string, unknown>, indent + '  '));
    } else {
      out += ' ' + scalar(v, indent) + '\n';
    }
  }
  return out;
}

function seq(a: readonly unknown[], indent: string): string {
  let out = '';
  for (const v of a) {
    if (isContainer(v)) {
      const empty = emptyContainer(v);
      if (empty) {
        out += indent + '- ' + empty + '\n';
      } else {
        // The first line of the nested block goes after the dash; the rest keep their indentation.
        const nested = Array.isArray(v) ? seq(v, indent + '  ') : map(v as Record<string, unknown>, indent + '  ');
        out += indent + '- ' + nested.slice(indent.length + 2);
      }
    } else {
      out += indent + '- ' + scalar(v === undefined ? null : v, indent) + '\n';
    }
  }
  return out;
}
