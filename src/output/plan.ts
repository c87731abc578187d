import * as fs from 'fs';
import * as path from 'path';
import { diffFields, diffLines, escapeText, FieldChange, LineChange, sameValue, showValue } from './field-diff';
import { MARKER_FILE } from './output-marker';
import { OutputFile } from './render';
import { parseYamlDocuments } from './yaml';

/** A file of a tree on disk. `regular` is false for anything but a regular file (e.g. a symbolic link). */
export interface TreeFile extends OutputFile {
  readonly regular?: boolean;
}

/** The change of one object (or, for files that are not Kubernetes objects, one file). */
export interface PlannedChange {
  readonly action: 'add' | 'change' | 'remove';
  /** `Kind namespace/name` for objects, the file path inside its group for other files. */
  readonly what: string;
  /** The changed fields (changes only). */
  readonly fields: readonly FieldChange[];
  /** The changed lines of a text file that is not YAML (changes only). */
  readonly lines?: readonly LineChange[];
  /** What else changed: the object moved to another file, only comments or formatting changed, ... */
  readonly notes: readonly string[];
}

/**
 * Changes by group: one group per cluster directory, `_argocd`, `_install-inputs`, and `(top level)` for the
 * files at the root (README.md). Groups and changes are in a fixed order (see planChanges).
 */
export type Plan = Map<string, PlannedChange[]>;

/** The group of the files at the root of the output. */
export const TOP_LEVEL = '(top level)';

/**
 * Every file below `dir`, as files relative to it, in a fixed order (the writer's marker aside). Empty when `dir` does not exist.
 * Symbolic links and other non-regular files are listed but never followed or read: the output on disk may
 * come from a pull request, and a link to a file outside it must not end up in a plan printed in CI logs.
 */
export function readTree(dir: string): TreeFile[] {
  if (!fs.existsSync(dir)) return [];
  const out: TreeFile[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (d === dir && e.name === MARKER_FILE) continue; // the writer's, not the renderer's
      const rel = path.relative(dir, p).split(path.sep).join('/');
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push({ path: rel, content: fs.readFileSync(p, 'utf8') });
      else out.push({ path: rel, content: '', regular: false });
    }
  };
  walk(dir);
  return out;
}

/** What a plan compares for one object or file. */
type Entry =
  | { readonly kind: 'yaml'; readonly value: unknown; readonly file: string; readonly text?: string; readonly object?: true }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'invalid'; readonly reason: string };

/** `Kind namespace/name` of a Kubernetes object, or undefined for anything else. */
function identity(doc: unknown): string | undefined {
  const d = doc as any;
  const kind = d?.kind;
  const name = d?.metadata?.name;
  const ns = d?.metadata?.namespace;
  if (typeof kind !== 'string' || typeof name !== 'string') return undefined;
  return `${kind} ${typeof ns === 'string' && ns !== '' ? `${ns}/` : ''}${name}`;
}

/**
 * Indexes a tree by what a reviewer cares about: in cluster directories and `_argocd`, each Kubernetes object
 * by identity (kind, namespace, name), so that moving an object between files or re-ordering its keys is not
 * a change of the object; everything else (kustomizations, install inputs, READMEs) by file. YAML files are
 * parsed either way, so that Helm values are compared field by field too.
 */
