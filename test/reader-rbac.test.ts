import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { loadTopologyFile } from '../src';
import { exampleFiles, fixturePath, helmValues, objectsByCluster } from './support/mesh';

/**
 * Issue 10, defect 8: the reader identity (istio-reader-service-account and its ClusterRole/Binding) is
 * a credential with cluster-wide read access. Every cluster of a multi-cluster mesh either carries it
 * in its own output (another control plane reads it) or needs none; either way the charts must not
 * render their default copy.
 */
describe('reader identity: rendered once where it is read, nowhere else', () => {
  test('the charts\' reader templates are guarded by global.enableReaderRBAC (default true)', () => {
    for (const f of ['reader-serviceaccount.yaml', 'reader-clusterrole.yaml', 'reader-clusterrolebinding.yaml']) {
      expect(fs.readFileSync(fixturePath('istio', f), 'utf8')).toContain('(dig "global" "enableReaderRBAC" true .Values)');
    }
  });

  test.each(exampleFiles().map((f) => [path.basename(f), f]))('%s', (_name, file) => {
    const mesh = loadTopologyFile(new App(), 'mesh', file);
    const objects = objectsByCluster(mesh);
    // A single-cluster mesh (the VM examples) is a plain Istio install: nothing reads it, the charts' defaults stay.
    if (mesh.clusters.length === 1) {
      expect(objects[mesh.clusters[0].name].filter((o) => o.metadata.name === 'istio-reader-service-account')).toEqual([]);
      return;
    }
    for (const cluster of mesh.clusters.filter((c) => c.installInputs.releases.every((r) => r.namespace === c.controlPlaneNamespace))) {
      const read = mesh.endpointDiscoveryOf(cluster).asSource.some((e) => e.kind === 'remote');
      const ours = objects[cluster.name].filter((o) => o.metadata.name === 'istio-reader-service-account');
      expect({ cluster: cluster.name, ours: ours.length > 0 }).toEqual({ cluster: cluster.name, ours: read });
      // Every base and istiod release: one istiod-<rev> per revision with revisions (issue 15).
      const files = cluster.installInputs.releases.filter((r) => r.chart === 'base' || r.chart === 'istiod').map((r) => r.file);
      expect(files.length).toBeGreaterThanOrEqual(2);
      for (const file of files) {
        expect({ cluster: cluster.name, file, enableReaderRBAC: helmValues(cluster, file).global?.enableReaderRBAC })
          .toEqual({ cluster: cluster.name, file, enableReaderRBAC: false });
      }
    }
  });

  test('primary-remote: the primary serves the remote but nobody reads the primary', () => {
    const mesh = loadTopologyFile(new App(), 'mesh', exampleFiles().find((f) => f.endsWith('/primary-remote.yaml'))!);
    const primary = mesh.cluster('cluster1')!;
    expect(mesh.endpointDiscoveryOf(primary).asSource).toEqual([]);
    expect(helmValues(primary).global.enableReaderRBAC).toBe(false);
    expect(helmValues(primary, 'helm-values-base.yaml').global.enableReaderRBAC).toBe(false);
  });
});
