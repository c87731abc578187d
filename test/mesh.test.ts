import { App } from 'cdk8s';
import { ControlPlane, Mesh } from '../src';
import { find, helmValues, istioOperatorOf, meshOf, objectsByCluster } from './support/mesh';

const MULTI_NETWORK = {
  meshID: 'mesh1',
  secretStore: { name: 'mesh-secrets' },
  clusters: [
    { clusterName: 'cluster1', network: 'network1', apiServer: 'https://c1.example.com:6443' },
    { clusterName: 'cluster2', network: 'network2', apiServer: 'https://c2.example.com:6443' },
  ],
};

const SINGLE_NETWORK = {
  meshID: 'mesh1',
  secretStore: { name: 'mesh-secrets' },
  clusters: [
    { clusterName: 'cluster1', network: 'network1', podSubnet: '10.10.0.0/16', svcSubnet: '10.255.10.0/24', apiServer: 'https://c1.example.com:6443' },
    { clusterName: 'cluster2', network: 'network1', podSubnet: '10.20.0.0/16', svcSubnet: '10.255.20.0/24', apiServer: 'https://c2.example.com:6443' },
  ],
};

describe('multi-primary, multi-network (ISTIO-MULTICLUSTER-FACTS §4.2)', () => {
  const objects = objectsByCluster(meshOf(MULTI_NETWORK));

  test.each([['cluster1', 'network1'], ['cluster2', 'network2']])('%s: istio-system is labelled with its network %s', (cluster, network) => {
    const ns = find(objects[cluster], 'Namespace', 'istio-system');
    expect(ns.metadata.labels).toEqual({ 'topology.istio.io/network': network });
  });

  test.each([['cluster1', 'network1'], ['cluster2', 'network2']])('%s: east-west gateway carries network %s in every place Istio reads it', (cluster, network) => {
    const svc = find(objects[cluster], 'Service', 'istio-eastwestgateway', 'istio-system');
    expect(svc.metadata.labels['topology.istio.io/network']).toBe(network);
    expect(svc.spec.type).toBe('LoadBalancer');
    expect(svc.spec.ports.map((p: any) => [p.name, p.port])).toEqual([
      ['status-port', 15021], ['tls', 15443], ['tls-istiod', 15012], ['tls-webhook', 15017],
    ]);
    const deploy = find(objects[cluster], 'Deployment', 'istio-eastwestgateway', 'istio-system');
    const pod = deploy.spec.template;
    expect(pod.metadata.labels).toMatchObject({ 'istio': 'eastwestgateway', 'app': 'istio-eastwestgateway', 'topology.istio.io/network': network });
    expect(pod.metadata.annotations['inject.istio.io/templates']).toBe('gateway');
    expect(pod.spec.containers[0].env).toEqual([{ name: 'ISTIO_META_REQUESTED_NETWORK_VIEW', value: network }]);
  });

  test('each cluster exposes its services with cross-network-gateway (AUTO_PASSTHROUGH on 15443)', () => {
    for (const cluster of ['cluster1', 'cluster2']) {
      const gw = find(objects[cluster], 'Gateway', 'cross-network-gateway', 'istio-system');
      expect(gw.spec.selector).toEqual({ istio: 'eastwestgateway' });
      expect(gw.spec.servers[0].tls.mode).toBe('AUTO_PASSTHROUGH');
      expect(gw.spec.servers[0].port.number).toBe(15443);
    }
  });

  test('install inputs carry meshID, clusterName and network (docs §4.2)', () => {
    const mesh = meshOf(MULTI_NETWORK);
    const cluster = mesh.cluster('cluster2')!;
    // enableReaderRBAC: false because the reader identity is part of dist/ (issue: trust and remote secrets).
    expect(helmValues(cluster)).toEqual({ global: { meshID: 'mesh1', multiCluster: { clusterName: 'cluster2' }, network: 'network2', enableReaderRBAC: false } });
    expect(helmValues(cluster, 'helm-values-base.yaml')).toEqual({ global: { enableReaderRBAC: false } });
    expect(istioOperatorOf(cluster).spec.values).toEqual(helmValues(cluster));
    expect(cluster.installInputs.istioVersion).toBe('1.30.3');
  });

  test('objects carry sync waves in phase order: namespaces < gateways < mesh config', () => {
    const wave = (o: any) => Number(o.metadata.annotations['argocd.argoproj.io/sync-wave']);
    const c1 = objects.cluster1;
    expect(wave(find(c1, 'Namespace', 'istio-system'))).toBeLessThan(wave(find(c1, 'Deployment', 'istio-eastwestgateway')));
    expect(wave(find(c1, 'Deployment', 'istio-eastwestgateway'))).toBeLessThan(wave(find(c1, 'Gateway', 'cross-network-gateway')));
    const waves = c1.map(wave);
    expect([...waves].sort((a, b) => a - b)).toEqual(waves); // output order is apply order
  });
});

