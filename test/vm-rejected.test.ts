import * as fs from 'fs';
import * as path from 'path';
import * as jsyaml from 'js-yaml';
import { expectAccepted, expectRejected } from './support/hostile';
import { PROJECT_ROOT } from './support/mesh';

/**
 * Bad VM input through the synth app (what `node lib/src/main.js` runs): exit 1, the VM group (or cluster) and
 * field named with the value and a fix, the previous output byte-identical (test/support/hostile.ts).
 */
const load = (name: string): any => jsyaml.load(fs.readFileSync(path.join(PROJECT_ROOT, 'examples', name), 'utf8'));
function multi(edit: (t: any, g: any) => void): string {
  const t = load('vm-multi-network.yaml');
  edit(t, t.vmGroups[0]);
  return jsyaml.dump(t);
}
const G = 'vmGroups.hello-vm';

describe('rejected VM groups: nothing written, the problem named with the value and a fix', () => {
  test('the base topology is accepted (so each case fails for its own reason)', () => {
    expect(Object.keys(expectAccepted(multi(() => undefined)))).toContain('_vm/hello-vm/cluster.env');
  });

  test('a VM network with no east-west gateway path to istiod', () => {
    expectRejected(multi((t) => { t.clusters[0].eastWestGateway = { enabled: false }; }), {
      cluster: 'cluster1', field: 'eastWestGateway.enabled', contains: ['VM group "hello-vm" joins this cluster\'s istiod'],
    });
  });

  test('the same on a single network (the docs\' --single-cluster gateway is the only path)', () => {
    const t = load('vm-single-network.yaml');
    t.clusters[0].eastWestGateway = { enabled: false };
    expectRejected(jsyaml.dump(t), { cluster: 'Kubernetes', field: 'eastWestGateway.enabled', contains: ['expose-istiod'] });
  });

  test('a namespace that is not a DNS-1123 label', () => {
    expectRejected(multi((_t, g) => { g.namespace = 'VM_Namespace'; }), { field: `${G}.namespace`, contains: ['"VM_Namespace"', 'DNS-1123'] });
  });

  test('a service account that is not a DNS-1123 label', () => {
    expectRejected(multi((_t, g) => { g.serviceAccount = 'vm sa;rm -rf /'; }), { field: `${G}.serviceAccount`, contains: ['"vm sa;rm -rf /"', 'DNS-1123'] });
  });

  test('a port name that defeats protocol selection', () => {
    expectRejected(multi((_t, g) => { g.ports = { web: 8080 }; }), { field: `${G}.ports.web`, contains: ['"web"', 'cannot select the protocol', 'http-web'] });
  });

  test('an address that is not an IP', () => {
    expectRejected(multi((_t, g) => { g.addresses = ['203.0.113.11', 'vm1.example.com']; }), { field: `${G}.addresses[1]`, contains: ['"vm1.example.com"', 'IPv4 or IPv6'] });
  });

  test('two groups with one name', () => {
    expectRejected(multi((t, g) => { t.vmGroups.push({ ...g, addresses: ['203.0.113.13'] }); }), { field: G, contains: ['declared twice'] });
  });

  test('autoregistration together with fixed addresses', () => {
    expectRejected(multi((_t, g) => { g.autoRegister = true; }), { field: `${G}.autoRegister`, contains: ['remove addresses'] });
  });

  test('a VM group on a network the mesh does not declare', () => {
    expectRejected(multi((_t, g) => { g.network = 'vm-netwrok'; }), { field: `${G}.network`, contains: ['"vm-netwrok"', 'did you mean "vm-network"?'] });
  });

  test('a call to a service the mesh does not have', () => {
    expectRejected(multi((_t, g) => { g.calls = ['sample/hellowrld']; }), { field: `${G}.calls[0]`, contains: ['"sample/hellowrld"'] });
  });

  test('a pod calling a VM service that does not exist', () => {
    const t = load('vm-single-network.yaml');
    t.applications[0].workloads[0].calls = ['vm-hello-vm/hello-wm'];
    expectRejected(jsyaml.dump(t), { field: 'applications.sample.workloads.helloworld-v1.calls[0]', contains: ['"vm-hello-vm/hello-wm"'] });
  });

  test('a VM group whose service application name an application of the file already has', () => {
    const t = load('vm-single-network.yaml');
    t.applications.push({ name: 'vm-hello-vm' });
    expectRejected(jsyaml.dump(t), { field: G, contains: ['"vm-hello-vm"'] });
  });

  test('a probe path that is not a plain path (it lands in mesh.yaml)', () => {
    expectRejected(multi((_t, g) => { g.probe = { httpGet: { port: 8080, path: "/ready'\n" } }; }), { field: `${G}.probe.httpGet.path`, contains: ['Fix: use e.g. "/ready"'] });
  });

  test('a label value that smuggles a token into cluster.env is stopped by the secret guard', () => {
    expectRejected(multi((_t, g) => { g.labels = { app: 'hello-vm', version: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' }; }), {
      field: 'VM bundle _vm/hello-vm/cluster.env', contains: ['JSON Web Token'],
    });
  });

  test('cluster ID "Kubernetes" next to another cluster', () => {
    const t = load('vm-single-network.yaml');
    t.clusters.push({ clusterName: 'cluster2', network: 'network1', apiServer: 'https://cluster2.example.com:6443' });
    t.clusters[0].apiServer = 'https://kubernetes.example.com:6443';
    expectRejected(jsyaml.dump(t), { cluster: 'Kubernetes', field: 'clusterName', contains: ['single-cluster mesh without Argo CD'] });
  });
});
