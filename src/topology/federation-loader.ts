import { Construct } from 'constructs';
import type { Workload } from '../application/workload';
import { Federation } from '../federation/federation';
import { federationProblems } from '../federation/synthesize-federation';
import { TrustAnchor } from '../federation/trust-anchor';
import type { Mesh } from '../mesh';
import { MeshValidationError, Problem, throwIfProblems } from '../problem';
import { meshFromTopology } from './loader';
import { readTopologyText, TopologyText } from './topology-text';

/**
 * The several-meshes form of a topology file: `meshes:` (each entry a whole single-mesh topology, read by
 * meshFromTopology) and `federation:` (trust anchors, exports, imports by meshID and name).
 *
 * ```yaml
 * meshes: [ {meshID: mesh-a, ...}, {meshID: mesh-b, ...} ]
 * federation:
 *   trustAnchors: [{ meshID: mesh-a, pem: "-----BEGIN CERTIFICATE-----..." }, { meshID: mesh-b, spiffeBundleUrl: https://... }]
 *   exports: [{ meshID: mesh-a, namespace: bookinfo, service: reviews }]
 *   imports: [{ meshID: mesh-b, from: mesh-a, namespace: bookinfo, service: reviews, callers: [frontend/productpage] }]
 * ```
 */
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True for a document of the several-meshes form. */
export function isFederationDocument(data: unknown): boolean {
  return isObject(data) && Object.prototype.hasOwnProperty.call(data, 'meshes');
}

const KEYS: Record<string, readonly string[]> = {
  top: ['meshes', 'federation'],
  federation: ['trustAnchors', 'exports', 'imports'],
  trustAnchor: ['meshID', 'pem', 'spiffeBundleUrl'],
  export: ['meshID', 'namespace', 'service'],
  import: ['meshID', 'from', 'namespace', 'service', 'callers', 'host'],
};

