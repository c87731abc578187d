import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import * as jsyaml from 'js-yaml';
import { loadTopologyFile, Mesh, TrustSource } from '../src';
import { parseYamlDocuments } from '../src/output/yaml';
import { VM_PILOT_ENV } from '../src/vm/vm-install-values';
import { expectAccepted } from './support/hostile';
import { find, fixtureDocs, helmValues, istioOperatorOf, meshOf, objectsByCluster, outputTree, PROJECT_ROOT, problemsOf, withoutSyncWave } from './support/mesh';

const example = (name: string) => loadTopologyFile(new App(), 'mesh', path.join(PROJECT_ROOT, 'examples', name));
const exampleDoc = (name: string): any => jsyaml.load(fs.readFileSync(path.join(PROJECT_ROOT, 'examples', name), 'utf8'));
const kinds = (objects: any[]) => objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);

describe('the docs\' lab: one network, cluster ID "Kubernetes" (examples/vm-single-network.yaml)', () => {
  const mesh = example('vm-single-network.yaml');
  const objects = objectsByCluster(mesh).Kubernetes;

  test('the WorkloadGroup is the docs\' one (labels app, serviceAccount, network, probe) in networking.istio.io/v1', () => {
    expect(withoutSyncWave(find(objects, 'WorkloadGroup', 'hello-vm', 'vm-namespace'))).toEqual({
      apiVersion: 'networking.istio.io/v1', kind: 'WorkloadGroup', metadata: { name: 'hello-vm', namespace: 'vm-namespace' },
      spec: {
        metadata: { labels: { app: 'hello-vm' } },
        template: { serviceAccount: 'vm-sa', network: 'network1', ports: { http: 8080 } },
        probe: { periodSeconds: 5, initialDelaySeconds: 1, httpGet: { port: 8080, path: '/ready' } },
      },
    });
  });

  test('namespace, ServiceAccount and a Service selecting the VM app are in the cluster; no WorkloadEntry (autoregistration)', () => {
    expect(find(objects, 'Namespace', 'vm-namespace')).toBeDefined();
    expect(find(objects, 'ServiceAccount', 'vm-sa', 'vm-namespace')).toBeDefined();
    const svc = find(objects, 'Service', 'hello-vm', 'vm-namespace');
    expect(svc.spec.selector).toEqual({ app: 'hello-vm' });
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 8080 }]);
    expect(objects.filter((o) => o.kind === 'WorkloadEntry')).toEqual([]);
  });

  test('the only cluster gets the east-west gateway and istiod exposed on it (the docs\' --single-cluster gateway + expose-istiod.yaml), no expose-services', () => {
    expect(find(objects, 'Service', 'istio-eastwestgateway', 'istio-system').spec.loadBalancerIP).toBe('192.0.2.20');
    const [gw, vs] = fixtureDocs('istio', 'expose-istiod.yaml');
    expect(withoutSyncWave(find(objects, 'Gateway', 'istiod-gateway', 'istio-system')).spec).toEqual(gw.spec);
    expect(withoutSyncWave(find(objects, 'VirtualService', 'istiod-vs', 'istio-system')).spec).toEqual(vs.spec);
    expect(kinds(objects)).not.toContain('Gateway/istio-system/cross-network-gateway');
    expect(find(objects, 'Namespace', 'istio-system').metadata.labels).toBeUndefined();
  });

  test('istiod gets the VM env in the Helm values and the IstioOperator; the cluster ID is "Kubernetes"', () => {
    const c = mesh.cluster('Kubernetes')!;
    expect(helmValues(c).env).toEqual(VM_PILOT_ENV);
    expect(helmValues(c).global.multiCluster.clusterName).toBe('Kubernetes');
    expect(istioOperatorOf(c).spec.values.pilot.env).toEqual(VM_PILOT_ENV);
  });

  test('the bundle: cluster.env for cluster Kubernetes, hosts maps istiod to the gateway address, no secret file', () => {
    const tree = outputTree(example('vm-single-network.yaml'));
    const vm = Object.keys(tree).filter((p) => p.startsWith('_vm/')).sort();
    expect(vm).toEqual(['_vm/hello-vm/cluster.env', '_vm/hello-vm/finish-vm.sh', '_vm/hello-vm/hosts', '_vm/hello-vm/mesh.yaml']);
    expect(tree['_vm/hello-vm/hosts']).toBe('192.0.2.20 istiod.istio-system.svc\n');
    const env = tree['_vm/hello-vm/cluster.env'];
    for (const line of ["ISTIO_META_CLUSTER_ID='Kubernetes'", "SERVICE_ACCOUNT='vm-sa'", "ISTIO_NAMESPACE='vm-namespace'", "ISTIO_META_AUTO_REGISTER_GROUP='hello-vm'", "ISTIO_META_NETWORK='network1'"]) {
      expect(env.split('\n')).toContain(line);
    }
    const [meshYaml] = parseYamlDocuments(tree['_vm/hello-vm/mesh.yaml']) as any[];
    expect(meshYaml.defaultConfig.readinessProbe).toEqual({ initialDelaySeconds: 1, periodSeconds: 5, httpGet: { port: 8080, path: '/ready' } });
    expect(Object.values(tree).some((t) => /istio-token\s*[:=]|BEGIN CERTIFICATE|eyJ[A-Za-z0-9_-]{10,}\./.test(t))).toBe(false);
  });

  test('the finish script mints the token with audience istio-ca and writes only to the target directory with mode 0600', () => {
    const script = outputTree(example('vm-single-network.yaml'))['_vm/hello-vm/finish-vm.sh'];
    expect(script).toContain("SERVICE_ACCOUNT='vm-sa'\n");
    expect(script).toContain("VM_NAMESPACE='vm-namespace'\n");
    expect(script).toContain('create token "$SERVICE_ACCOUNT" \\\n  --audience istio-ca --duration "${TOKEN_SECONDS}s" > "$TARGET_DIR/istio-token"');
    expect(script).toContain('get configmap istio-ca-root-cert');
    expect(script).toContain('umask 077');
    expect(script).toMatch(/chmod 0600 -- "\$TARGET_DIR\/root-cert.pem" "\$TARGET_DIR\/istio-token"/);
    // Every write goes below $TARGET_DIR.
    for (const m of script.matchAll(/> "([^"]+)"/g)) expect(m[1].startsWith('$TARGET_DIR/')).toBe(true);
  });

  test('the README shows the VM group on its network and lists the VM steps in order', () => {
    const readme = outputTree(example('vm-single-network.yaml'))['README.md'];
    expect(readme).toMatch(/subgraph n0\["network network1"\][^]*vm0\[\/"<b>VM group hello-vm<\/b>[^]*end/);
    expect(readme).toContain('vm0 ==>|"istiod via east-west gateway"| c0');
    const steps = ['finish-vm.sh', 'install the sidecar package', '/etc/istio/config/mesh', 'systemctl start istio'].map((s) => readme.indexOf(s));
    expect(steps.every((i) => i > 0)).toBe(true);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
  });

  test('a pod calls the VM service through the application model (the file\'s calls: vm-hello-vm/hello-vm)', () => {
    const group = mesh.vmGroups.all[0];
    const helloworld = mesh.applications.all.find((a) => a.name === 'sample')!.workloads[0];
    expect(helloworld.called).toEqual([group.service]);
    expect(mesh.applications.factsOf(group.service!).callers).toEqual([helloworld]);
  });

  test('the VM calls a cluster service through the application model (helloworld is in the joining cluster)', () => {
    const group = mesh.vmGroups.all[0];
    expect(group.called.map((s) => s.host)).toEqual(['helloworld.sample.svc.cluster.local']);
    expect(mesh.applications.factsOf(group.called[0]).clusters.map((c) => c.name)).toEqual(['Kubernetes']);
  });
});

