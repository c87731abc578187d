/**
 * A seeded generator of random and adversarial YAML strings, keys and JSON documents, for the emitter's
 * property test: the same seed always gives the same cases, so a failure can be replayed.
 */

/** Strings YAML readers disagree on or that break naive emitters (from issue 9 and the YAML specs). */
export const ADVERSARIAL: readonly string[] = [
  // booleans and nulls, YAML 1.1 (go-yaml v2) and 1.2, in several spellings
  'y', 'Y', 'n', 'N', 'yes', 'Yes', 'YES', 'yEs', 'no', 'No', 'NO', 'on', 'On', 'ON', 'oN', 'off', 'Off', 'OFF',
  'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL', 'nULL', '~', '', ' ',
  // numbers in every base and case Go's strconv reads after go-yaml drops underscores
  '0x1F', '0X1F', '0x1f', '0X1f', '-0x1F', '+0X1F', '0x_1F', '0o17', '0O17', '-0o17', '0b11', '0B11', '-0B11', '0b1_1',
  '012', '0777', '08', '09', '0', '-0', '+0', '00', '1', '-1', '+1', '1_000', '1__0', '_1', '1_', '10_', '1.', '.5', '-.5',
  '+.5', '1.5', '1.5e3', '1e3', '1E3', '1e+3', '1E-3', '1_0e1_0', '1.e3', '.5E3', '1e', 'e3', '6.8523015e+5',
  '685.230_15e+03', '685_230.15', '0x1p-2', '0X1P-2', '1p3',
  // infinities and NaN
  '.inf', '.Inf', '.INF', '.iNf', '-.inf', '+.inf', '-.Inf', '+.INF', '.nan', '.NaN', '.NAN', '.nAn', 'inf', 'nan', 'Infinity', 'NaN',
  // YAML 1.1 sexagesimals and timestamps
  '1:20', '190:20:30', '190:20:30.15', '-1:20', '1:2:3:4', '12:30:00', '2001-12-14', '2001-12-14t21:59:43.10-05:00',
  '2001-12-14T21:59:43Z', '2001-12-14 21:59:43.10 -5', '2001-1-2', '2002-12-14x',
  // indicators, merge and value keys, document markers, comments, anchors, tags, directives
  '=', '<<', '<<:', '-', '--', '---', '----', '...', '--- a', '... a', '- a', '-a', '? a', '?', ':', ': a', 'a:', 'a: b',
  'a:b', 'a :b', 'a #b', 'a#b', '#c', ' #c', '&x', '*x', '*', '!tag', '!!str', '!!binary x', '|', '|-', '>', '>+', '%YAML 1.1',
  '%TAG', '@x', '`x', '"x"', "'x'", "it's", "''", '""', '[a]', '[', ']', '{a}', '{', '}', '{{', '}}', '{{ index . "token" }}',
  'a,b', ',', 'a, b', 'a ,b', '(a)', 'a  b', 'a ', ' a', '  ', 'a\tb', '\t', '\ta', 'a\t',
  // line breaks of every kind, leading and trailing
  '\n', '\n\n', 'a\n', 'a\nb', 'a\nb\n', 'a\nb\n\n', '\nleading', ' leading\nspace', 'trailing space \nx', 'x\n  indented\ny',
  'a\n \nb', 'a\n  ', 'a\n\t', '\ta\nb', 'a\n#b', 'a\n---\nb', 'a\n...\nb', '---\n', 'a\r\nb', 'cr\r', '\r', 'a\rb',
  '\x85', 'a\x85b', 'nel\x85', '\u2028', 'a\u2028b', '\u2029', 'a\u2029b',
  // characters go-yaml refuses raw ("control characters are not allowed") or that hide as BOMs
  '\x00', 'nul\x00', '\x07', '\x08', '\x0b', '\x0c', '\x1b', '\x1f', '\x7f', '\x80', '\x84', '\x86', '\x9f', '\xa0', 'a\xa0',
  '\ufeff', 'a\ufeffb', '\ufffe', '\uffff', '\ufffd', '\ud7ff', '\ue000',
  // non-ASCII and astral characters (raw UTF-8 is fine for every reader)
  'é', '日本', 'emoji 🚀', '🚀', '\u{10ffff}', '\u{1f600}\u{1f600}', 'a\u0301',
  // URLs and Kubernetes-looking values, incl. the injection attempts of issue 9
  'https://c2.example.com:6443', 'https://c2.example.com:6443?x\n    insecure-skip-tls-verify: true',
  'https://c2.example.com:6443\n    proxy-url: http://evil', 'https://h:6443/#x', 'https:host:6443', 'https:///host',
  'https://user:pass@h:6443', 'https://h\t:6443', '10.10.0.0/16', '10.10.0.0/16,fd00:10::/56', '100m', '128Mi', '1.30.3',
  'v1.30.3', '1e3Mi', '0x1Fm', 'istio-system', 'cluster1', '*.local', 'key: {{ .x }}\n',
  '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
];

