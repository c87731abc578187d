import type { Cluster } from '../cluster';

/**
 * One path/value patch of a KubeFed-style cluster override (KubeFed's `clusterOverrides` entry): `path`
 * is a JSON pointer (RFC 6901) into the workload's Deployment as rendered for that cluster.
 *
 * @see https://github.com/kubernetes-retired/kubefed/blob/master/docs/userguide.md#overrides
 */
export interface PatchOverride {
  /** JSON pointer, e.g. `/spec/template/spec/containers/0/image`. It must exist (`add`: its parent must). */
  readonly path: string;
  /** The new value (omitted for `remove`). @default - none */
  readonly value?: unknown;
  /** The operation, as in KubeFed. @default 'replace' */
  readonly op?: 'replace' | 'add' | 'remove';
}

/**
 * How a workload differs in one cluster of its placement: typed fields first, then path patches (applied
 * to the result of the typed fields), like KubeFed's `overrides[].clusterOverrides`.
 */
export interface ClusterOverride {
  /** The cluster (must be in the placement). */
  readonly cluster: Cluster;
  /** Container image in this cluster. @default - the workload's */
  readonly image?: string;
  /** `version` label (pod, selector and Deployment) in this cluster. @default - the workload's */
  readonly version?: string;
  /** Replicas in this cluster. @default - the workload's */
  readonly replicas?: number;
  /** Environment variables set or replaced in this cluster. @default - none */
  readonly env?: { readonly [name: string]: string };
  /** Path/value patches. @default - none */
  readonly clusterOverrides?: readonly PatchOverride[];
}

/** Where a patch may write: the object's spec, labels and annotations (never its identity or namespace). */
const PATCHABLE = /^\/(spec(\/|$)|metadata\/(labels|annotations)(\/|$))/;

/** Parses a JSON pointer into its reference tokens, or undefined when it is not one. */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === '' ) return [];
  if (!pointer.startsWith('/')) return undefined;
  const tokens = pointer.slice(1).split('/');
  if (tokens.some((t) => /~[^01]|~$/.test(t))) return undefined;
  return tokens.map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Applies patches to a JSON document in place. Returns, per failing patch, its index and why it failed:
 * a path that does not exist is an error (KubeFed would silently create or skip it).
 */
export function applyPatches(doc: any, patches: readonly PatchOverride[]): { index: number; message: string }[] {
  const errors: { index: number; message: string }[] = [];
  patches.forEach((p, index) => {
    const op = p.op ?? 'replace';
    const tokens = parsePointer(p.path);
    if (!tokens || tokens.length === 0) {
      errors.push({ index, message: 'is not a JSON pointer to a field (RFC 6901: "/a/b/0")' });
      return;
    }
    if (!PATCHABLE.test(p.path)) {
      errors.push({ index, message: 'is outside the fields a cluster override may change (/spec/..., /metadata/labels/..., /metadata/annotations/...)' });
      return;
    }
    if (op !== 'remove' && p.value === undefined) {
      errors.push({ index, message: `has no value for op "${op}"` });
      return;
    }
    let parent: any = doc;
    for (let i = 0; i < tokens.length - 1; i++) {
      parent = child(parent, tokens[i]);
      if (parent === undefined) {
        errors.push({ index, message: `does not exist in the Deployment ("${tokens.slice(0, i + 1).join('/')}" is missing)` });
        return;
      }
    }
    const last = tokens[tokens.length - 1];
    const exists = child(parent, last) !== undefined;
    if (parent === null || typeof parent !== 'object') {
      errors.push({ index, message: 'does not exist in the Deployment (its parent is not an object or array)' });
      return;
    }
    if (Array.isArray(parent)) {
      const i = last === '-' && op === 'add' ? parent.length : /^(0|[1-9][0-9]*)$/.test(last) ? Number(last) : -1;
      if (i < 0 || i > parent.length || (op !== 'add' && i >= parent.length)) {
        errors.push({ index, message: `does not exist in the Deployment (index ${last} of a list of ${parent.length})` });
        return;
      }
      if (op === 'add') parent.splice(i, 0, clone(p.value));
      else if (op === 'remove') parent.splice(i, 1);
      else parent[i] = clone(p.value);
      return;
    }
    if (op !== 'add' && !exists) {
      errors.push({ index, message: `does not exist in the Deployment (no field "${last}"); use op "add" to create it` });
      return;
    }
    if (op === 'remove') delete parent[last];
    else parent[last] = clone(p.value);
  });
  return errors;
}

function child(node: any, token: string): any {
  if (node === null || typeof node !== 'object') return undefined;
  if (Array.isArray(node)) return /^(0|[1-9][0-9]*)$/.test(token) ? node[Number(token)] : undefined;
  return Object.prototype.hasOwnProperty.call(node, token) ? node[token] : undefined;
}

function clone<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}
