import * as fs from 'fs';
import { App } from 'cdk8s';
import { IstioInstallMethod, Mesh, SailUpdateStrategy, sailRevisionName } from '../src';
import { parseYamlDocuments, toYaml } from '../src/output/yaml';
import { expectRejected } from './support/hostile';
import { find, meshOf, objectsByCluster, outputTree, PROJECT_ROOT } from './support/mesh';
import { expectValid, schemaKnown } from './support/schema-validator';

const argoCd = { repoURL: 'https://git.example.com/mesh.git', istioInstall: 'sailOperator' };
const clusters = [
  { clusterName: 'cluster1', network: 'network1', apiServer: 'https://cluster1.k8s.example.com:6443', verificationWorkloads: { helloworldVersion: 'v1' } },
  { clusterName: 'cluster2', network: 'network2', apiServer: 'https://cluster2.k8s.example.com:6443', verificationWorkloads: { helloworldVersion: 'v2' } },
];
/** A two-primary mesh in the middle of a RevisionBased canary: both revisions run, each with a tag. */
const canary = {
  meshID: 'mesh1', secretStore: { name: 'mesh-secrets' }, argoCd, clusters,
  sailUpdateStrategy: 'RevisionBased',
  revisions: [{ name: 'default-v1-29-6', version: '1.29.6' }, { name: 'default-v1-30-3' }],
  revisionTags: [{ name: 'prod-stable', revision: 'default-v1-29-6' }, { name: 'prod-canary', revision: 'default-v1-30-3' }],
};

