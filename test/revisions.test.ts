import * as fs from 'fs';
import { App } from 'cdk8s';
import { ControlPlane, IstioInstallMethod, Mesh, renderMesh } from '../src';
import { formatPlan, planChanges, TreeFile } from '../src/output/plan';
import { parseYamlDocuments, toYaml } from '../src/output/yaml';
import { RevisionedIstiodExposure } from '../src/revisions/revisioned-istiod-exposure';
import { expectRejected } from './support/hostile';
import { find, fixturePath, meshOf, objectsByCluster, outputTree, PROJECT_ROOT, withoutSyncWave } from './support/mesh';

const clusters = [
  { clusterName: 'cluster1', network: 'network1', apiServer: 'https://cluster1.k8s.example.com:6443' },
  { clusterName: 'cluster2', network: 'network2', apiServer: 'https://cluster2.k8s.example.com:6443' },
];
const base = { meshID: 'mesh1', secretStore: { name: 'mesh-secrets' }, clusters };
const canary = {
  ...base,
  revisions: [{ name: '1-29-6', version: '1.29.6' }, { name: '1-30-3' }],
  revisionTags: [{ name: 'prod-stable', revision: '1-29-6' }, { name: 'prod-canary', revision: '1-30-3' }],
};
const primaryRemote = {
  ...base,
  revisions: [{ name: '1-30-3' }],
  clusters: [{ ...clusters[0], eastWestGateway: { address: '192.0.2.10' } }, { ...clusters[1], primaryClusterName: 'cluster1' }],
};
const release = (mesh: Mesh, cluster: string, file: string) => mesh.cluster(cluster)!.installInputs.releases.find((r) => r.file === file);