describe('multi-primary, one network (ISTIO-MULTICLUSTER-FACTS §4.1)', () => {
  const objects = objectsByCluster(meshOf(SINGLE_NETWORK));

  test('no east-west gateway, no Istio gateway config, no namespace network label', () => {
    for (const cluster of ['cluster1', 'cluster2']) {
      const names = objects[cluster].map((o) => o.metadata.name);
      expect(names).not.toContain('istio-eastwestgateway');
      expect(names).not.toContain('cross-network-gateway');
      expect(find(objects[cluster], 'Namespace', 'istio-system').metadata.labels).toBeUndefined();
    }
  });

  test('install inputs still name the shared network', () => {
    const cluster = meshOf(SINGLE_NETWORK).cluster('cluster1')!;
    expect(helmValues(cluster)).toMatchObject({ global: { meshID: 'mesh1', multiCluster: { clusterName: 'cluster1' }, network: 'network1' } });
  });
});

describe('TypeScript API', () => {
  test('a non-default trust domain reaches meshConfig in both Helm values and IstioOperator', () => {
    const mesh = new Mesh(new App(), 'mesh', { meshId: 'prod', trustDomain: 'prod.example.com', secretStore: { name: 's' } });
    const net = mesh.addNetwork('net-a');
    const c = mesh.addCluster('east', { network: net });
    expect(helmValues(c)).toMatchObject({ meshConfig: { trustDomain: 'prod.example.com' } });
    expect(istioOperatorOf(c).spec.meshConfig).toEqual({ trustDomain: 'prod.example.com' });
  });

  test('a pinned gateway IP becomes loadBalancerIP; a DNS address does not', () => {
    const mesh = new Mesh(new App(), 'mesh', { meshId: 'm', secretStore: { name: 's' } });
    const a = mesh.addNetwork('a');
    const b = mesh.addNetwork('b');
    mesh.addCluster('c1', { network: a, apiServer: 'https://c1.example.com', eastWestGateway: { address: '203.0.113.10', serviceAnnotations: { 'x.example/lb': 'internal' } } });
    mesh.addCluster('c2', { network: b, apiServer: 'https://c2.example.com', eastWestGateway: { address: 'gw.c2.example.com' } });
    const objects = objectsByCluster(mesh);
    const svc1 = find(objects.c1, 'Service', 'istio-eastwestgateway');
    expect(svc1.spec.loadBalancerIP).toBe('203.0.113.10');
    expect(svc1.metadata.annotations['x.example/lb']).toBe('internal');
    expect(find(objects.c2, 'Service', 'istio-eastwestgateway').spec.loadBalancerIP).toBeUndefined();
  });

  test('an explicitly enabled gateway on a single network has no cross-network-gateway', () => {
    const mesh = new Mesh(new App(), 'mesh', { meshId: 'm', secretStore: { name: 's' } });
    const n = mesh.addNetwork('n');
    mesh.addCluster('c1', { network: n, controlPlane: ControlPlane.primary(), eastWestGateway: { enabled: true } });
    const kinds = objectsByCluster(mesh).c1.map((o) => o.kind);
    expect(kinds).toContain('Deployment');
    expect(kinds).not.toContain('Gateway');
  });

  test('declaring a cluster or network twice throws at once, naming it', () => {
    const mesh = new Mesh(new App(), 'mesh', { meshId: 'm' });
    const n = mesh.addNetwork('n');
    mesh.addCluster('c1', { network: n });
    expect(() => mesh.addCluster('c1', { network: n })).toThrow(/cluster "c1" is declared twice/);
    expect(() => mesh.addNetwork('n')).toThrow(/network "n" is declared twice/);
  });

  test('users can add their own objects to a cluster chart', () => {
    const k8s = require('../imports/k8s');
    const mesh = new Mesh(new App(), 'mesh', { meshId: 'm', secretStore: { name: 's' } });
    const c = mesh.addCluster('c1', { network: mesh.addNetwork('n') });
    new k8s.KubeConfigMap(c, 'Mine', { metadata: { name: 'mine', namespace: 'default' }, data: { a: 'b' } });
    const objects = objectsByCluster(mesh).c1;
    expect(find(objects, 'ConfigMap', 'mine').metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('4');
  });
});