/** A deterministic pseudo-random source (mulberry32). */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

// Character classes to draw single characters from; weighted towards what YAML treats specially.
const CLASSES: readonly string[] = [
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  '0123456789',
  '0123456789_.+-eExXoObB',
  ' ',
  '-?:,[]{}#&*!|>\'"%@`=<~/\\().;',
  '\t\n\r',
  '\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f',
  '\x80\x85\x9f\xa0\u2028\u2029\ufeff\ufffe\uffff\ufffd',
  'éßø日本語',
  '🚀\u{1f600}\u{10ffff}',
];

function randomRun(r: Random): string {
  const cls = r.pick(CLASSES);
  const chars = Array.from(cls);
  let s = '';
  for (let i = r.int(1, 6); i > 0; i--) s += r.pick(chars);
  return s;
}

/** A random spelling of a word's case: YAML readers differ on which spellings of a keyword count. */
function mutateCase(r: Random, s: string): string {
  let out = '';
  for (const c of s) out += r.chance(0.5) ? c.toUpperCase() : c.toLowerCase();
  return out;
}

/** A number-, boolean- or date-like string, built from the grammar YAML 1.1 and Go's strconv accept. */
function scalarLike(r: Random): string {
  const sign = r.pick(['', '', '-', '+']);
  const digits = (n: number, alphabet = '0123456789') => Array.from({ length: n }, () => r.pick(Array.from(alphabet))).join('');
  const underscored = (s: string) => (r.chance(0.3) ? s.replace(/(.)/, '$1_') : s);
  switch (r.int(0, 7)) {
    case 0: return sign + r.pick(['0x', '0X']) + underscored(digits(r.int(1, 4), '0123456789abcdefABCDEF'));
    case 1: return sign + r.pick(['0o', '0O', '0']) + underscored(digits(r.int(1, 4), '01234567'));
    case 2: return sign + r.pick(['0b', '0B']) + underscored(digits(r.int(1, 6), '01'));
    case 3: return sign + underscored(digits(r.int(1, 3))) + r.pick(['', '.', '.' + digits(2)]) + r.pick(['e', 'E']) + r.pick(['', '+', '-']) + digits(r.int(1, 2));
    case 4: return sign + r.pick(['.inf', '.nan', 'inf', '.infinity']).replace(/./g, (c) => (r.chance(0.5) ? c.toUpperCase() : c));
    case 5: return sign + digits(r.int(1, 3)) + ':' + digits(2) + r.pick(['', ':' + digits(2), '.' + digits(2)]);
    case 6: return `${digits(4)}-${digits(r.int(1, 2))}-${digits(r.int(1, 2))}${r.pick(['', 't10:20:30Z', 'T1:2:3.5+01:00', ' 10:20:30 -5'])}`;
    default: return mutateCase(r, r.pick(['yes', 'no', 'on', 'off', 'y', 'n', 'true', 'false', 'null', '~']));
  }
}

/** A random string: pieces of the adversarial corpus, number-like text and random character runs. */
export function randomString(r: Random): string {
  let s = '';
  for (let i = r.int(1, 4); i > 0; i--) {
    const k = r.next();
    s += k < 0.3 ? r.pick(ADVERSARIAL) : k < 0.5 ? scalarLike(r) : k < 0.6 ? mutateCase(r, r.pick(ADVERSARIAL)) : randomRun(r);
  }
  if (r.chance(0.02)) { // near the 1024-character implicit-key limit; cut by code points, not UTF-16 units
    const chars = Array.from(s || 'x');
    const n = r.int(990, 1100);
    s = Array.from({ length: n }, (_, i) => chars[i % chars.length]).join('');
  }
  return s;
}

/** A random JSON value: mostly strings, some numbers, booleans, nulls and nested maps and sequences. */
export function randomValue(r: Random, depth = 0): unknown {
  const k = r.next();
  if (depth < 3 && k < 0.15) return randomMap(r, depth + 1);
  if (depth < 3 && k < 0.25) return Array.from({ length: r.int(0, 4) }, () => randomValue(r, depth + 1));
  if (k < 0.28) return r.pick([0, 1, -1, 42, 0.5, -3.25e-7, 1e21, 2 ** 53 - 1, 6.02e23, 123.456]);
  if (k < 0.3) return r.pick([true, false, null]);
  return randomString(r);
}

/** A random map with random (adversarial) keys. */
export function randomMap(r: Random, depth = 0): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = r.int(0, 5); i > 0; i--) {
    const key = randomString(r);
    // An object literal cannot hold __proto__ as an own key; toYaml refuses the merge key << (kustomize drops it).
    if (key === '__proto__' || key === '<<') continue;
    o[key] = randomValue(r, depth);
  }
  return o;
}