describe('revisioned control planes', () => {
  test('expose-istiod-rev.yaml.tmpl rendered exactly, with the revision filled in', () => {
    const template = fs.readFileSync(fixturePath('istio', 'expose-istiod-rev.yaml.tmpl'), 'utf8');
    const expected = parseYamlDocuments(template.replace(/\{\{\.Revision\}\}/g, '1-30-3')) as any[];
    const mesh = meshOf(primaryRemote);
    const objects = objectsByCluster(mesh).cluster1;
    for (const doc of expected) {
      // The sample is applied with -n istio-system; it carries no namespace itself.
      expect(withoutSyncWave(find(objects, doc.kind, doc.metadata.name, 'istio-system'))).toEqual({ ...doc, metadata: { ...doc.metadata, namespace: 'istio-system' } });
    }
    // The unrevisioned istiod-vs (to a Service `istiod` that no longer exists) is not rendered.
    expect(objects.some((o) => o.kind === 'VirtualService' && o.metadata.name === 'istiod-vs')).toBe(false);
    // A second revision adds only its VirtualService (the Gateway is shared).
    const app = new App();
    const chart = new (require('cdk8s').Chart)(app, 'c');
    new RevisionedIstiodExposure(chart, 'a', { namespace: 'istio-system', revision: 'x1', withGateway: true });
    new RevisionedIstiodExposure(chart, 'b', { namespace: 'istio-system', revision: 'x2', withGateway: false });
    expect(chart.toJson().map((o: any) => `${o.kind}/${o.metadata.name}`)).toEqual(['Gateway/istiod-gateway', 'VirtualService/istiod-vs-x1', 'VirtualService/istiod-vs-x2']);
  });

  test('every primary gets an istiod release per revision with its tags and version; base names the stable revision', () => {
    const mesh = meshOf(canary);
    for (const c of ['cluster1', 'cluster2']) {
      const releases = mesh.cluster(c)!.installInputs.releases;
      expect(releases.map((r) => r.name)).toEqual(['istio-base', 'istiod-1-29-6', 'istiod-1-30-3']);
      expect(release(mesh, c, 'helm-values-istiod-1-29-6.yaml')).toMatchObject({ version: '1.29.6', values: { revision: '1-29-6', revisionTags: ['prod-stable'], global: { meshID: 'mesh1', multiCluster: { clusterName: c } } } });
      expect(release(mesh, c, 'helm-values-istiod-1-30-3.yaml')!.version).toBeUndefined();
      expect(release(mesh, c, 'helm-values-istiod-1-30-3.yaml')!.values).toMatchObject({ revision: '1-30-3', revisionTags: ['prod-canary'] });
      expect(release(mesh, c, 'helm-values-base.yaml')!.values.defaultRevision).toBe('1-29-6');
      const iops = mesh.cluster(c)!.installInputs.istioOperators.map((o) => o.manifest as any);
      expect(iops.map((o) => [o.metadata.name, o.spec.revision, o.spec.tag, o.spec.values.revisionTags])).toEqual([
        [`${c}-1-29-6`, '1-29-6', '1.29.6', ['prod-stable']], [`${c}-1-30-3`, '1-30-3', undefined, ['prod-canary']],
      ]);
    }
    const tree = outputTree(mesh);
    expect(tree['_install-inputs/cluster1/README.md']).toContain('helm upgrade --install istiod-1-29-6 istio/istiod --version 1.29.6');
  });

  test('namespaces carry istio.io/rev=<tag> and never istio-injection; gateway pods run on the chosen revision', () => {
    const objects = objectsByCluster(meshOf({ ...canary, gatewayRevision: 'prod-canary', clusters: clusters.map((c) => ({ ...c, verificationWorkloads: { helloworldVersion: 'v1' } })) }));
    for (const c of ['cluster1', 'cluster2']) {
      const labels = find(objects[c], 'Namespace', 'sample').metadata.labels;
      expect(labels).toEqual({ 'istio.io/rev': 'prod-stable' });
      expect(objects[c].filter((o) => o.kind === 'Namespace').some((o) => o.metadata.labels?.['istio-injection'])).toBe(false);
      expect(find(objects[c], 'Deployment', 'istio-eastwestgateway').spec.template.metadata.labels['istio.io/rev']).toBe('prod-canary');
    }
    // Without revisions nothing changes: the docs' label.
    expect(find(objectsByCluster(meshOf({ ...base, clusters: [{ ...clusters[0], verificationWorkloads: {} }, clusters[1]] })).cluster1, 'Namespace', 'sample').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
  });

  test('a revisioned remote: istiod-<rev> from the remote profile with the primary\'s address, the reader identity unrevisioned', () => {
    const mesh = meshOf(primaryRemote);
    expect(mesh.cluster('cluster2')!.installInputs.releases.map((r) => r.name)).toEqual(['istio-base', 'istiod-1-30-3']);
    expect(release(mesh, 'cluster2', 'helm-values-istiod-1-30-3.yaml')!.values).toMatchObject({
      profile: 'remote', revision: '1-30-3', global: { remotePilotAddress: '192.0.2.10' }, istiodRemote: { injectionPath: '/inject/cluster/cluster2/net/network2' },
    });
    expect(release(mesh, 'cluster2', 'helm-values-base.yaml')!.values.defaultRevision).toBeUndefined();
    // The reader identity the primary's istiod uses is part of the output and has no revision in its
    // name: remote secrets stay valid while revisions come and go.
    const names = (t: unknown) => objectsByCluster(meshOf(t)).cluster2.filter((o) => o.kind === 'ClusterRole').map((o) => o.metadata.name);
    expect(names(primaryRemote)).toEqual(['istio-reader-clusterrole-istio-system']);
    expect(names({ ...primaryRemote, revisions: [{ name: '1-31-0', version: '1.30.0' }] })).toEqual(names(primaryRemote));
  });

  test('a cluster-by-cluster canary: a cluster restricted to some revisions installs and exposes only those', () => {
    const mesh = meshOf({ ...primaryRemote, revisions: [{ name: '1-29-6', version: '1.29.6' }, { name: '1-30-3' }], workloadRevision: '1-29-6',
      clusters: [primaryRemote.clusters[0], { ...primaryRemote.clusters[1], revisions: ['1-29-6'] }] });
    expect(mesh.cluster('cluster1')!.installInputs.releases.map((r) => r.name)).toEqual(['istio-base', 'istiod-1-29-6', 'istiod-1-30-3']);
    expect(mesh.cluster('cluster2')!.installInputs.releases.map((r) => r.name)).toEqual(['istio-base', 'istiod-1-29-6']);
    const objects = objectsByCluster(mesh).cluster1;
    expect(objects.filter((o) => o.kind === 'VirtualService').map((o) => o.metadata.name)).toEqual(['istiod-vs-1-29-6', 'istiod-vs-1-30-3']);
  });

  test('Sail: one Istio per revision named after it, IstioRevisionTags pointing at them', () => {
    const objects = objectsByCluster(meshOf({ ...canary, argoCd: { repoURL: 'https://git.example.com/mesh.git', istioInstall: 'sailOperator' } }));
    const istios = objects.cluster1.filter((o) => o.kind === 'Istio');
    expect(istios.map((o) => [o.metadata.name, o.spec.version, o.spec.values.revision, o.spec.values.defaultRevision])).toEqual([
      ['1-29-6', 'v1.29.6', undefined, '1-29-6'], ['1-30-3', 'v1.30.3', undefined, '1-29-6'],
    ]);
    expect(objects.cluster1.filter((o) => o.kind === 'IstioRevisionTag').map((o) => [o.metadata.name, o.spec.targetRef])).toEqual([
      ['prod-canary', { kind: 'Istio', name: '1-30-3' }], ['prod-stable', { kind: 'Istio', name: '1-29-6' }],
    ]);
  });

  test('the TypeScript API and the file produce byte-identical output (the canary example)', () => {
    const file = parseYamlDocuments(fs.readFileSync(`${PROJECT_ROOT}/examples/multi-primary-canary-revisions.yaml`, 'utf8'))[0];
    const mesh = new Mesh(new App(), 'mesh', { meshId: 'mesh1', secretStore: { name: 'mesh-secrets' }, argoCd: { repoURL: 'https://git.example.com/platform/mesh1-gitops.git' } });
    const old = mesh.addRevision('1-29-6', { version: '1.29.6' });
    const next = mesh.addRevision('1-30-3', { version: '1.30.3' });
    mesh.addRevisionTag('prod-stable', old);
    mesh.addRevisionTag('prod-canary', next);
    mesh.revisions.workloadRevision = 'prod-stable';
    mesh.revisions.gatewayRevision = 'prod-stable';
    for (const [i, v] of [[1, 'v1'], [2, 'v2']] as const) {
      mesh.addCluster(`cluster${i}`, { network: mesh.addNetwork(`network${i}`), apiServer: `https://cluster${i}.k8s.example.com:6443` }).addVerificationWorkloads({ helloworldVersion: v });
    }
    mesh.build();
    expect(outputTree(mesh)).toEqual(outputTree(meshOf(file)));
  });

  test('the TypeScript API and the file produce byte-identical output (the revisioned primary-remote example)', () => {
    const file = parseYamlDocuments(fs.readFileSync(`${PROJECT_ROOT}/examples/primary-remote-revisioned.yaml`, 'utf8'))[0];
    const mesh = new Mesh(new App(), 'mesh', {
      meshId: 'mesh1', secretStore: { name: 'mesh-secrets' },
      argoCd: { repoURL: 'https://git.example.com/platform/mesh1-gitops.git', istioInstall: IstioInstallMethod.SAIL_OPERATOR },
    });
    mesh.addRevisionTag('prod-stable', mesh.addRevision('1-30-3', { version: '1.30.3' }));
    mesh.revisions.workloadRevision = 'prod-stable';
    mesh.revisions.gatewayRevision = 'prod-stable';
    const primary = mesh.addCluster('cluster1', { network: mesh.addNetwork('network1'), apiServer: 'https://cluster1.k8s.example.com:6443', eastWestGateway: { address: '192.0.2.10' } });
    primary.addVerificationWorkloads({ helloworldVersion: 'v1' });
    mesh.addCluster('cluster2', { network: mesh.addNetwork('network2'), apiServer: 'https://cluster2.k8s.example.com:6443', controlPlane: ControlPlane.remote(primary) })
      .addVerificationWorkloads({ helloworldVersion: 'v2' });
    mesh.build();
    expect(outputTree(mesh)).toEqual(outputTree(meshOf(file)));
  });

  test('the output README lists the revisions and the rollout steps in order, primaries before remotes', () => {
    const readme = outputTree(meshOf({ ...primaryRemote, revisions: [{ name: '1-29-6', version: '1.29.6' }, { name: '1-30-3' }], revisionTags: [{ name: 'prod-stable', revision: '1-29-6' }] }))['README.md'];
    expect(readme).toContain('| `1-29-6` | 1.29.6 | `prod-stable` | `cluster1`, `cluster2` |');
    expect(readme).toContain('Namespaces are labelled `istio.io/rev=prod-stable`');
    const steps = ['1. Add the new revision and install it on the primaries (`cluster1`), then the remotes (`cluster2`)', '3. Move the tag', '4. Restart the workloads', '5. Move the gateways', '6. Remove the old revision: remotes first'];
    const at = steps.map((step) => readme.indexOf(step));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(outputTree(meshOf(base))['README.md']).not.toContain('Control-plane revisions');
  });

  test('npm run plan shows each canary step per cluster: add revision, move tag, remove old revision', () => {
    const tree = (t: unknown): TreeFile[] => renderMesh(meshOf(t)).map((f) => ({ path: f.path, content: f.content }));
    const one = { ...base, revisions: [{ name: '1-29-6', version: '1.29.6' }], revisionTags: [{ name: 'prod-stable', revision: '1-29-6' }] };
    const moved = { ...canary, revisionTags: [{ name: 'prod-stable', revision: '1-30-3' }, { name: 'prod-canary', revision: '1-30-3' }] };
    const removed = { ...moved, revisions: [{ name: '1-30-3' }] };
    const steps = [one, canary, moved, removed].map(tree);
    const [add, move, remove] = [0, 1, 2].map((i) => formatPlan(planChanges(steps[i], steps[i + 1])));
    for (const c of ['cluster1', 'cluster2']) {
      expect(add).toContain(`+ ${c}/helm-values-istiod-1-30-3.yaml`);
      expect(add).not.toContain(`${c}/helm-values-istiod-1-29-6.yaml`);
      expect(move).toContain(`~ ${c}/helm-values-istiod-1-29-6.yaml`);
      expect(move).toContain(`~ ${c}/helm-values-istiod-1-30-3.yaml`);
      expect(move).toContain(`~ ${c}/helm-values-base.yaml`);
      expect(remove).toContain(`- ${c}/helm-values-istiod-1-29-6.yaml`);
      expect(remove).toContain(`- ${c}/istio-operator-1-29-6.yaml`);
    }
    // Moving a tag relabels no namespace: the namespace names the tag, not the revision.
    expect(move).not.toMatch(/namespace_/);
    expect(add).toMatch(/Plan: 4 to add/);
  });
});

describe('bad revision input is rejected, naming the field, the value and a fix', () => {
  const yaml = (extra: Record<string, unknown>) => toYaml({ ...base, ...extra });
  test('an invalid revision name (it becomes istiod-<rev>)', () => {
    expectRejected(yaml({ revisions: [{ name: '1.30.3' }] }), { field: 'revisions[0].name', contains: ['"1.30.3"', '1-30-3'] });
    expectRejected(yaml({ revisions: [{ name: 'default' }] }), { field: 'revisions[0].name', contains: ['reserved'] });
  });
  test('an invalid tag name', () => {
    expectRejected(yaml({ revisions: [{ name: 'r1' }], revisionTags: [{ name: 'Prod_Stable', revision: 'r1' }] }), { field: 'revisionTags[0].name', contains: ['"Prod_Stable"'] });
  });
  test('a tag pointing at an unknown revision, with a suggestion', () => {
    expectRejected(yaml({ revisions: [{ name: '1-30-3' }], revisionTags: [{ name: 'prod-stable', revision: '1-30-2' }] }), { field: 'revisionTags[0].revision', contains: ['"1-30-2"', '"1-30-3"'] });
  });
  test('two tags with one name', () => {
    expectRejected(yaml({ revisions: [{ name: 'a1' }, { name: 'b1' }], revisionTags: [{ name: 'prod', revision: 'a1' }, { name: 'prod', revision: 'b1' }] }), { field: 'revisionTags[1].name', contains: ['declared twice'] });
  });
  test('removing a revision a tag or the namespaces still use', () => {
    expectRejected(yaml({ revisions: [{ name: '1-30-3' }], revisionTags: [{ name: 'prod-stable', revision: '1-29-6' }] }), { field: 'revisionTags[0].revision', contains: ['moved before its revision is removed'] });
    expectRejected(yaml({ revisions: [{ name: '1-30-3' }], workloadRevision: '1-29-6' }), { field: 'workloadRevision', contains: ['"1-29-6"'] });
    expectRejected(yaml({ revisions: [{ name: '1-30-3' }], gatewayRevision: 'prod-old' }), { field: 'gatewayRevision', contains: ['"prod-old"'] });
  });
  test('a remote asking for a revision its primary does not run', () => {
    const twoRevs = { ...primaryRemote, revisions: [{ name: '1-29-6', version: '1.29.6' }, { name: '1-30-3' }], workloadRevision: '1-29-6' };
    expectRejected(yaml({ ...twoRevs, clusters: [{ ...twoRevs.clusters[0], revisions: ['1-29-6'] }, { ...twoRevs.clusters[1], revisions: ['1-29-6', '1-30-3'] }] }),
      { cluster: 'cluster2', field: 'revisions[1]', contains: ['"1-30-3"', 'primary "cluster1"', 'control planes before remotes'] });
    expectRejected(yaml({ ...twoRevs, clusters: [twoRevs.clusters[0], { ...twoRevs.clusters[1], revisions: ['1-30-4'] }] }), { cluster: 'cluster2', field: 'revisions[0]', contains: ['"1-30-4"', 'did you mean "1-30-3"?'] });
    // A cluster lacking the revision its namespaces use.
    expectRejected(yaml({ ...twoRevs, clusters: [{ ...twoRevs.clusters[0], revisions: ['1-30-3'] }, twoRevs.clusters[1]] }), { cluster: 'cluster1', field: 'revisions', contains: ['"1-29-6"', 'workloadRevision'] });
  });
  test('an unsupported Istio version', () => {
    expectRejected(yaml({ revisions: [{ name: 'r1', version: '1.31.0' }] }), { field: 'revisions[0].version', contains: ['"1.31.0"'] });
  });
  test('revisions with an external control plane', () => {
    const ext = parseYamlDocuments(fs.readFileSync(`${PROJECT_ROOT}/examples/external-control-plane.yaml`, 'utf8'))[0] as any;
    const host = ext.clusters.find((c: any) => c.configClusterName !== undefined && c.primaryClusterName === c.clusterName) ?? ext.clusters.find((c: any) => c.clusterName === 'external');
    expectRejected(toYaml({ ...ext, revisions: [{ name: '1-30-3' }] }), { cluster: host.clusterName, field: 'controlPlane', contains: ['external'] });
  });
});
