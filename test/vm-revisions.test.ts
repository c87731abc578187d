import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import * as jsyaml from 'js-yaml';
import { ControlPlane, loadTopologyFile, Mesh } from '../src';
import { formatPlan, planChanges } from '../src/output/plan';
import { parseYamlDocuments, toYaml } from '../src/output/yaml';
import { expectAccepted, expectRejected } from './support/hostile';
import { find, fixturePath, meshOf, objectsByCluster, outputTree, PROJECT_ROOT, problemsOf, withoutSyncWave } from './support/mesh';

/**
 * VM groups in meshes with control-plane revisions (examples/vm-revisioned.yaml): the VMs' files name the
 * revision's istiod as `istioctl x workload entry configure --revision <rev>` writes them, the joining
 * primary exposes that revision's istiod (expose-istiod-rev.yaml.tmpl) exactly once, and names that resolve
 * to no installed revision are rejected.
 */
const EXAMPLE = path.join(PROJECT_ROOT, 'examples', 'vm-revisioned.yaml');
const exampleDoc = (): any => jsyaml.load(fs.readFileSync(EXAMPLE, 'utf8'));
const example = () => loadTopologyFile(new App(), 'mesh', EXAMPLE);
const named = (objects: any[], kind: string, name: string) => objects.filter((o) => o.kind === kind && o.metadata.name === name);
/** expose-istiod-rev.yaml.tmpl (istio/istio@1.30.3) rendered as the docs do: sed 's/{{.Revision}}/<rev>/g', applied -n istio-system. */
const exposeRev = (rev: string): any[] => (parseYamlDocuments(fs.readFileSync(fixturePath('istio', 'expose-istiod-rev.yaml.tmpl'), 'utf8').replace(/\{\{\.Revision\}\}/g, rev)) as any[])
  .map((d) => ({ ...d, metadata: { ...d.metadata, namespace: 'istio-system' } }));

/** One primary on its network, VMs on their own, the given revisions (no remotes). */
function vmOnly(revisions: unknown[], group: Record<string, unknown>, extra: Record<string, unknown> = {}): any {
  return {
    meshID: 'mesh1', secretStore: { name: 'mesh-secrets' }, revisions,
    clusters: [{ clusterName: 'cluster1', network: 'network1', eastWestGateway: { address: '192.0.2.10' } }],
    vmNetworks: ['vm-network'],
    vmGroups: [{ name: 'hello-vm', namespace: 'vm-namespace', serviceAccount: 'vm-sa', network: 'vm-network', ports: { http: 8080 }, ...group }],
    ...extra,
  };
}

