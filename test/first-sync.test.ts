import * as path from 'path';
import { App } from 'cdk8s';
import { DEFAULT_TOPOLOGY, loadTopologyFile, Mesh, readTopologyFile, renderMesh } from '../src';
import { OutputFile } from '../src/output/render';
import { resolveServing, simulateFirstSync, syncModel, SyncModelOptions } from './support/first-sync';
import { exampleFiles, meshOf } from './support/mesh';

/**
 * Issue 10: the first sync of the whole output, walked as Argo CD would (see test/support/first-sync.ts):
 * app-of-apps waves, then inside each Application CRDs before CRs and waves in order, each wave waiting
 * for the health of the one before with Argo CD's built-in health checks and the ones we emit. Nothing
 * may wait for an object that can only appear later, and the links between clusters (remote secrets)
 * must never gate anything.
 */
function run(mesh: Mesh, files: OutputFile[] = renderMesh(mesh), options: SyncModelOptions = {}) {
  const model = syncModel(files, options);
  const serving = new Map(mesh.clusters.filter((c) => c.controlPlane.servedBy)
    .map((c) => [c.name, { cluster: c.controlPlane.servedBy!.name, namespace: c.controlPlane.servedBy!.controlPlaneNamespace }]));
  resolveServing(model.objects, serving);
  return { model, result: simulateFirstSync(model) };
}

/** Every topology with Argo CD output, in both install methods. */
function topologies(): [string, () => Mesh][] {
  // Argo CD Application names come from cluster names: an example whose cluster keeps Istio's default ID
  // "Kubernetes" (valid only without Argo CD) cannot be delivered by Argo CD.
  const withArgo = exampleFiles().map((f) => [path.basename(f), readTopologyFile(f) as any] as const)
    .filter(([, t]) => (t.clusters as any[]).every((c) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(c.clusterName)))
    .map(([name, t]) => [name, t.argoCd ? t : { ...t, argoCd: { repoURL: 'https://git.example.com/mesh.git' } }] as const);
  const out: [string, () => Mesh][] = [['default topology', () => meshOf(DEFAULT_TOPOLOGY)]];
  for (const [name, t] of [['default topology', DEFAULT_TOPOLOGY as any] as const, ...withArgo]) {
    // sailUpdateStrategy is Sail-only (rejected with Helm): the Helm variant drops it.
    const { sailUpdateStrategy: _sailOnly, ...helm } = t;
    for (const install of ['helm', 'sailOperator']) {
      out.push([`${name} (${install})`, () => meshOf({ ...(install === 'helm' ? helm : t), argoCd: { ...t.argoCd, istioInstall: install } })]);
    }
  }
  return out;
}