describe('VMs on their own network (examples/vm-multi-network.yaml)', () => {
  const mesh = example('vm-multi-network.yaml');
  const objects = objectsByCluster(mesh).cluster1;

  test('the mesh is multi-network: network label, gateway, expose-istiod and expose-services on cluster1', () => {
    expect(mesh.isMultiNetwork).toBe(true);
    expect(find(objects, 'Namespace', 'istio-system').metadata.labels).toEqual({ 'topology.istio.io/network': 'kube-network' });
    const [gw] = fixtureDocs('istio', 'expose-services.yaml');
    expect(withoutSyncWave(find(objects, 'Gateway', 'cross-network-gateway', 'istio-system')).spec).toEqual(gw.spec);
    expect(find(objects, 'Gateway', 'istiod-gateway', 'istio-system')).toBeDefined();
    expect(find(objects, 'Deployment', 'istio-eastwestgateway', 'istio-system')).toBeDefined();
  });

  test('one WorkloadEntry per fixed address, on the VM network, named as autoregistration would', () => {
    const entries = objects.filter((o) => o.kind === 'WorkloadEntry').map(withoutSyncWave);
    expect(entries.map((e) => e.metadata.name)).toEqual(['hello-vm-203.0.113.11', 'hello-vm-203.0.113.12']);
    expect(entries[0].spec).toEqual({ address: '203.0.113.11', labels: { app: 'hello-vm', version: 'v1' }, network: 'vm-network', serviceAccount: 'vm-sa', ports: { http: 8080 } });
    expect(find(objects, 'WorkloadGroup', 'hello-vm').spec.template.network).toBe('vm-network');
  });

  test('the bundle puts the VMs on vm-network and does not autoregister', () => {
    const env = outputTree(example('vm-multi-network.yaml'))['_vm/hello-vm/cluster.env'];
    expect(env).toContain("ISTIO_META_NETWORK='vm-network'\n");
    expect(env).not.toContain('ISTIO_META_AUTO_REGISTER_GROUP');
  });
});