describe('the bootstrap files are what istioctl writes with --revision', () => {
  const tree = outputTree(example());

  // Expected text written from istio/istio@1.30.3 istioctl/pkg/workload/workload.go, not from our output:
  // createClusterEnv adds CA_ADDR=IstiodAddr(ns, rev) when isRevisioned(rev); createMeshConfig reads ConfigMap
  // istio-<rev>, whose discoveryAddress the istiod chart renders as istiod-<rev>.<ns>.svc:15012 (configmap.yaml);
  // createHosts maps IstiodHost(ns, rev) to the ingress IP. Keys sorted as in cluster.env.golden/mesh.yaml.golden.
  test('canary-vm (revision: prod-canary, a tag) names istiod-1-30-3: cluster.env, mesh.yaml, hosts', () => {
    expect(tree['_vm/canary-vm/cluster.env']).toBe([
      'CANONICAL_REVISION=\'latest\'',
      'CANONICAL_SERVICE=\'canary-vm\'',
      'CA_ADDR=\'istiod-1-30-3.istio-system.svc:15012\'',
      'ISTIO_INBOUND_PORTS=\'8080\'',
      'ISTIO_LOCAL_EXCLUDE_PORTS=\'22,15090,15021,15020\'',
      'ISTIO_METAJSON_LABELS=\'{"app":"canary-vm","service.istio.io/canonical-name":"canary-vm","service.istio.io/canonical-revision":"latest"}\'',
      'ISTIO_META_CLUSTER_ID=\'cluster1\'',
      'ISTIO_META_DNS_CAPTURE=\'true\'',
      'ISTIO_META_MESH_ID=\'mesh1\'',
      'ISTIO_META_NETWORK=\'vm-network\'',
      'ISTIO_META_POD_PORTS=\'[{"name":"http","containerPort":8080,"protocol":""}]\'',
      'ISTIO_META_WORKLOAD_NAME=\'canary-vm\'',
      'ISTIO_NAMESPACE=\'vm-canary\'',
      'ISTIO_SERVICE=\'canary-vm.vm-canary\'',
      'ISTIO_SERVICE_CIDR=\'*\'',
      'POD_NAMESPACE=\'vm-canary\'',
      'SERVICE_ACCOUNT=\'vm-sa\'',
      'TRUST_DOMAIN=\'cluster.local\'',
      '',
    ].join('\n'));
    expect(tree['_vm/canary-vm/mesh.yaml']).toBe([
      'defaultConfig:',
      '  discoveryAddress: istiod-1-30-3.istio-system.svc:15012',
      '  meshId: mesh1',
      '  proxyMetadata:',
      '    CANONICAL_REVISION: latest',
      '    CANONICAL_SERVICE: canary-vm',
      '    ISTIO_META_CLUSTER_ID: cluster1',
      '    ISTIO_META_DNS_CAPTURE: "true"',
      '    ISTIO_META_MESH_ID: mesh1',
      '    ISTIO_META_NETWORK: vm-network',
      '    ISTIO_META_POD_PORTS: \'[{"name":"http","containerPort":8080,"protocol":""}]\'',
      '    ISTIO_META_WORKLOAD_NAME: canary-vm',
      '    ISTIO_METAJSON_LABELS: \'{"app":"canary-vm","service.istio.io/canonical-name":"canary-vm","service.istio.io/canonical-revision":"latest"}\'',
      '    POD_NAMESPACE: vm-canary',
      '    SERVICE_ACCOUNT: vm-sa',
      '    TRUST_DOMAIN: cluster.local',
      '',
    ].join('\n'));
    expect(tree['_vm/canary-vm/hosts']).toBe('192.0.2.10 istiod-1-30-3.istio-system.svc\n');
    expect(tree['_vm/canary-vm/finish-vm.sh']).toContain('\nISTIOD_HOST=\'istiod-1-30-3.istio-system.svc\'\n');
  });

  test('against the same group unrevisioned, --revision changes exactly what the golden run shows: CA_ADDR added, discoveryAddress and hosts', () => {
    const doc = exampleDoc();
    const { revisions: _r, revisionTags: _t, workloadRevision: _w, ...unrevisioned } = doc;
    const plain = outputTree(meshOf({ ...unrevisioned, vmGroups: doc.vmGroups.map(({ revision: _g, ...g }: any) => g) }));
    const lines = (t: string) => t.split('\n');
    const removed = (a: string, b: string) => lines(a).filter((l) => !lines(b).includes(l));
    // stable-vm has no revision of its own: it follows the namespaces' prod-stable, i.e. 1-29-6.
    expect(removed(tree['_vm/stable-vm/cluster.env'], plain['_vm/stable-vm/cluster.env'])).toEqual(['CA_ADDR=\'istiod-1-29-6.istio-system.svc:15012\'']);
    expect(removed(plain['_vm/stable-vm/cluster.env'], tree['_vm/stable-vm/cluster.env'])).toEqual([]);
    expect(removed(tree['_vm/stable-vm/mesh.yaml'], plain['_vm/stable-vm/mesh.yaml'])).toEqual(['  discoveryAddress: istiod-1-29-6.istio-system.svc:15012']);
    expect(removed(plain['_vm/stable-vm/mesh.yaml'], tree['_vm/stable-vm/mesh.yaml'])).toEqual(['  discoveryAddress: istiod.istio-system.svc:15012']);
    expect([plain['_vm/stable-vm/hosts'], tree['_vm/stable-vm/hosts']]).toEqual(['192.0.2.10 istiod.istio-system.svc\n', '192.0.2.10 istiod-1-29-6.istio-system.svc\n']);
    // Autoregistration (stable-vm has no addresses) is untouched by the revision.
    expect(tree['_vm/stable-vm/cluster.env']).toContain('ISTIO_META_AUTO_REGISTER_GROUP=\'stable-vm\'\n');
  });

  test('a tag and the revision it points at give byte-identical bundles (tags resolve at synth time)', () => {
    const doc = exampleDoc();
    const byRevision = outputTree(meshOf({ ...doc, vmGroups: [{ ...doc.vmGroups[0], revision: '1-30-3' }, doc.vmGroups[1]] }));
    for (const f of ['cluster.env', 'mesh.yaml', 'hosts', 'finish-vm.sh']) expect(byRevision[`_vm/canary-vm/${f}`]).toBe(tree[`_vm/canary-vm/${f}`]);
  });

  test('moving the namespaces\' tag re-makes the files of the groups that follow it, and only theirs', () => {
    const doc = exampleDoc();
    const moved = { ...doc, revisionTags: [{ name: 'prod-stable', revision: '1-30-3' }, { name: 'prod-canary', revision: '1-30-3' }] };
    const files = (t: Record<string, string>) => Object.entries(t).map(([p, content]) => ({ path: p, content }));
    const plan = formatPlan(planChanges(files(tree), files(outputTree(meshOf(moved)))));
    expect(plan).toContain('_vm: 0 to add, 4 to change, 0 to remove');
    for (const f of ['cluster.env', 'mesh.yaml', 'hosts', 'finish-vm.sh']) expect(plan).toContain(`~ stable-vm/${f}`);
    expect(plan).not.toContain('canary-vm/');
    expect(outputTree(meshOf(moved))['_vm/stable-vm/hosts']).toBe('192.0.2.10 istiod-1-30-3.istio-system.svc\n');
  });

  test('the output README names the revision, the tag it came from and the istioctl --revision command', () => {
    const readme = tree['README.md'];
    expect(readme).toContain('Revision `1-30-3` (Istio 1.30.3), resolved from tag `prod-canary` when this was synthesized');
    expect(readme).toContain('`istioctl x workload entry configure -f workloadgroup.yaml --clusterID cluster1 --revision 1-30-3`');
    expect(readme).toContain('`istioctl x workload entry configure -f workloadgroup.yaml --clusterID cluster1 --revision 1-29-6 --autoregister`');
    expect(readme).toContain('Moving a tag does not move VMs already configured');
    expect(readme).toContain('`.rpm` of Istio 1.29.6, the revision\'s version');
    expect(readme).toContain('Synth refuses while a tag, workloadRevision, gatewayRevision or a VM group still uses it.');
    // An unrevisioned VM mesh keeps its README steps.
    const plainReadme = outputTree(loadTopologyFile(new App(), 'mesh', path.join(PROJECT_ROOT, 'examples', 'vm-multi-network.yaml')))['README.md'];
    expect(plainReadme).toContain('`.rpm` of the same Istio version).');
    expect(plainReadme).not.toContain('--revision');
  });
});

