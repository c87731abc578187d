/**
 * Field-wise differences between two JSON values (parsed YAML documents), for `npm run plan`: which
 * fields were added, removed or changed, as compact paths such as `spec.values.global.network` or
 * `spec.template.spec.containers[name=istiod].env[name=CLUSTER_ID].value`, and how values are shown.
 *
 * The output on disk may have been edited by hand or come from a pull request, so everything shown is
 * escaped (no control or bidirectional characters reach the terminal), truncated, and Secret data is never
 * shown (values under `data`/`stringData` of any object of kind Secret).
 */

/** One changed field. `before`/`after` are absent when the field did not exist on that side. */
export interface FieldChange {
  readonly op: 'add' | 'remove' | 'change';
  /** The compact path of the field (see formatPath). */
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
  /** True when the value is Secret data: it is never shown, only that it changed. */
  readonly sensitive?: boolean;
  /** Said instead of the values, e.g. `order changed` for a keyed list whose elements only moved. */
  readonly note?: string;
}

type Segment = string | number | { readonly key: string; readonly value: string | number };

/**
 * Fields that identify list elements, in order of preference: a list whose elements all carry one of them,
 * with distinct values, is compared element by element by that key (as Kubernetes' strategic merge does for
 * containers, env, ports, volumes, which merge on `name`), so inserting an element is one addition and not
 * a change of every element after it.
 */
const LIST_KEYS = ['name', 'secretKey', 'key'];

/** Longest lists compared with an LCS alignment; longer ones are compared index by index. */
const LCS_LIMIT = 2000;

/** The changes from `before` to `after`, in reading order (fields of `after` first, then removed ones). */
export function diffFields(before: unknown, after: unknown): FieldChange[] {
  const out: FieldChange[] = [];
  diff(before, after, [], false, out);
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const isSecret = (v: unknown) => isObject(v) && v.kind === 'Secret';
const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const SECRET_FIELDS = new Set(['data', 'stringData']);

/** Deep equality of JSON values; key order does not matter (it does not in YAML mappings). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => has(b, k) && sameValue(a[k], b[k]));
  }
  return false;
}

function diff(a: unknown, b: unknown, path: Segment[], sensitive: boolean, out: FieldChange[]): void {
  if (sameValue(a, b)) return;
  if (isObject(a) && isObject(b)) {
    const secret = isSecret(a) || isSecret(b);
    const keys = [...Object.keys(b), ...Object.keys(a).filter((k) => !has(b, k))];
    for (const k of keys) {
      const s = sensitive || (secret && SECRET_FIELDS.has(k));
      const p = [...path, k];
      if (!has(a, k)) out.push(entry('add', p, undefined, b[k], s));
      else if (!has(b, k)) out.push(entry('remove', p, a[k], undefined, s));
      else diff(a[k], b[k], p, s, out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    diffList(a, b, path, sensitive, out);
    return;
  }
  out.push(entry('change', path, a, b, sensitive));
}

function entry(op: FieldChange['op'], path: Segment[], before: unknown, after: unknown, sensitive: boolean): FieldChange {
  const p = formatPath(path);
  if (sensitive) return { op, path: p, sensitive: true };
  return { op, path: p, ...(op !== 'add' ? { before } : {}), ...(op !== 'remove' ? { after } : {}) };
}

/** The key field shared (with distinct scalar values) by every element of both lists, if any. */
function listKey(a: unknown[], b: unknown[]): string | undefined {
  if (a.length === 0 || b.length === 0) return undefined;
  return LIST_KEYS.find((k) => [a, b].every((list) => {
    const seen = new Set<unknown>();
    return list.every((e) => {
      const v = isObject(e) ? e[k] : undefined;
      if ((typeof v !== 'string' && typeof v !== 'number') || seen.has(v)) return false;
      seen.add(v);
      return true;
    });
  }));
}

function diffList(a: unknown[], b: unknown[], path: Segment[], sensitive: boolean, out: FieldChange[]): void {
  const key = listKey(a, b);
  if (key) {
    const found = out.length;
    const old = new Map(a.map((e) => [(e as any)[key], e]));
    const now = new Set(b.map((e) => (e as any)[key]));
    for (const e of b) {
      const v = (e as any)[key];
      const p = [...path, { key, value: v }];
      if (old.has(v)) diff(old.get(v), e, p, sensitive, out);
      else out.push(entry('add', p, undefined, e, sensitive));
    }
    for (const e of a) {
      const v = (e as any)[key];
      if (!now.has(v)) out.push(entry('remove', [...path, { key, value: v }], e, undefined, sensitive));
    }
    // The same elements in another order (the lists differ, or diffList would not run).
    if (out.length === found) out.push({ op: 'change', path: formatPath(path), note: `order changed (by ${key})` });
    return;
  }
  // Unkeyed: align equal elements (longest common subsequence); between two aligned pairs, elements are
  // paired in order and compared field by field, the surplus is added (new index) or removed (old index).
  const pairs = a.length * b.length <= LCS_LIMIT * LCS_LIMIT ? alignEqual(a, b) : [];
  let i = 0;
  let j = 0;
  for (const [mi, mj] of [...pairs, [a.length, b.length]]) {
    while (i < mi && j < mj) diff(a[i++], b[j], [...path, j++], sensitive, out);
    while (j < mj) out.push(entry('add', [...path, j], undefined, b[j++], sensitive));
    while (i < mi) out.push(entry('remove', [...path, i], a[i++], undefined, sensitive));
    i = mi + 1;
    j = mj + 1;
  }
}

/** Index pairs of equal elements forming a longest common subsequence of `a` and `b`. */
function alignEqual<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean = sameValue): [number, number][] {
  const n = a.length;
  const m = b.length;
  // Common prefix and suffix first: most changes touch a few elements of a long list.
  let start = 0;
  while (start < n && start < m && same(a[start], b[start])) start++;
  let end = 0;
  while (end < n - start && end < m - start && same(a[n - 1 - end], b[m - 1 - end])) end++;
  const pairs: [number, number][] = [];
  for (let k = 0; k < start; k++) pairs.push([k, k]);
  const rows = n - start - end;
  const cols = m - start - end;
  const len = new Array<Uint32Array>(rows + 1);
  for (let r = 0; r <= rows; r++) len[r] = new Uint32Array(cols + 1);
  for (let r = rows - 1; r >= 0; r--) {
    for (let c = cols - 1; c >= 0; c--) {
      len[r][c] = same(a[start + r], b[start + c]) ? len[r + 1][c + 1] + 1 : Math.max(len[r + 1][c], len[r][c + 1]);
    }
  }
  let r = 0;
  let c = 0;
  while (r < rows && c < cols) {
    if (same(a[start + r], b[start + c])) {
      pairs.push([start + r++, start + c++]);
    } else if (len[r + 1][c] >= len[r][c + 1]) r++;
    else c++;
  }
  for (let k = 0; k < end; k++) pairs.push([n - end + k, m - end + k]);
  return pairs;
}