function index(files: readonly TreeFile[]): Map<string, Map<string, Entry>> {
  const byGroup = new Map<string, Map<string, Entry>>();
  const put = (group: string, key: string, entry: Entry) => {
    if (!byGroup.has(group)) byGroup.set(group, new Map());
    const g = byGroup.get(group)!;
    // Only a hand-edited tree holds an object twice: keep both, told apart by a counter.
    let k = key;
    for (let n = 2; g.has(k); n++) k = `${key} (${n})`;
    g.set(k, entry);
  };
  for (const f of files) {
    const slash = f.path.indexOf('/');
    const group = slash < 0 ? TOP_LEVEL : f.path.slice(0, slash);
    const rel = slash < 0 ? f.path : f.path.slice(slash + 1);
    if (f.regular === false) {
      put(group, rel, { kind: 'invalid', reason: 'not a regular file on disk (not read)' });
      continue;
    }
    if (!/\.ya?ml$/.test(f.path)) {
      put(group, rel, { kind: 'text', text: f.content });
      continue;
    }
    let docs: unknown[];
    try {
      docs = parseYamlDocuments(f.content);
    } catch {
      // The parser's message quotes the offending text: not shown (it could be Secret data).
      put(group, rel, { kind: 'invalid', reason: 'not valid YAML on disk' });
      continue;
    }
    const objectDir = group === '_argocd' || (slash >= 0 && !group.startsWith('_'));
    if (objectDir && !rel.endsWith('kustomization.yaml')) {
      docs.forEach((doc, i) => {
        const text = docs.length === 1 ? f.content : undefined;
        const id = identity(doc);
        put(group, id ?? `${rel} (document ${i + 1})`, { kind: 'yaml', value: doc, file: rel, text, ...(id ? { object: true as const } : {}) });
      });
    } else {
      put(group, rel, { kind: 'yaml', value: docs.length === 1 ? docs[0] : docs, file: rel, text: f.content });
    }
  }
  return byGroup;
}

/** The change between two entries of the same key, or undefined when they are the same. */
function compare(what: string, a: Entry, b: Entry): PlannedChange | undefined {
  const change = (fields: FieldChange[], notes: string[], lines?: LineChange[]): PlannedChange => ({ action: 'change', what, fields, notes, ...(lines ? { lines } : {}) });
  if (a.kind === 'invalid') return change([], [`${a.reason}; a synth rewrites it`]);
  if (b.kind === 'invalid') return change([], [b.reason]);
  if (a.kind === 'yaml' && b.kind === 'yaml') {
    const fields = diffFields(a.value, b.value);
    const notes: string[] = [];
    if (a.file !== b.file) notes.push(`file: ${escapeText(a.file)} -> ${escapeText(b.file)}`);
    if (fields.length === 0 && !sameValue(a.value, b.value)) notes.push('changed'); // not expected: diffFields finds every difference
    if (fields.length === 0 && sameValue(a.value, b.value) && a.text !== undefined && b.text !== undefined && a.text !== b.text) {
      notes.push('comments or formatting only');
    }
    return fields.length > 0 || notes.length > 0 ? change(fields, notes) : undefined;
  }
  if (a.kind === 'text' && b.kind === 'text') {
    if (a.text === b.text) return undefined;
    const lines = diffLines(a.text, b.text);
    return lines ? change([], [], lines) : change([], [`${a.text.split('\n').length} lines -> ${b.text.split('\n').length} lines`]);
  }
  return change([], ['file type changed']);
}