describe('the joining primary exposes the VMs\' revision on its east-west gateway, once', () => {
  test('primary with a remote and VMs: each revision\'s istiod-vs and the shared istiod-gateway exactly once, as the template renders them', () => {
    const objects = objectsByCluster(example()).cluster1;
    expect(named(objects, 'Gateway', 'istiod-gateway')).toHaveLength(1);
    for (const rev of ['1-29-6', '1-30-3']) {
      expect(named(objects, 'VirtualService', `istiod-vs-${rev}`)).toHaveLength(1);
      for (const doc of exposeRev(rev)) expect(withoutSyncWave(find(objects, doc.kind, doc.metadata.name, 'istio-system'))).toEqual(doc);
    }
    expect(named(objects, 'VirtualService', 'istiod-vs')).toEqual([]);
    expect(objects.filter((o) => o.kind === 'VirtualService' && o.metadata.name.startsWith('istiod-vs'))).toHaveLength(2);
  });

  test('a primary joined only by VMs exposes the revision they join, not the others (before: nothing at all)', () => {
    const revisions = [{ name: '1-29-6', version: '1.29.6' }, { name: '1-30-3' }];
    const objects = objectsByCluster(meshOf(vmOnly(revisions, { revision: '1-30-3' }))).cluster1;
    expect(named(objects, 'Gateway', 'istiod-gateway')).toHaveLength(1);
    expect(objects.filter((o) => o.kind === 'VirtualService' && o.metadata.name.startsWith('istiod-vs')).map((o) => o.metadata.name)).toEqual(['istiod-vs-1-30-3']);
    for (const doc of exposeRev('1-30-3')) expect(withoutSyncWave(find(objects, doc.kind, doc.metadata.name, 'istio-system'))).toEqual(doc);
  });

  test('two VM groups on two revisions of one primary: both VirtualServices, one Gateway', () => {
    const doc = vmOnly([{ name: '1-29-6', version: '1.29.6' }, { name: '1-30-3' }], { revision: '1-30-3' });
    doc.vmGroups.push({ name: 'old-vm', namespace: 'vm-old', network: 'vm-network', revision: '1-29-6' });
    const objects = objectsByCluster(meshOf(doc)).cluster1;
    expect(named(objects, 'Gateway', 'istiod-gateway')).toHaveLength(1);
    expect(objects.filter((o) => o.kind === 'VirtualService' && o.metadata.name.startsWith('istiod-vs')).map((o) => o.metadata.name).sort()).toEqual(['istiod-vs-1-29-6', 'istiod-vs-1-30-3']);
  });

  test('default revision: a group without revision joins what the namespaces use (workloadRevision, through its tag)', () => {
    const revisions = [{ name: '1-29-6', version: '1.29.6' }, { name: '1-30-3' }];
    const mesh = meshOf(vmOnly(revisions, {}, { revisionTags: [{ name: 'prod-stable', revision: '1-29-6' }] }));
    expect(mesh.vmGroups.revisionOf(mesh.vmGroups.all[0])?.name).toBe('1-29-6');
    expect(outputTree(mesh)['_vm/hello-vm/hosts']).toBe('192.0.2.10 istiod-1-29-6.istio-system.svc\n');
    // Without tags, the namespaces use the last revision declared.
    const last = meshOf(vmOnly(revisions, {}));
    expect(last.vmGroups.revisionOf(last.vmGroups.all[0])?.name).toBe('1-30-3');
    expect(objectsByCluster(last).cluster1.filter((o) => o.kind === 'VirtualService').map((o) => o.metadata.name)).toEqual(['istiod-vs-1-30-3']);
  });

  test('unrevisioned mesh: no revision, istiod.istio-system.svc and the unrevisioned expose-istiod as before', () => {
    const mesh = loadTopologyFile(new App(), 'mesh', path.join(PROJECT_ROOT, 'examples', 'vm-multi-network.yaml'));
    expect(mesh.vmGroups.revisionOf(mesh.vmGroups.all[0])).toBeUndefined();
    const tree = outputTree(mesh);
    expect(tree['_vm/hello-vm/cluster.env']).not.toContain('CA_ADDR');
    expect(tree['_vm/hello-vm/mesh.yaml']).toContain('  discoveryAddress: istiod.istio-system.svc:15012\n');
    const objects = objectsByCluster(mesh).cluster1;
    expect(objects.filter((o) => o.kind === 'VirtualService').map((o) => o.metadata.name)).toEqual(['istiod-vs']);
  });

  test('Sail RevisionBased: the VMs\' files name the IstioRevision\'s istiod (<Istio>-v<version>)', () => {
    const doc = vmOnly([{ name: 'default-v1-29-6', version: '1.29.6' }, { name: 'default-v1-30-3', version: '1.30.3' }], { revision: 'prod-stable' }, {
      argoCd: { repoURL: 'https://git.example.com/mesh.git', istioInstall: 'sailOperator' }, sailUpdateStrategy: 'RevisionBased',
      revisionTags: [{ name: 'prod-stable', revision: 'default-v1-29-6' }],
    });
    const tree = outputTree(meshOf(doc));
    expect(tree['_vm/hello-vm/hosts']).toBe('192.0.2.10 istiod-default-v1-29-6.istio-system.svc\n');
    expect(tree['_vm/hello-vm/cluster.env']).toContain('CA_ADDR=\'istiod-default-v1-29-6.istio-system.svc:15012\'\n');
    expect(objectsByCluster(meshOf(doc)).cluster1.filter((o) => o.kind === 'VirtualService').map((o) => o.metadata.name)).toEqual(['istiod-vs-default-v1-29-6']);
  });
});