/** The multi-network example declared through the TypeScript API. */
function multiNetworkByApi(): Mesh {
  const mesh = new Mesh(new App(), 'mesh', { meshId: 'mesh1', secretStore: { name: 'mesh-secrets' }, trust: TrustSource.externalSecrets() });
  const kube = mesh.addNetwork('kube-network');
  mesh.addCluster('cluster1', { network: kube, eastWestGateway: { address: '192.0.2.30' } });
  const vmNetwork = mesh.addNetwork('vm-network');
  mesh.addVmGroup('hello-vm', {
    namespace: 'vm-namespace', serviceAccount: 'vm-sa', network: vmNetwork, labels: { app: 'hello-vm', version: 'v1' },
    ports: { http: 8080 }, addresses: ['203.0.113.11', '203.0.113.12'],
  });
  return mesh;
}

describe('TypeScript API and topology file', () => {
  test('the API declaration and examples/vm-multi-network.yaml synthesize byte-identical output', () => {
    expect(outputTree(multiNetworkByApi())).toEqual(outputTree(example('vm-multi-network.yaml')));
  });

  test('a pod calls the VM service like any service of the mesh: its Service exists where the caller runs', () => {
    const mesh = new Mesh(new App(), 'mesh', { meshId: 'mesh1', secretStore: { name: 'mesh-secrets' } });
    const net = mesh.addNetwork('network1');
    const c1 = mesh.addCluster('cluster1', { network: net, apiServer: 'https://cluster1.example.com:6443' });
    const c2 = mesh.addCluster('cluster2', { network: net, apiServer: 'https://cluster2.example.com:6443' });
    const group = mesh.addVmGroup('mysqldb', { namespace: 'vm', ports: { 'tcp-mysql': 3306 }, addresses: ['10.0.0.12'] });
    const app = mesh.addApplication('bookinfo');
    const ratings = app.addWorkload('ratings', { image: 'docker.io/istio/examples-bookinfo-ratings-v2-mysql-vm:1.20.3', placement: { clusters: [c2] } });
    ratings.calls(group.service!);
    const objects = objectsByCluster(mesh);
    expect(mesh.vmGroups.joiningCluster(group)).toBe(c1);
    expect(find(objects.cluster1, 'Service', 'mysqldb', 'vm').spec.ports).toEqual([{ name: 'tcp-mysql', port: 3306 }]);
    expect(find(objects.cluster2, 'Service', 'mysqldb', 'vm')).toEqual(find(objects.cluster1, 'Service', 'mysqldb', 'vm'));
    expect(kinds(objects.cluster2)).not.toContain('WorkloadGroup/vm/mysqldb');
    expect(find(objects.cluster1, 'WorkloadEntry', 'mysqldb-10.0.0.12', 'vm').spec.address).toBe('10.0.0.12');
  });

  test('the Sail Istio resource carries the VM env too', () => {
    const doc = exampleDoc('vm-multi-network.yaml');
    doc.argoCd = { repoURL: 'https://git.example.com/mesh.git', targetRevision: 'main', istioInstall: 'sailOperator' };
    const objects = objectsByCluster(meshOf(doc)).cluster1;
    const sail = objects.find((o) => o.kind === 'Istio');
    expect(sail.spec.values.pilot.env).toEqual(VM_PILOT_ENV);
  });
});

describe('cluster names: Istio\'s default ID "Kubernetes"', () => {
  const twoClusters = (name: string) => ({
    meshID: 'mesh1', secretStore: { name: 's' },
    clusters: [
      { clusterName: name, network: 'n1', apiServer: 'https://a.example.com' },
      { clusterName: 'cluster2', network: 'n1', apiServer: 'https://b.example.com' },
    ],
  });
  test('is rejected with more than one cluster, explaining where it would need to be a DNS name', () => {
    const p = problemsOf(twoClusters('Kubernetes')).find((x) => x.field === 'clusterName')!;
    expect(p.cluster).toBe('Kubernetes');
    expect(p.message).toMatch(/single-cluster mesh without Argo CD/);
    expect(p.message).toMatch(/remote secrets/);
  });
  test('is rejected in a single-cluster mesh delivered by Argo CD (it would name an Application)', () => {
    const doc = exampleDoc('vm-single-network.yaml');
    doc.argoCd = { repoURL: 'https://git.example.com/mesh.git', targetRevision: 'main' };
    expect(problemsOf(doc).map((p) => p.field)).toContain('clusterName');
  });
  test('names that are not DNS labels but for case stay rejected even alone', () => {
    const doc = exampleDoc('vm-single-network.yaml');
    doc.clusters[0].clusterName = 'Kube_rnetes';
    doc.applications[0].workloads[0].placement.clusters = ['Kube_rnetes'];
    expect(problemsOf(doc).map((p) => p.field)).toContain('clusterName');
  });
});

describe('determinism', () => {
  test.each(['vm-single-network.yaml', 'vm-multi-network.yaml'])('%s re-synthesizes byte-identically through the synth app', (name) => {
    const text = fs.readFileSync(path.join(PROJECT_ROOT, 'examples', name), 'utf8');
    const first = expectAccepted(text);
    expect(Object.keys(first)).toContain('_vm/hello-vm/cluster.env');
    expect(expectAccepted(text)).toEqual(first);
  });
});