/** Groups in reading order: clusters first, then `_argocd`, `_install-inputs`, then the top-level files. */
function groupOrder(a: string, b: string): number {
  const rank = (g: string) => (g === TOP_LEVEL ? 2 : g.startsWith('_') ? 1 : 0);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Inside a group: objects first (by kind, namespace, name), then files (by path). */
function keyOrder(entries: Map<string, Entry>[]): (a: string, b: string) => number {
  const isObject = (k: string) => entries.some((m) => (m.get(k) as any)?.object === true);
  return (a, b) => Number(isObject(b)) - Number(isObject(a)) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Compares a fresh synth (`next`) with the output on disk (`current`). Groups in the order of groupOrder,
 * changes inside a group in the order of keyOrder, so the same trees give the same plan.
 */
export function planChanges(current: readonly TreeFile[], next: readonly TreeFile[]): Plan {
  const before = index(current);
  const after = index(next);
  const plan: Plan = new Map();
  for (const group of [...new Set([...before.keys(), ...after.keys()])].sort(groupOrder)) {
    const b = before.get(group) ?? new Map<string, Entry>();
    const a = after.get(group) ?? new Map<string, Entry>();
    const changes: PlannedChange[] = [];
    for (const key of [...new Set([...b.keys(), ...a.keys()])].sort(keyOrder([b, a]))) {
      if (!b.has(key)) changes.push({ action: 'add', what: key, fields: [], notes: [] });
      else if (!a.has(key)) changes.push({ action: 'remove', what: key, fields: [], notes: [] });
      else {
        const c = compare(key, b.get(key)!, a.get(key)!);
        if (c) changes.push(c);
      }
    }
    if (changes.length > 0) plan.set(group, changes);
  }
  return plan;
}

/** Most field lines shown per object, and most text lines per multi-line value; the rest are counted. */
const MAX_FIELDS = 30;
const MAX_LINES = 8;
const MAX_LINE_WIDTH = 120;

const SIGN = { add: '+', change: '~', remove: '-' } as const;

function showLines(lines: readonly LineChange[], indent: string): string[] {
  const out = lines.slice(0, MAX_LINES).map((l) => {
    const text = escapeText(l.line);
    return `${indent}${SIGN[l.op]} ${text.length > MAX_LINE_WIDTH ? `${text.slice(0, MAX_LINE_WIDTH - 1)}…` : text}`;
  });
  if (lines.length > MAX_LINES) out.push(`${indent}… ${lines.length - MAX_LINES} more changed lines`);
  return out;
}

function lineCounts(lines: readonly LineChange[]): string {
  const removed = lines.filter((l) => l.op === 'remove').length;
  return `${lines.length} lines changed (${removed} removed, ${lines.length - removed} added)`;
}

/** The lines of one field change. */
function showField(f: FieldChange, indent: string): string[] {
  const head = `${indent}${SIGN[f.op]} ${f.path}`;
  if (f.sensitive) return [`${head}: (sensitive value not shown)`];
  if (f.note) return [`${head}: ${f.note}`];
  if (f.op === 'add') return [`${head}: ${showValue(f.after)}`];
  if (f.op === 'remove') return [`${head}: ${showValue(f.before)}`];
  if (typeof f.before === 'string' && typeof f.after === 'string' && (f.before.includes('\n') || f.after.includes('\n'))) {
    const lines = diffLines(f.before, f.after);
    if (!lines) return [`${head}: ${showValue(f.before)} -> ${showValue(f.after)}`];
    return [`${head}: ${lineCounts(lines)}`, ...showLines(lines, indent + '    ')];
  }
  return [`${head}: ${showValue(f.before)} -> ${showValue(f.after)}`];
}

/**
 * A human-readable plan: per group, each object or file to be added (+), changed (~) or removed (-), and
 * under each change its changed fields (`~ path: old -> new`, `+ path: value`, `- path: value`), then a
 * total. Added and removed objects are listed by identity only.
 */
export function formatPlan(plan: Plan): string {
  if (plan.size === 0) return 'No changes: a fresh synth equals the output on disk.\n';
  const lines: string[] = [];
  const total = { add: 0, change: 0, remove: 0 };
  for (const [group, changes] of plan) {
    const count = (a: PlannedChange['action']) => changes.filter((c) => c.action === a).length;
    for (const a of ['add', 'change', 'remove'] as const) total[a] += count(a);
    lines.push(`${escapeText(group)}: ${count('add')} to add, ${count('change')} to change, ${count('remove')} to remove`);
    for (const c of changes) {
      lines.push(`  ${SIGN[c.action]} ${escapeText(c.what)}`);
      for (const n of c.notes) lines.push(`      (${n})`);
      for (const f of c.fields.slice(0, MAX_FIELDS)) lines.push(...showField(f, '      '));
      if (c.fields.length > MAX_FIELDS) lines.push(`      … ${c.fields.length - MAX_FIELDS} more changed fields`);
      if (c.lines) lines.push(`      ${lineCounts(c.lines)}`, ...showLines(c.lines, '      '));
    }
  }
  lines.push(`Plan: ${total.add} to add, ${total.change} to change, ${total.remove} to remove.`);
  return lines.join('\n') + '\n';
}