describe('TypeScript API and topology file', () => {
  test('the API declaration and examples/vm-revisioned.yaml synthesize byte-identical output', () => {
    const mesh = new Mesh(new App(), 'mesh', { meshId: 'mesh1', secretStore: { name: 'mesh-secrets' } });
    const old = mesh.addRevision('1-29-6', { version: '1.29.6' });
    const next = mesh.addRevision('1-30-3', { version: '1.30.3' });
    mesh.addRevisionTag('prod-stable', old);
    mesh.addRevisionTag('prod-canary', next);
    mesh.revisions.workloadRevision = 'prod-stable';
    const c1 = mesh.addCluster('cluster1', { network: mesh.addNetwork('network1'), apiServer: 'https://cluster1.k8s.example.com:6443', eastWestGateway: { address: '192.0.2.10' } });
    mesh.addCluster('cluster2', { network: mesh.addNetwork('network2'), apiServer: 'https://cluster2.k8s.example.com:6443', controlPlane: ControlPlane.remote(c1) });
    const vms = mesh.addNetwork('vm-network');
    mesh.addVmGroup('canary-vm', { namespace: 'vm-canary', serviceAccount: 'vm-sa', network: vms, revision: 'prod-canary', ports: { http: 8080 }, addresses: ['203.0.113.21'] });
    mesh.addVmGroup('stable-vm', { namespace: 'vm-stable', serviceAccount: 'vm-sa', network: vms, ports: { http: 8080 } });
    mesh.build();
    expect(outputTree(mesh)).toEqual(outputTree(example()));
  });
});

