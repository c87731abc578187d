import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { Mesh } from '../../src/mesh';
import { MeshValidationError, Problem } from '../../src/problem';
import { renderCluster, renderMesh } from '../../src/output/render';
import { parseYamlDocuments } from '../../src/output/yaml';
import { meshFromTopology } from '../../src/topology/loader';

/** The project root (tests run from lib/test/...). */
export const PROJECT_ROOT = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
})();

/** Path of a committed test fixture (test/fixtures/...). */
export function fixturePath(...parts: string[]): string {
  return path.join(PROJECT_ROOT, 'test', 'fixtures', ...parts);
}

/** The YAML documents of a fixture file. */
export function fixtureDocs(...parts: string[]): any[] {
  return parseYamlDocuments(fs.readFileSync(fixturePath(...parts), 'utf8')) as any[];
}

/** Builds a mesh from topology data in a fresh app. */
export function meshOf(topology: unknown): Mesh {
  return meshFromTopology(new App(), 'mesh', topology);
}

/** Builds the mesh and returns each cluster's objects (plain JSON, in apply order). */
export function objectsByCluster(mesh: Mesh): Record<string, any[]> {
  mesh.build();
  const out: Record<string, any[]> = {};
  for (const c of mesh.clusters) out[c.name] = renderCluster(c).map((r) => r.manifest);
  return out;
}

/** The one object of a kind and name in a list (fails when absent or ambiguous). */
export function find(objects: any[], kind: string, name: string, namespace?: string): any {
  const hits = objects.filter((o) => o.kind === kind && o.metadata.name === name
    && (namespace === undefined || o.metadata.namespace === namespace));
  if (hits.length !== 1) {
    throw new Error(`expected exactly one ${kind} "${name}", found ${hits.length} among: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  }
  return hits[0];
}

/** A deep copy of a manifest without the sync-wave annotation (and without an emptied annotations map). */
export function withoutSyncWave(m: any): any {
  const copy = JSON.parse(JSON.stringify(m));
  if (copy.metadata?.annotations) {
    delete copy.metadata.annotations['argocd.argoproj.io/sync-wave'];
    if (Object.keys(copy.metadata.annotations).length === 0) delete copy.metadata.annotations;
  }
  return copy;
}

/** All output files of a mesh as { path: content }. */
export function outputTree(mesh: Mesh): Record<string, string> {
  return Object.fromEntries(renderMesh(mesh).map((f) => [f.path, f.content]));
}

/** The example topology files under examples/. */
export function exampleFiles(): string[] {
  const dir = path.join(PROJECT_ROOT, 'examples');
  return fs.readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort().map((f) => path.join(dir, f));
}

/** The Helm values of one of a cluster's Istio releases (by values file, default the istiod chart's). */
export function helmValues(cluster: { installInputs: import('../../src').InstallInputs }, file = 'helm-values-istiod.yaml'): any {
  const release = cluster.installInputs.releases.find((r) => r.file === file);
  if (!release) throw new Error(`no release with values file ${file}`);
  return release.values;
}

/** A cluster's (first) IstioOperator. */
export function istioOperatorOf(cluster: { installInputs: import('../../src').InstallInputs }, file = 'istio-operator.yaml'): any {
  const iop = cluster.installInputs.istioOperators.find((o) => o.file === file);
  if (!iop) throw new Error(`no IstioOperator ${file}`);
  return iop.manifest;
}

/** Every file below `dir` as { relativePath: content }. */
export function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** The problems a topology is rejected with (fails when it is accepted). */
export function problemsOf(topology: unknown): Problem[] {
  try {
    meshOf(topology).build();
  } catch (e) {
    if (e instanceof MeshValidationError) return e.problems;
    throw e;
  }
  throw new Error('expected the topology to be rejected');
}
