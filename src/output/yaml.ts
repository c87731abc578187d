/**
 * A YAML emitter for JSON data (objects, arrays, strings, finite numbers, booleans, null), written for
 * synth speed: about ten times faster than js-yaml and forty times faster than the `yaml` package that
 * cdk8s uses (measured in bench/), which matters when a mesh has tens of thousands of objects.
 *
 * The output is block-style YAML that Go's YAML readers (go-yaml v2 through sigs.k8s.io/yaml, i.e. YAML 1.1
 * rules as kubectl, client-go and Argo CD read it; go-yaml v3 as kustomize reads it) and YAML 1.2 parsers
 * read back to exactly the input: a string is written plain only inside a small safe grammar that no
 * reader takes as anything else (number in any base or case, boolean, null, timestamp, alias, comment,
 * document marker...); otherwise single-quoted, or double-quoted with escapes every reader understands
 * when it holds characters that must not appear raw (line breaks, tabs, C0/C1 controls, NEL, U+2028/9,
 * U+FFFE/F). A lone UTF-16 surrogate has no UTF-8 encoding and throws, as does the key `<<`, which kustomize
 * drops however it is written (a merge key to it). Keys over 1000 characters become
 * explicit keys (`? key`): implicit keys are limited to 1024. Multi-line strings become literal block
 * scalars (`|`, `|-`, `|+`), so kubeconfig templates stay readable. Keys keep their insertion order.
 * test/yaml-property.test.ts round-trips thousands of random and adversarial documents through the `yaml`
 * package (1.1 and 1.2) and through kubectl's Go readers.
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

// A string is written plain only inside this safe grammar: a conservative subset that no YAML 1.1 or 1.2
// reader (go-yaml v2 via sigs.k8s.io/yaml, go-yaml v3 via kustomize/kyaml, the `yaml` package, js-yaml)
// can read as anything but that string; everything else is quoted.
const PLAIN_CHARS = /^[A-Za-z0-9_./:@+,()\- ]*$/;
const PLAIN_FIRST = /^[A-Za-z_/]/;
const PLAIN_DIGIT_FIRST = /^[0-9]/;
const HAS_LETTER_OR_SLASH = /[A-Za-z/]/;
// Words YAML 1.1 (go-yaml v2, as Kubernetes reads it) or 1.2 take as booleans or null, in any case
// (readers differ on which spellings count, so every spelling is quoted).
const KEYWORDS = new Set(['y', 'n', 'yes', 'no', 'true', 'false', 'on', 'off', 'null']);
// Digit-first text some reader takes as a number or timestamp even though it holds a letter: Go's
// strconv.ParseInt(s, 0, 64) (go-yaml v2 and v3) reads 0x/0X, 0o/0O and 0b/0B prefixes after dropping
// underscores; floats with an exponent (`1e3`, `1_0E-3`); YAML 1.1 sexagesimals and timestamps.
const NUMBERISH = /^(?:0[xXoObB]|[0-9][0-9_]*(?::[0-9_]+)+(?:\.[0-9_]*)?$|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[0-9_.]*[eE][-+]?[0-9_]*$)/;

// The `yaml` package's YAML 1.1 schema reads an exponent without mantissa (`e3`, `E+3`) as a float.
const EXPONENT_ONLY = /^[eE][-+]?[0-9][0-9_]*$/;

function isPlain(s: string): boolean {
  if (s === '' || !PLAIN_CHARS.test(s)) return false;
  if (s.charCodeAt(0) === 32 || s.charCodeAt(s.length - 1) === 32 || s.charCodeAt(s.length - 1) === 58 /* : */) return false;
  if (s.includes(': ') || s.includes('  ')) return false;
  if (PLAIN_FIRST.test(s)) return !KEYWORDS.has(s.toLowerCase()) && !EXPONENT_ONLY.test(s);
  // A leading digit is plain only with a letter or slash inside and nothing number- or date-like.
  return PLAIN_DIGIT_FIRST.test(s) && HAS_LETTER_OR_SLASH.test(s) && !NUMBERISH.test(s);
}