/** One line of a line diff. */
export interface LineChange {
  readonly op: 'add' | 'remove';
  readonly line: string;
}

/**
 * The lines removed from and added to a multi-line text, in order, or undefined when the texts are too
 * long to align (more than `limit` lines in the changed middle of either).
 */
export function diffLines(before: string, after: string, limit = LCS_LIMIT): LineChange[] | undefined {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  const ma = a.slice(start, a.length - end);
  const mb = b.slice(start, b.length - end);
  if (ma.length > limit || mb.length > limit) return undefined;
  const out: LineChange[] = [];
  let i = 0;
  let j = 0;
  for (const [mi, mj] of [...alignEqual(ma, mb, (x, y) => x === y), [ma.length, mb.length]]) {
    while (i < mi) out.push({ op: 'remove', line: ma[i++] });
    while (j < mj) out.push({ op: 'add', line: mb[j++] });
    i = mi + 1;
    j = mj + 1;
  }
  return out;
}

// C0/C1 controls, soft hyphen, bidirectional and zero-width marks, line/paragraph separators, BOM: text that
// could move the cursor or reorder what a reviewer reads.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** Text with every unsafe character written as a `\uXXXX` escape. */
export function escapeText(s: string): string {
  return s.replace(UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A string as a JSON string literal, with unsafe characters escaped too. */
function quote(s: string): string {
  return escapeText(JSON.stringify(s));
}

// Strings shown without quotes: nothing a reader could take for a number, boolean, null or another string.
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./:@+=,-]*$/;
const KEYWORDS = new Set(['y', 'n', 'yes', 'no', 'true', 'false', 'on', 'off', 'null', '~']);
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Longest value shown in full, in characters; longer ones are cut and their length given. */
export const MAX_SHOWN = 80;

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 20)}…`;
}

/** A value as shown in a plan: compact, escaped, truncated. Multi-line strings as their line count. */
export function showValue(v: unknown, max = MAX_SHOWN): string {
  if (typeof v === 'string') {
    if (v.includes('\n')) return `(${v.split('\n').length} lines)`;
    if (v.length > max) return `${quote(truncate(v, max))} (${v.length} chars)`;
    return PLAIN.test(v) && !KEYWORDS.has(v.toLowerCase()) ? v : quote(v);
  }
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (v === undefined) return '(none)';
  const json = escapeText(JSON.stringify(redactSecrets(v)));
  return json.length <= max ? json : `${json.slice(0, max - 20)}… (${Array.isArray(v) ? `${v.length} items` : `${Object.keys(v as object).length} keys`})`;
}

/** A deep copy with the `data`/`stringData` values of every Secret inside replaced by a placeholder. */
function redactSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(redactSecrets);
  if (!isObject(v)) return v;
  const secret = isSecret(v);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    out[k] = secret && SECRET_FIELDS.has(k) && isObject(x)
      ? Object.fromEntries(Object.keys(x).map((name) => [name, '(sensitive)']))
      : secret && SECRET_FIELDS.has(k) ? '(sensitive)' : redactSecrets(x);
  }
  return out;
}

/** A path as `a.b["c.d/e"][2][name=istiod].f`. */
function formatPath(path: readonly Segment[]): string {
  let out = '';
  for (const s of path) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (typeof s === 'string') out += PLAIN_KEY.test(s) ? (out === '' ? s : `.${s}`) : `[${quote(s)}]`;
    else out += `[${s.key}=${showValue(s.value, 40)}]`;
  }
  return out === '' ? '(document)' : out;
}