describe('Sail RevisionBased: one Istio per cluster, tags on IstioRevisions', () => {
  test('Sail revision names follow <Istio name>-v<version, dots as dashes>', () => {
    expect(sailRevisionName('default', '1.30.3')).toBe('default-v1-30-3');
    expect(sailRevisionName('istio-cp', '1.29.10')).toBe('istio-cp-v1-29-10');
  });

  test('a canary mid-flight: one RevisionBased Istio at the newest version, tags targeting each IstioRevision, schema-valid', () => {
    const objects = objectsByCluster(meshOf(canary));
    expect(schemaKnown('sailoperator.io/v1', 'Istio') && schemaKnown('sailoperator.io/v1', 'IstioRevisionTag')).toBe(true);
    for (const c of ['cluster1', 'cluster2']) {
      const istios = objects[c].filter((o) => o.kind === 'Istio');
      expect(istios).toHaveLength(1);
      const istio = istios[0];
      expect(istio.metadata.name).toBe('default');
      expect(istio.spec).toMatchObject({
        version: 'v1.30.3', namespace: 'istio-system',
        updateStrategy: { type: 'RevisionBased', inactiveRevisionDeletionGracePeriodSeconds: 300, updateWorkloads: false },
      });
      // Sail sets `revision` itself (the IstioRevision's name); the base chart's defaultRevision names the
      // IstioRevision the workload tag resolves to, as in the Helm path.
      expect(istio.spec.values.revision).toBeUndefined();
      expect(istio.spec.values.revisionTags).toBeUndefined();
      expect(istio.spec.values.defaultRevision).toBe('default-v1-29-6');
      expect(istio.spec.values.global).toMatchObject({ meshID: 'mesh1', multiCluster: { clusterName: c }, network: c.replace('cluster', 'network') });
      const tags = objects[c].filter((o) => o.kind === 'IstioRevisionTag');
      expect(tags.map((o) => [o.metadata.name, o.spec.targetRef])).toEqual([
        ['prod-canary', { kind: 'IstioRevision', name: 'default-v1-30-3' }], ['prod-stable', { kind: 'IstioRevision', name: 'default-v1-29-6' }],
      ]);
      expectValid([...istios, ...tags]);
      expectValid(objects[c]);
      // Namespaces exactly as in the Helm path.
      expect(find(objects[c], 'Namespace', 'sample').metadata.labels).toEqual({ 'istio.io/rev': 'prod-stable' });
    }
  });

  test('equivalent to the Helm path: every tag lands on the revision Helm gives it, istiod-<rev> is Sail\'s', () => {
    const mesh = meshOf(canary);
    const objects = objectsByCluster(mesh);
    for (const c of ['cluster1', 'cluster2']) {
      const helm = mesh.cluster(c)!.installInputs.releases.filter((r) => r.chart === 'istiod');
      const helmTags = helm.flatMap((r) => (r.values.revisionTags as string[] ?? []).map((t) => [t, r.values.revision]));
      const sailTags = objects[c].filter((o) => o.kind === 'IstioRevisionTag').map((o) => [o.metadata.name, o.spec.targetRef.name]);
      expect(sailTags.sort()).toEqual(helmTags.sort());
      // Each Helm revision is the IstioRevision Sail creates for that version: same istiod-<rev> names.
      expect(helm.map((r) => r.values.revision)).toEqual(helm.map((r) => sailRevisionName('default', r.version ?? '1.30.3')));
    }
  });

  test('the Istio carries the newest version whatever the declaration order; a cluster held back carries its newest', () => {
    const reordered = { ...canary, revisions: [...canary.revisions].reverse() };
    expect(objectsByCluster(meshOf(reordered)).cluster1.find((o) => o.kind === 'Istio').spec.version).toBe('v1.30.3');
    const heldBack = objectsByCluster(meshOf({ ...canary, clusters: [clusters[0], { ...clusters[1], revisions: ['default-v1-29-6'] }] }));
    expect(heldBack.cluster2.find((o) => o.kind === 'Istio').spec.version).toBe('v1.29.6');
    expect(heldBack.cluster2.filter((o) => o.kind === 'IstioRevisionTag').map((o) => o.metadata.name)).toEqual(['prod-stable']);
    // Without the option: one InPlace Istio per revision (unchanged).
    const { sailUpdateStrategy: _, ...withoutOption } = canary;
    const inPlace = objectsByCluster(meshOf(withoutOption)).cluster1;
    expect(inPlace.filter((o) => o.kind === 'Istio').map((o) => [o.metadata.name, o.spec.updateStrategy.type])).toEqual([
      ['default-v1-29-6', 'InPlace'], ['default-v1-30-3', 'InPlace'],
    ]);
  });

  test('the output README says how the steps run with Sail RevisionBased', () => {
    const readme = outputTree(meshOf(canary))['README.md'];
    expect(readme).toContain('Sail `updateStrategy: RevisionBased`: each cluster has one `Istio` carrying the newest revision\'s version');
    expect(readme).toContain('Sail removes it after 300 s');
    expect(readme.indexOf('6. Remove the old revision')).toBeLessThan(readme.indexOf('Sail `updateStrategy: RevisionBased`'));
    const { sailUpdateStrategy: _, ...withoutOption } = canary;
    expect(outputTree(meshOf(withoutOption))['README.md']).not.toContain('RevisionBased');
  });

  test('a revisioned remote gets one RevisionBased Istio with the remote profile', () => {
    const pr = {
      ...canary, revisions: [{ name: 'default-v1-30-3' }], revisionTags: [{ name: 'prod-stable', revision: 'default-v1-30-3' }],
      clusters: [{ ...clusters[0], eastWestGateway: { address: '192.0.2.10' } }, { ...clusters[1], primaryClusterName: 'cluster1' }],
    };
    const objects = objectsByCluster(meshOf(pr));
    const remote = objects.cluster2.filter((o) => o.kind === 'Istio');
    expect(remote.map((o) => [o.metadata.name, o.spec.profile, o.spec.updateStrategy.type])).toEqual([['default', 'remote', 'RevisionBased']]);
    // The primary exposes the istiod Sail runs for the revision.
    expect(objects.cluster1.some((o) => o.kind === 'VirtualService' && o.metadata.name === 'istiod-vs-default-v1-30-3')).toBe(true);
    expectValid(objects.cluster2);
  });

  test('the TypeScript API and the file produce byte-identical output (the example)', () => {
    const file = parseYamlDocuments(fs.readFileSync(`${PROJECT_ROOT}/examples/multi-primary-sail-revision-based.yaml`, 'utf8'))[0] as any;
    const mesh = new Mesh(new App(), 'mesh', { meshId: 'mesh1', secretStore: { name: 'mesh-secrets' }, argoCd: { repoURL: file.argoCd.repoURL, istioInstall: IstioInstallMethod.SAIL_OPERATOR } });
    const old = mesh.addRevision('default-v1-29-6', { version: '1.29.6' });
    const next = mesh.addRevision('default-v1-30-3');
    mesh.addRevisionTag('prod-stable', old);
    mesh.addRevisionTag('prod-canary', next);
    mesh.revisions.sailUpdateStrategy = SailUpdateStrategy.REVISION_BASED;
    mesh.revisions.workloadRevision = 'prod-stable';
    mesh.revisions.gatewayRevision = 'prod-stable';
    for (const [i, v] of [[1, 'v1'], [2, 'v2']] as const) {
      mesh.addCluster(`cluster${i}`, { network: mesh.addNetwork(`network${i}`), apiServer: `https://cluster${i}.k8s.example.com:6443` }).addVerificationWorkloads({ helloworldVersion: v });
    }
    mesh.build();
    const tree = outputTree(mesh);
    expect(tree).toEqual(outputTree(meshOf(file)));
    // The file's defaults (workloadRevision, gatewayRevision) are the inline canary's: same output.
    expect(tree).toEqual(outputTree(meshOf({ ...canary, argoCd: file.argoCd })));
  });
});

describe('bad RevisionBased input is rejected, naming the field, the value and a fix', () => {
  test('a revision not named as Sail names it, with the expected name as the fix', () => {
    expectRejected(toYaml({ ...canary, revisions: [{ name: '1-29-6', version: '1.29.6' }, { name: 'default-v1-30-3' }], revisionTags: [] }),
      { field: 'revisions[0].name', contains: ['"1-29-6"', 'rename the revision "default-v1-29-6"'] });
    // A name that matches another version is still wrong.
    expectRejected(toYaml({ ...canary, revisions: [{ name: 'default-v1-30-3', version: '1.30.2' }], revisionTags: [] }),
      { field: 'revisions[0].name', contains: ['"default-v1-30-3"', '"default-v1-30-2"'] });
  });
  test('the option without the Sail Operator output, or without revisions', () => {
    expectRejected(toYaml({ ...canary, argoCd: { repoURL: argoCd.repoURL } }), { field: 'sailUpdateStrategy', contains: ['"RevisionBased"', 'argoCd.istioInstall: sailOperator'] });
    const { argoCd: _, ...withoutArgo } = canary;
    expectRejected(toYaml(withoutArgo), { field: 'sailUpdateStrategy', contains: ['Sail Operator output only'] });
    expectRejected(toYaml({ ...canary, revisions: undefined, revisionTags: undefined }), { field: 'sailUpdateStrategy', contains: ['needs declared revisions', 'default-v1-30-3'] });
  });
});