describe('rejected revisions of VM groups: nothing written, the field, the value and a fix', () => {
  const doc = exampleDoc();
  const withGroup = (t: any, g: Record<string, unknown>) => toYaml({ ...t, vmGroups: [{ ...t.vmGroups[0], ...g }, t.vmGroups[1]] });

  test('the example is accepted (each case below fails for its own reason)', () => {
    expect(Object.keys(expectAccepted(toYaml(doc)))).toContain('_vm/canary-vm/cluster.env');
  });

  test('an unknown revision or tag: the known ones listed, with a did-you-mean', () => {
    const err = expectRejected(withGroup(doc, { revision: '1-30-4' }), { field: 'vmGroups.canary-vm.revision', contains: ['"1-30-4"', 'names no revision or revision tag', 'did you mean "1-30-3"?', '"prod-stable", "prod-canary", "1-29-6", "1-30-3"'] });
    expect(err).toContain('move the VM group first');
    expectRejected(withGroup(doc, { revision: 'prod-canry' }), { field: 'vmGroups.canary-vm.revision', contains: ['did you mean "prod-canary"?'] });
  });

  // The revision lands in file contents (cluster.env, mesh.yaml, hosts) only once it names a declared revision.
  test.each(['a\nb', '../x', 'yes', '0X1F', '{{ .Revision }}'])('a hostile revision %j names no revision: refused, nothing written', (revision) => {
    expectRejected(withGroup(doc, { revision }), { field: 'vmGroups.canary-vm.revision', contains: [JSON.stringify(revision), 'names no revision or revision tag'] });
  });

  test('a revision in a mesh without revisions', () => {
    const { revisions: _r, ...unrevisioned } = vmOnly([], { revision: '1-30-3' });
    expectRejected(toYaml(unrevisioned), { field: 'vmGroups.hello-vm.revision', contains: ['"1-30-3"', 'declares none'] });
  });

  test('a revision the joining cluster does not install (per-cluster revisions)', () => {
    const t = { ...doc, clusters: doc.clusters.map((c: any) => ({ ...c, revisions: ['1-29-6'] })) };
    expectRejected(withGroup(t, {}), { field: 'vmGroups.canary-vm.revision', contains: ['"prod-canary"', 'resolves to revision "1-30-3" (through tag "prod-canary")', 'cluster "cluster1"', 'add "1-30-3" to the revisions of cluster "cluster1"'] });
    // The defaulted revision is the namespaces': MeshRevisions reports the cluster lacking it.
    const noneForNamespaces = { ...doc, clusters: doc.clusters.map((c: any) => ({ ...c, revisions: ['1-30-3'] })) };
    expectRejected(toYaml(noneForNamespaces), { cluster: 'cluster1', field: 'revisions', contains: ['"1-29-6"', 'workloadRevision'] });
  });

  test('canary step 3 (remove the old revision) fails while a VM group still runs on it; moving the VM group first lets it through', () => {
    const pinned = { ...doc, vmGroups: [{ ...doc.vmGroups[0], revision: '1-29-6' }, doc.vmGroups[1]] };
    const moved = { ...pinned, revisionTags: [{ name: 'prod-stable', revision: '1-30-3' }, { name: 'prod-canary', revision: '1-30-3' }] };
    const removed = { ...moved, revisions: [{ name: '1-30-3', version: '1.30.3' }] };
    expect(Object.keys(expectAccepted(toYaml(moved)))).toContain('_vm/canary-vm/hosts');
    expectRejected(toYaml(removed), { field: 'vmGroups.canary-vm.revision', contains: ['"1-29-6"', 'a revision is removed only after the VM groups on it moved', 'move the VM group first (revision: "prod-stable")'] });
    const vmMovedFirst = { ...removed, vmGroups: [{ ...pinned.vmGroups[0], revision: 'prod-stable' }, pinned.vmGroups[1]] };
    expect(expectAccepted(toYaml(vmMovedFirst))['_vm/canary-vm/hosts']).toBe('192.0.2.10 istiod-1-30-3.istio-system.svc\n');
  });

  test('Sail RevisionBased: an older revision no tag keeps alive (Sail would delete the VMs\' istiod)', () => {
    const sail = (group: Record<string, unknown>, tags: unknown[]) => vmOnly([{ name: 'default-v1-29-6', version: '1.29.6' }, { name: 'default-v1-30-3', version: '1.30.3' }], group, {
      argoCd: { repoURL: 'https://git.example.com/mesh.git', istioInstall: 'sailOperator' }, sailUpdateStrategy: 'RevisionBased', revisionTags: tags,
    });
    const tags = [{ name: 'prod-stable', revision: 'default-v1-30-3' }];
    expectRejected(toYaml(sail({ revision: 'default-v1-29-6' }, tags)), { field: 'vmGroups.hello-vm.revision', contains: ['"default-v1-29-6"', 'VMs do not count', 'point a revision tag at "default-v1-29-6"'] });
    // Kept alive by a tag, or the active (newest) revision: accepted.
    expect(meshOf(sail({ revision: 'default-v1-29-6' }, [...tags, { name: 'vm-stable', revision: 'default-v1-29-6' }])).validate()).toEqual([]);
    expect(meshOf(sail({ revision: 'default-v1-30-3' }, tags)).validate()).toEqual([]);
    // InPlace keeps every declared revision alive: no such problem there (revision names are then free).
    const inPlace = vmOnly([{ name: '1-29-6', version: '1.29.6' }, { name: '1-30-3' }], { revision: '1-29-6' }, {
      argoCd: { repoURL: 'https://git.example.com/mesh.git', istioInstall: 'sailOperator' }, revisionTags: [{ name: 'prod-stable', revision: '1-30-3' }],
    });
    expect(meshOf(inPlace).validate()).toEqual([]);
  });

  test('through the TypeScript API, a revision that is not a string is a problem, not a crash', () => {
    const mesh = new Mesh(new App(), 'mesh', { meshId: 'mesh1' });
    mesh.addRevision('1-30-3');
    mesh.addCluster('cluster1', { network: mesh.addNetwork('network1'), eastWestGateway: { address: '192.0.2.10' } });
    mesh.addVmGroup('hello-vm', { namespace: 'vm', revision: 1030 as unknown as string });
    expect(mesh.validate().filter((p) => p.field === 'vmGroups.hello-vm.revision').map((p) => [p.value, p.allowed])).toEqual([[1030, '"1-30-3"']]);
  });

  test('all problems at once: an unknown name in one group and an uninstalled revision in another', () => {
    const t = { ...doc, clusters: doc.clusters.map((c: any) => ({ ...c, revisions: ['1-29-6'] })) };
    const problems = problemsOf({ ...t, vmGroups: [{ ...t.vmGroups[0], revision: 'nope' }, { ...t.vmGroups[1], revision: 'prod-canary' }] });
    expect(problems.map((p) => p.field)).toEqual(['vmGroups.canary-vm.revision', 'vmGroups.stable-vm.revision']);
  });
});