/** Builds the meshes and their federation from a document of the several-meshes form; every problem at once. */
export function federationFromTopology(scope: Construct, id: string, data: unknown, source = 'the topology', sourceOf?: TopologyText['sourceOf']): Federation {
  const problems: Problem[] = [];
  const unknownKeys = (o: Record<string, unknown>, kind: string, field: string) => {
    for (const k of Object.keys(o)) {
      if (!KEYS[kind].includes(k)) problems.push({ field: field ? `${field}.${k}` : k, message: 'is not a known field', allowed: KEYS[kind].join(', '), fix: 'remove it or fix its spelling' });
    }
  };
  if (!isObject(data) || !Array.isArray(data.meshes)) {
    throwIfProblems([{ field: 'meshes', value: isObject(data) ? data.meshes : data, message: 'must be a list of mesh topologies', fix: 'write meshes: [ {meshID: ..., clusters: [...]}, ... ]' }], source);
  }
  const doc = data as Record<string, unknown>;
  unknownKeys(doc, 'top', '');
  const meshes: Mesh[] = [];
  (doc.meshes as unknown[]).forEach((m, i) => {
    const meshSourceOf = sourceOf && ((p: readonly (string | number)[]) => sourceOf(['meshes', i, ...p]));
    try {
      meshes.push(meshFromTopology(scope, `${id}-mesh-${i}`, m, source, { sourceOf: meshSourceOf }));
    } catch (e) {
      if (!(e instanceof MeshValidationError)) throw e;
      const meshId = isObject(m) && typeof m.meshID === 'string' ? ` (meshID ${JSON.stringify(m.meshID)})` : '';
      problems.push(...e.problems.map((p) => ({ ...p, field: `meshes[${i}]${meshId}.${p.field}` })));
    }
  });
  const fed = isObject(doc.federation) ? doc.federation : {};
  if (doc.federation !== undefined && !isObject(doc.federation)) {
    problems.push({ field: 'federation', value: doc.federation, message: 'must be a mapping', fix: 'write federation: { trustAnchors: [...], exports: [...], imports: [...] }' });
  }
  unknownKeys(fed, 'federation', 'federation');
  const list = (key: string): Record<string, unknown>[] => {
    const v = fed[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every(isObject)) {
      problems.push({ field: `federation.${key}`, value: v, message: 'must be a list of mappings', fix: `write federation.${key}: [ {...}, ... ]` });
      return [];
    }
    return v as Record<string, unknown>[];
  };
  const byId = new Map<string, Mesh>();
  for (const m of meshes) if (!byId.has(m.meshId)) byId.set(m.meshId, m);
  // References name meshes by meshID: a second mesh with the same ID could never be named. Checked on the
  // document, so that a mesh with problems of its own is still counted.
  const declaredIds = new Map<string, number>();
  (doc.meshes as unknown[]).forEach((m, i) => {
    const meshId = isObject(m) ? m.meshID : undefined;
    if (typeof meshId !== 'string') return;
    const first = declaredIds.get(meshId);
    if (first !== undefined) {
      problems.push({
        field: `meshes[${i}].meshID`, value: meshId, message: `is the meshID of meshes[${first}]; mesh IDs must be globally unique in a federation`,
        fix: 'give each mesh its own meshID, e.g. "mesh-a" and "mesh-b"',
      });
    } else declaredIds.set(meshId, i);
  });
  const meshRef = (v: unknown, field: string): Mesh | undefined => {
    const m = typeof v === 'string' ? byId.get(v) : undefined;
    // A mesh that failed to load has its own problems: references to it are not reported again.
    if (!m && !(typeof v === 'string' && declaredIds.has(v))) {
      problems.push({ field, value: v, message: 'names no mesh of meshes', allowed: [...declaredIds.keys()].join(', ') || '(none)', fix: 'use the meshID of a mesh declared under meshes' });
    }
    return m;
  };
  const str = (o: Record<string, unknown>, key: string, field: string): string | undefined => {
    if (typeof o[key] === 'string') return o[key] as string;
    problems.push({ field: `${field}.${key}`, value: o[key], message: o[key] === undefined ? 'is missing' : 'must be a string', fix: `set ${key}` });
    return undefined;
  };

  const anchors = new Map<Mesh, TrustAnchor>();
  list('trustAnchors').forEach((a, i) => {
    const field = `federation.trustAnchors[${i}]`;
    unknownKeys(a, 'trustAnchor', field);
    const mesh = meshRef(a.meshID, `${field}.meshID`);
    const hasPem = a.pem !== undefined;
    const hasUrl = a.spiffeBundleUrl !== undefined;
    if (hasPem === hasUrl) {
      problems.push({ field, message: 'needs exactly one of pem and spiffeBundleUrl', fix: 'give the mesh\'s public root certificate (pem) or its SPIFFE bundle endpoint (spiffeBundleUrl)' });
      return;
    }
    const value = hasPem ? a.pem : a.spiffeBundleUrl;
    if (typeof value !== 'string') {
      problems.push({ field: `${field}.${hasPem ? 'pem' : 'spiffeBundleUrl'}`, message: 'must be a string', fix: 'write it as a string (a YAML block scalar for a PEM)' });
      return;
    }
    if (mesh) {
      if (anchors.has(mesh)) problems.push({ field: `${field}.meshID`, value: a.meshID, message: 'has a trust anchor already', fix: 'give each mesh one trust anchor (a PEM may hold several certificates)' });
      anchors.set(mesh, hasPem ? TrustAnchor.fromPem(value) : TrustAnchor.fromSpiffeBundleUrl(value));
    }
  });
  for (const m of meshes) {
    if (!anchors.has(m) && byId.get(m.meshId) === m) problems.push({ field: 'federation.trustAnchors', value: m.meshId, message: `has no entry for mesh "${m.meshId}"; its peers could not verify its workloads`, fix: `add { meshID: ${m.meshId}, pem: <its public root certificate> }` });
  }

  const federation = new Federation(scope, id, { meshes: meshes.filter((m) => anchors.has(m)).map((m) => ({ mesh: m, trustAnchor: anchors.get(m)! })) });
  list('exports').forEach((e, i) => {
    const field = `federation.exports[${i}]`;
    unknownKeys(e, 'export', field);
    const mesh = meshRef(e.meshID, `${field}.meshID`);
    const namespace = str(e, 'namespace', field);
    const service = str(e, 'service', field);
    if (mesh && namespace !== undefined && service !== undefined) federation.exportService(mesh, { namespace, service });
  });
  list('imports').forEach((imp, i) => {
    const field = `federation.imports[${i}]`;
    unknownKeys(imp, 'import', field);
    const mesh = meshRef(imp.meshID, `${field}.meshID`);
    const from = meshRef(imp.from, `${field}.from`);
    const namespace = str(imp, 'namespace', field);
    const service = str(imp, 'service', field);
    if (imp.host !== undefined && typeof imp.host !== 'string') problems.push({ field: `${field}.host`, value: imp.host, message: 'must be a string', fix: 'write the hostname' });
    let callers: Workload[] | undefined;
    if (imp.callers !== undefined) {
      if (!Array.isArray(imp.callers)) {
        problems.push({ field: `${field}.callers`, value: imp.callers, message: 'must be a list', fix: 'write callers: [<application>/<workload>, ...]' });
      } else if (mesh) {
        callers = [];
        imp.callers.forEach((ref, j) => {
          const [appName, workloadName, ...rest] = typeof ref === 'string' ? ref.split('/') : [];
          const app = appName !== undefined && rest.length === 0 ? mesh.applications.all.find((a) => a.name === appName) : undefined;
          const w = app?.workloads.find((x) => x.name === workloadName);
          if (!w) {
            problems.push({
              field: `${field}.callers[${j}]`, value: ref, message: `names no workload of mesh "${mesh.meshId}"`,
              allowed: mesh.applications.all.flatMap((a) => a.workloads.map((x) => `${a.name}/${x.name}`)).slice(0, 10).join(', ') || '(none)',
              fix: 'write <application>/<workload> of the importing mesh',
            });
          } else callers!.push(w);
        });
      }
    }
    if (mesh && from && namespace !== undefined && service !== undefined) {
      federation.importService(mesh, { namespace, service }, { from, callers, host: typeof imp.host === 'string' ? imp.host : undefined });
    }
  });
  // Every problem at once: the federation's and the meshes' own checks too, when every mesh could be built.
  if (problems.length > 0 && meshes.length === (doc.meshes as unknown[]).length) problems.push(...federationProblems(federation));
  throwIfProblems(problems, source);
  return federation;
}

/** Reads a topology file of the several-meshes form (see federationFromTopology). */
export function loadFederationFile(scope: Construct, id: string, file: string): Federation {
  const text = readTopologyText(file);
  return federationFromTopology(scope, id, text.data, file, text.sourceOf);
}
