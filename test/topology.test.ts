import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { DEFAULT_TOPOLOGY, loadTopologyFile, Mesh, MeshValidationError } from '../src';
import { checkSchema } from '../src/topology/schema-check';
import * as SCHEMA from '../src/topology/topology.schema.json';
import { exampleFiles, outputTree, PROJECT_ROOT, meshOf } from './support/mesh';

// Istio's own topology files (multicluster.json, external-istiod.json) are tested with the control-plane
// models in control-planes.test.ts.

function rejection(fn: () => unknown): MeshValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof MeshValidationError) return e;
    throw e;
  }
  throw new Error('expected a MeshValidationError');
}

describe('topology files', () => {
  test('the embedded default equals examples/multi-primary-multi-network.yaml', () => {
    const file = path.join(PROJECT_ROOT, 'examples', 'multi-primary-multi-network.yaml');
    const fromFile = outputTree(loadTopologyFile(new App(), 'mesh', file));
    expect(outputTree(meshOf(DEFAULT_TOPOLOGY))).toEqual(fromFile);
  });

  test('the default topology is mesh1: cluster1 on network1, cluster2 on network2, both primary', () => {
    const mesh = meshOf(DEFAULT_TOPOLOGY);
    expect(mesh.meshId).toBe('mesh1');
    expect(mesh.clusters.map((c) => [c.name, c.network.name, c.controlPlane.model])).toEqual([
      ['cluster1', 'network1', 'primary'], ['cluster2', 'network2', 'primary'],
    ]);
  });

  test('the TypeScript API and the file produce byte-identical output', () => {
    const app = new App();
    const mesh = new Mesh(app, 'mesh', {
      meshId: 'mesh1',
      secretStore: { name: 'mesh-secrets' },
      argoCd: { repoURL: 'https://git.example.com/platform/mesh1-gitops.git' },
    });
    const network1 = mesh.addNetwork('network1');
    const network2 = mesh.addNetwork('network2');
    mesh.addCluster('cluster1', { network: network1, apiServer: 'https://cluster1.k8s.example.com:6443' })
      .addVerificationWorkloads({ helloworldVersion: 'v1' });
    mesh.addCluster('cluster2', { network: network2, apiServer: 'https://cluster2.k8s.example.com:6443' })
      .addVerificationWorkloads({ helloworldVersion: 'v2' });
    expect(outputTree(mesh)).toEqual(outputTree(meshOf(DEFAULT_TOPOLOGY)));
  });

  test('JSON and YAML files load the same', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topo-'));
    const json = path.join(dir, 'mesh.json');
    fs.writeFileSync(json, JSON.stringify(DEFAULT_TOPOLOGY));
    expect(outputTree(loadTopologyFile(new App(), 'mesh', json))).toEqual(outputTree(meshOf(DEFAULT_TOPOLOGY)));
  });

  test.each(exampleFiles().map((f) => [path.basename(f), f]))('example %s satisfies the JSON Schema and synthesizes', (_name, file) => {
    const data = require('js-yaml').load(fs.readFileSync(file, 'utf8'));
    expect(checkSchema(data, SCHEMA as any)).toEqual([]);
    expect(Object.keys(outputTree(loadTopologyFile(new App(), 'mesh', file))).length).toBeGreaterThan(0);
  });

  test('a syntax error names the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topo-'));
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'meshID: [unclosed\n');
    const e = rejection(() => loadTopologyFile(new App(), 'mesh', bad));
    expect(e.problems[0].field).toBe('MESH_TOPOLOGY');
    expect(e.message).toContain(bad);
  });

  test('a missing file is a clear error', () => {
    const e = rejection(() => loadTopologyFile(new App(), 'mesh', '/nonexistent/mesh.yaml'));
    expect(e.problems[0].message).toMatch(/cannot be read/);
  });
});