// Safe raw inside single quotes for every reader: no line break of any YAML version (\n, \r, NEL, LS,
// PS: go-yaml folds them), no tab, nothing go-yaml's reader refuses ("control characters are not
// allowed": C0, DEL, C1, U+FFFE, U+FFFF), no BOM, no lone surrogate (not encodable as UTF-8).
const SINGLE_QUOTABLE = /^[^\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]*$/u;
// The same, apart from line feeds: safe in a literal block scalar.
const BLOCKABLE = /^[^\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]*$/u;
// Without the `u` flag (faster): the same for strings without astral characters, which it refuses.
const SINGLE_QUOTABLE_BMP = /^[^\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]*$/;
const BLOCKABLE_BMP = /^[^\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]*$/;
// What a double-quoted string must escape beyond what JSON.stringify escapes (C0, quote, backslash).
const DOUBLE_ESCAPE = /[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/g;
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/**
 * Keys longer than this are written as explicit keys (`? key`): YAML limits implicit keys to 1024
 * characters (go-yaml: "could not find expected ':'"), counted from the key's start to the colon.
 */
const IMPLICIT_KEY_MAX = 1000;

const MERGE_KEY = '<<';

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
  if (SINGLE_QUOTABLE_BMP.test(s) || SINGLE_QUOTABLE.test(s)) return s.includes("'") ? `'${s.replace(/'/g, "''")}'` : `'${s}'`;
  return doubleQuoted(s);
}

/**
 * A double-quoted scalar with only escapes go-yaml v2/v3 and YAML 1.2 all understand: JSON's (`\n`,
 * `\t`, `\b`, `\f`, `\uXXXX`) plus `\xXX` and `\uXXXX` for the characters JSON leaves raw but YAML
 * readers refuse or fold. Astral characters stay raw UTF-8 (go-yaml refuses surrogate escapes).
 */
function doubleQuoted(s: string): string {
  if (LONE_SURROGATE.test(s)) {
    throw new Error(`cannot write a string with a lone UTF-16 surrogate as YAML (not valid Unicode): ${JSON.stringify(s.slice(0, 80))}`);
  }
  return JSON.stringify(s).replace(DOUBLE_ESCAPE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A string as a literal block scalar, or undefined when it cannot be one exactly. */
function block(s: string, indent: string): string | undefined {
  // A first line starting with a space would set the indentation; a leading line break would need an
  // indentation indicator: both are left to double quotes.
  if (!s.includes('\n') || s.charCodeAt(0) === 32 || s.charCodeAt(0) === 10 || !(BLOCKABLE_BMP.test(s) || BLOCKABLE.test(s))) return undefined;
  const trailing = /\n*$/.exec(s)![0].length;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const content = trailing === 0 ? s : s.slice(0, s.length - (chomp === '+' ? 0 : 1));
  const lines = content.split('\n');
  if (chomp === '+') lines.pop(); // the last empty element of the kept trailing newlines
  return `|${chomp}\n${lines.map((l) => (l === '' ? '' : indent + l)).join('\n')}`;
}

/**
 * A YAML comment line (with its newline). Throws on any character a YAML reader takes as a line break
 * (or refuses), so text in a comment can never become YAML content.
 */
export function yamlComment(text: string): string {
  if (!SINGLE_QUOTABLE.test(text)) throw new Error(`cannot write a YAML comment holding a line break or control character: ${JSON.stringify(text.slice(0, 80))}`);
  return `# ${text}\n`;
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
    if (key === MERGE_KEY) throw new Error(`cannot write the mapping key "<<": kustomize drops it (a YAML merge key to it, however it is quoted), so Argo CD and kubectl apply -k would silently lose it`);
    const k = quoteString(key);
    out += k.length > IMPLICIT_KEY_MAX ? `${indent}? ${k}\n${indent}:` : indent + k + ':';
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
