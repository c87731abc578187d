import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import {
  ARGOCD_HEALTH_CHECKS_FILE, DEFAULT_TOPOLOGY, loadTopologyFile, meshDiagram, Mesh, parseYamlDocuments, renderMesh, writeTreeAtomically,
} from '../src';
import { exampleFiles, find, helmValues, meshOf, objectsByCluster, PROJECT_ROOT } from './support/mesh';

const example = (name: string) => loadTopologyFile(new App(), 'mesh', path.join(PROJECT_ROOT, 'examples', name));
const wave = (o: any) => Number(o.metadata.annotations['argocd.argoproj.io/sync-wave']);

/** The Argo CD Applications of a mesh's clusters (not those of the prerequisite operators), as emitted. */
function applications(mesh: Mesh): any[] {
  return (renderMesh(mesh).filter((f) => f.path.startsWith('_argocd/application_')).flatMap((f) => parseYamlDocuments(f.content)) as any[])
    .filter((a) => a.spec.sources.some((s: any) => s.path !== undefined));
}

describe('Argo CD output (dist/_argocd)', () => {
  test('one Application per cluster: its path, destination, pinned charts and the cluster\'s values', () => {
    const mesh = meshOf(DEFAULT_TOPOLOGY);
    const apps = applications(mesh);
    expect(apps.map((a) => a.metadata.name)).toEqual(['mesh1-cluster1', 'mesh1-cluster2']);
    for (const cluster of mesh.clusters) {
      const app = apps.find((a) => a.metadata.name === `mesh1-${cluster.name}`);
      expect(app.metadata.namespace).toBe('argocd');
      expect(app.spec.project).toBe('default');
      expect(app.spec.destination).toEqual({ name: cluster.name, namespace: 'istio-system' });
      const [base, istiod, dir] = app.spec.sources;
      expect(dir).toEqual({ repoURL: 'https://git.example.com/platform/mesh1-gitops.git', targetRevision: 'HEAD', path: `dist/${cluster.name}` });
      expect(base).toMatchObject({ repoURL: 'https://istio-release.storage.googleapis.com/charts', chart: 'base', targetRevision: '1.30.3' });
      expect(base.helm).toEqual({ releaseName: 'istio-base', namespace: 'istio-system', valuesObject: helmValues(cluster, 'helm-values-base.yaml') });
      expect(istiod).toMatchObject({ chart: 'istiod', targetRevision: '1.30.3', helm: { releaseName: 'istiod', namespace: 'istio-system' } });
      expect(istiod.helm.valuesObject).toEqual(helmValues(cluster));
      expect(istiod.helm.valuesObject.global.multiCluster.clusterName).toBe(cluster.name);
      expect(istiod.helm.valuesObject.global.network).toBe(cluster.network.name);
    }
  });

  test('ignoreDifferences for istiod\'s webhook edits, respected at sync; dry run and server-side apply options', () => {
    for (const app of applications(meshOf(DEFAULT_TOPOLOGY))) {
      expect(app.spec.ignoreDifferences).toEqual(expect.arrayContaining([
        expect.objectContaining({ kind: 'MutatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] }),
        expect.objectContaining({ kind: 'ValidatingWebhookConfiguration', jqPathExpressions: expect.arrayContaining(['.webhooks[]?.failurePolicy', '.webhooks[]?.clientConfig.caBundle']) }),
      ]));
      expect(app.spec.syncPolicy.syncOptions).toEqual(expect.arrayContaining(['RespectIgnoreDifferences=true', 'SkipDryRunOnMissingResource=true', 'ServerSideApply=true']));
    }
  });

  test('settings and destinations from the model: revision, project, destination server', () => {
    const apps = applications(example('primary-remote.yaml'));
    const remote = apps.find((a) => a.metadata.name === 'mesh1-cluster2');
    expect(remote.spec.destination).toEqual({ server: 'https://cluster2.k8s.example.com:6443', namespace: 'istio-system' });
    expect(remote.spec.project).toBe('mesh');
    expect(remote.spec.sources[2].targetRevision).toBe('main');
    expect(remote.spec.sources[1].helm.valuesObject.profile).toBe('remote');
  });

  test('sync waves inside a cluster: namespaces, trust, Istio (charts: wave 0), control plane, gateways, mesh config, workloads', () => {
    const objects = objectsByCluster(meshOf(DEFAULT_TOPOLOGY)).cluster1;
    const w = (kind: string, name: string) => wave(find(objects, kind, name));
    expect(w('Namespace', 'istio-system')).toBeLessThan(w('ExternalSecret', 'cacerts'));
    expect(w('ExternalSecret', 'cacerts')).toBeLessThan(0); // before istiod, which the charts install at wave 0
    expect(w('ServiceAccount', 'istio-reader-service-account')).toBeLessThan(w('ExternalSecret', 'istio-remote-secret-cluster2'));
    expect(w('Deployment', 'istio-eastwestgateway')).toBeGreaterThan(0); // injected by a running istiod
    expect(w('Gateway', 'cross-network-gateway')).toBeGreaterThan(0); // validated by istiod's webhook
    expect(w('Deployment', 'istio-eastwestgateway')).toBeLessThan(w('Deployment', 'helloworld-v1'));
  });

  test('sync waves across clusters: serving clusters first', () => {
    const waves = (mesh: Mesh) => Object.fromEntries(applications(mesh).map((a) => [a.metadata.labels['istio.io/cluster'], wave(a)]));
    expect(waves(example('primary-remote.yaml'))).toEqual({ cluster1: 0, cluster2: 1 });
    // The external control plane and its config cluster wait for each other halfway: same wave (issue 10).
    expect(waves(example('external-control-plane.yaml'))).toEqual({ cluster1: 0, external: 0, cluster2: 1 });
  });

  test('Sail Operator option: Istio resources instead of Helm sources, with the same values', () => {
    const mesh = example('external-control-plane.yaml');
    const apps = applications(mesh);
    for (const app of apps) expect(app.spec.sources.map((s: any) => s.path ?? s.chart)).toEqual([`dist/${app.metadata.labels['istio.io/cluster']}`]);
    const ext = objectsByCluster(mesh).external;
    const istios = ext.filter((o) => o.kind === 'Istio');
    expect(istios.map((i) => [i.metadata.name, i.spec.namespace, wave(i)])).toEqual([['default', 'istio-system', 0], ['external-istiod', 'external-istiod', 0]]);
    const external = istios[1];
    expect(external.spec.version).toBe('v1.30.3');
    const helm = helmValues(mesh.cluster('external')!, 'helm-values-istiod-external-istiod.yaml');
    expect(external.spec.values.global).toEqual(helm.global);
    expect(external.spec.values.pilot.env).toEqual(helm.env);
    const remote = objectsByCluster(mesh).cluster2.find((o) => o.kind === 'Istio');
    expect(remote.spec.profile).toBe('remote');
    expect(remote.spec.values.istiodRemote.injectionURL).toBe('https://istiod.mesh1.example.com:15017/inject/cluster/cluster2/net/network2');
  });
});

describe('kubectl path', () => {
  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });

  test.each([['default topology', ''], ...exampleFiles().map((f) => [path.basename(f), f])])('kubectl kustomize renders every object of every directory: %s', (_name, file) => {
    if (kubectl.error) {
      throw new Error('kubectl is not installed: this test needs it to prove `kubectl apply -k dist/<cluster>` works offline. Install kubectl.');
    }
    const mesh = file ? loadTopologyFile(new App(), 'mesh', file) : meshOf(DEFAULT_TOPOLOGY);
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kustomize-')), 'dist');
    const files = renderMesh(mesh);
    writeTreeAtomically(out, files);
    const dirs = [...mesh.clusters.map((c) => c.name), ...(mesh.argoCd ? ['_argocd'] : [])];
    for (const dir of dirs) {
      const rendered = execFileSync('kubectl', ['kustomize', path.join(out, dir)], { encoding: 'utf8' });
      // The argocd-cm health-check patch is merged into argocd-cm, not applied (not in the kustomization).
      const expected = files.filter((f) => f.path.startsWith(`${dir}/`) && !f.path.endsWith('kustomization.yaml') && !f.path.endsWith(ARGOCD_HEALTH_CHECKS_FILE)).length;
      expect(rendered.split(/^---$/m).filter((d) => d.trim() !== '').length).toBe(expected);
    }
  });
});