describe('first sync: ordering as Argo CD applies the output', () => {
  test.each(topologies())('%s: every Application becomes Healthy, nothing applied before what it needs, links never gate', (_name, make) => {
    const mesh = make();
    const { model, result } = run(mesh);
    expect(result.violations).toEqual([]);
    expect(result.stuck).toEqual([]);
    expect(result.appOrder.sort()).toEqual([...model.apps.keys()].sort());
    // Cross-cluster waits only between a cluster and the control plane serving it (Istio's model:
    // a remote's pods are injected by its istiod; an external istiod reads its config cluster), never
    // between peers.
    const servedBy = new Map(mesh.clusters.map((c) => [c.name, c.controlPlane.servedBy?.name]));
    for (const [waiter, awaited] of result.crossClusterWaits) {
      const [a, b] = [waiter.split(':')[0], awaited.split(':')[0]];
      expect({ waiter, awaited, related: servedBy.get(a) === b || servedBy.get(b) === a }).toEqual({ waiter, awaited, related: true });
    }
    // The links (remote secrets) are in the last wave of their Application: nothing waits for them.
    for (const link of model.objects.filter((o) => o.link)) {
      const last = Math.max(...model.objects.filter((o) => o.app === link.app).map((o) => o.wave));
      expect({ link: link.id, wave: link.wave }).toEqual({ link: link.id, wave: last });
    }
  });

  test('the gateway waits for the control plane in both install methods (the model is not vacuous)', () => {
    for (const install of ['helm', 'sailOperator']) {
      const { model } = run(meshOf({ ...DEFAULT_TOPOLOGY, argoCd: { ...DEFAULT_TOPOLOGY.argoCd!, istioInstall: install } }));
      const gw = model.objects.find((o) => o.id === 'cluster1:Deployment/istio-system/istio-eastwestgateway')!;
      expect(gw.applyAfter).toEqual(['cluster1:webhook:istio-system']);
      expect(gw.healthAfter).toEqual(['cluster1:istiod:istio-system']);
      const istiod = model.objects.filter((o) => o.id === 'cluster1:istiod:istio-system');
      expect(istiod.map((o) => o.wave)).toEqual([0]);
      expect(gw.wave).toBeGreaterThan(0);
      expect(istiod[0].healthAfter).toEqual(expect.arrayContaining(['cluster1:ExternalSecret/istio-system/cacerts']));
    }
  });

  test('Argo CD Applications only through the app of apps: prerequisites first, serving clusters before their remotes', () => {
    const { model, result } = run(loadTopologyFile(new App(), 'mesh', exampleFiles().find((f) => f.endsWith('/primary-remote.yaml'))!));
    const index = (name: string) => result.appOrder.indexOf(name);
    expect(index('mesh1-cluster1-external-secrets')).toBeLessThan(index('mesh1-cluster1'));
    expect(index('mesh1-cluster1')).toBeLessThan(index('mesh1-cluster2'));
    expect(model.apps.get('mesh1-cluster2')!.wave).toBeGreaterThan(model.apps.get('mesh1-cluster1')!.wave);
  });

  test('the model catches what issue 10 found: a Sail Istio without health check lets gateways start uninjected', () => {
    const mesh = meshOf({ ...DEFAULT_TOPOLOGY, argoCd: { ...DEFAULT_TOPOLOGY.argoCd!, istioInstall: 'sailOperator' } });
    const { result } = run(mesh, renderMesh(mesh), { withoutSailHealthCheck: true });
    expect(result.violations).toEqual(expect.arrayContaining([expect.stringMatching(/Deployment\/istio-system\/istio-eastwestgateway .* applied before cluster1:webhook:istio-system exists/)]));
  });

  test('the model catches what issue 10 found: a remote secret that holds the sync deadlocks primary-remote', () => {
    const mesh = loadTopologyFile(new App(), 'mesh', exampleFiles().find((f) => f.endsWith('/primary-remote.yaml'))!);
    const { result } = run(mesh, renderMesh(mesh), { withoutLinkOverride: true });
    // cluster1's link to cluster2 waits for cluster2's PushSecret, whose Application waits for cluster1.
    expect(result.stuck).toEqual(expect.arrayContaining([expect.objectContaining({
      id: expect.stringContaining('cluster1:ExternalSecret/istio-system/istio-remote-secret-cluster2'),
      waitsFor: ['cluster2:PushSecret/istio-system/istio-reader-service-account-istio-remote-secret-token'],
    })]));
  });

  test('the model catches what issue 10 found: an external control plane ordered after its config cluster deadlocks', () => {
    const mesh = loadTopologyFile(new App(), 'mesh', exampleFiles().find((f) => f.endsWith('/external-control-plane.yaml'))!);
    const files = renderMesh(mesh).map((f) => (f.path === '_argocd/application_argocd_mesh1-external.yaml'
      ? { ...f, content: f.content.replace("argocd.argoproj.io/sync-wave: '0'", "argocd.argoproj.io/sync-wave: '1'") } : f));
    const { result } = run(mesh, files);
    // The config cluster's gateway needs the external istiod, whose Application would wait for the config cluster.
    expect(result.stuck).toEqual(expect.arrayContaining([expect.objectContaining({
      id: 'cluster1:Deployment/external-istiod/istio-eastwestgateway (wave 2 of mesh1-cluster1)',
      waitsFor: expect.arrayContaining(['external:istiod:external-istiod']),
    })]));
  });

  test('prerequisites installed elsewhere: preinstalled operators need no Application, and the CRDs are there from the start', () => {
    const mesh = meshOf({ ...DEFAULT_TOPOLOGY, argoCd: { ...DEFAULT_TOPOLOGY.argoCd!, prerequisites: { externalSecrets: { install: 'preinstalled' } } } });
    const files = renderMesh(mesh);
    expect(files.filter((f) => f.path.includes('external-secrets'))).toEqual([]);
    const { result } = run(mesh, files, { preinstalled: ['external-secrets.io'] });
    expect(result.violations).toEqual([]);
    expect(result.stuck).toEqual([]);
    // Without the operator and without saying so, the first ExternalSecret has no CRD.
    const none = run(mesh, files);
    expect(none.result.violations).toEqual(expect.arrayContaining([expect.stringMatching(/ExternalSecret\/istio-system\/cacerts .* applied before cluster1:crds:external-secrets.io exists/)]));
  });
});
