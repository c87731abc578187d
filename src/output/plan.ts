import * as fs from 'fs';
import * as path from 'path';
import { MARKER_FILE } from './output-marker';
import { INSTALL_INPUTS_DIR, OutputFile } from './render';
import { parseYamlDocuments } from './yaml';

/** The change of one object (or, outside cluster directories, one file). */
export interface PlannedChange {
  readonly action: 'add' | 'change' | 'remove';
  /** `Kind namespace/name` for objects, the file path for other files. */
  readonly what: string;
}

/** Changes grouped by top-level directory of the output (a cluster, `_argocd`, `_install-inputs`, ...). */
export type Plan = Map<string, PlannedChange[]>;

/** Every file below `dir`, as output files relative to it (the writer's marker aside). Empty when `dir` does not exist. */
export function readTree(dir: string): OutputFile[] {
  if (!fs.existsSync(dir)) return [];
  const out: OutputFile[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (d === dir && e.name === MARKER_FILE) continue; // the writer's, not the renderer's
      if (e.isDirectory()) walk(p);
      else out.push({ path: path.relative(dir, p).split(path.sep).join('/'), content: fs.readFileSync(p, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

/**
 * Indexes a tree by what a reviewer cares about: in cluster directories, each Kubernetes object by
 * identity (kind, namespace, name) with its parsed content, so moving an object between files or
 * re-ordering keys is no change; everything else (install inputs, Argo CD, README) by file.
 */
function index(files: readonly OutputFile[]): Map<string, Map<string, string>> {
  const byGroup = new Map<string, Map<string, string>>();
  const put = (group: string, key: string, value: string) => {
    if (!byGroup.has(group)) byGroup.set(group, new Map());
    byGroup.get(group)!.set(key, value);
  };
  for (const f of files) {
    const [top, ...rest] = f.path.split('/');
    if (top === INSTALL_INPUTS_DIR && rest.length > 1) {
      // Install inputs belong to their cluster.
      put(rest[0], `install input ${rest.slice(1).join('/')}`, f.content);
      continue;
    }
    const group = top;
    const isClusterObjectFile = rest.length > 0 && !group.startsWith('_') && f.path.endsWith('.yaml') && !f.path.endsWith('kustomization.yaml');
    if (!isClusterObjectFile) {
      put(rest.length > 0 ? group : '(top level)', f.path, f.content);
      continue;
    }
    for (const doc of parseYamlDocuments(f.content) as any[]) {
      const ns = doc?.metadata?.namespace;
      put(group, `${doc?.kind} ${ns ? `${ns}/` : ''}${doc?.metadata?.name}`, JSON.stringify(doc));
    }
  }
  return byGroup;
}

/** Compares a fresh synth (`next`) with the output on disk (`current`). */
export function planChanges(current: readonly OutputFile[], next: readonly OutputFile[]): Plan {
  const before = index(current);
  const after = index(next);
  const plan: Plan = new Map();
  for (const group of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(group) ?? new Map<string, string>();
    const a = after.get(group) ?? new Map<string, string>();
    const changes: PlannedChange[] = [];
    for (const key of [...new Set([...b.keys(), ...a.keys()])].sort()) {
      if (!b.has(key)) changes.push({ action: 'add', what: key });
      else if (!a.has(key)) changes.push({ action: 'remove', what: key });
      else if (b.get(key) !== a.get(key)) changes.push({ action: 'change', what: key });
    }
    if (changes.length > 0) plan.set(group, changes);
  }
  return plan;
}

/** A human-readable plan: per cluster, the objects that would be added (+), changed (~) or removed (-). */
export function formatPlan(plan: Plan): string {
  if (plan.size === 0) return 'No changes: a fresh synth equals the output on disk.\n';
  const sign = { add: '+', change: '~', remove: '-' } as const;
  const lines: string[] = [];
  for (const [group, changes] of plan) {
    const count = (a: PlannedChange['action']) => changes.filter((c) => c.action === a).length;
    lines.push(`${group}: ${count('add')} to add, ${count('change')} to change, ${count('remove')} to remove`);
    for (const c of changes) lines.push(`  ${sign[c.action]} ${c.what}`);
  }
  return lines.join('\n') + '\n';
}