describe('dist/README.md: a picture of the mesh', () => {
  test.each([['default topology', ''], ...exampleFiles().map((f) => [path.basename(f), f])])('%s: every cluster, network, control-plane and discovery edge', (_name, file) => {
    const mesh = file ? loadTopologyFile(new App(), 'mesh', file) : meshOf(DEFAULT_TOPOLOGY);
    mesh.build();
    const diagram = meshDiagram(mesh);
    const id = new Map(mesh.clusters.map((c) => [c.name, diagram.match(new RegExp(`^\\s+(c\\d+)\\["<b>${c.name}</b>`, 'm'))?.[1]]));
    for (const c of mesh.clusters) expect(id.get(c.name)).toBeDefined();
    for (const n of mesh.networks) expect(diagram).toContain(`["network ${n.name}"]`);
    for (const c of mesh.clusters) {
      if (c.controlPlane.servedBy) expect(diagram).toContain(`${id.get(c.name)} ==>|"served by"| ${id.get(c.controlPlane.servedBy.name)}`);
      if (c.controlPlane.runsIstiod) expect(diagram).toContain(`trust -.->|cacerts| ${id.get(c.name)}`);
      if (c.hasEastWestGateway) expect(diagram).toMatch(new RegExp(`<b>${c.name}</b>[^\\]]*east-west gateway`));
    }
    for (const e of mesh.endpointDiscovery) {
      expect(diagram).toContain(`${id.get(e.consumer.name)} -.->|"${e.kind === 'config' ? 'istio-kubeconfig' : 'remote secret'}"| ${id.get(e.source.name)}`);
    }
  });

  test('the README has a table per cluster of what its directory contains', () => {
    const readme = renderMesh(meshOf(DEFAULT_TOPOLOGY)).find((f) => f.path === 'README.md')!.content;
    expect(readme).toContain('```mermaid\nflowchart LR');
    expect(readme).toContain('### `cluster1` (primary, network `network1`)');
    expect(readme).toContain('| `10-trust` | -1 |');
    expect(readme).toContain('ExternalSecret `cacerts`');
  });
});
