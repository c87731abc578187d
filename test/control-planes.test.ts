import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { ControlPlane, ControlPlaneModel, loadTopologyFile, Mesh, MeshValidationError } from '../src';
import { readerClusterRoleRules } from '../src/reader-identity';
import {
  find, fixtureDocs, fixturePath, helmValues, istioOperatorOf, meshOf, objectsByCluster, problemsOf, PROJECT_ROOT, withoutSyncWave,
} from './support/mesh';

const example = (name: string) => loadTopologyFile(new App(), 'mesh', path.join(PROJECT_ROOT, 'examples', name));
const names = (objects: any[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);
const wave = (o: any) => Number(o.metadata.annotations['argocd.argoproj.io/sync-wave']);


describe('primary-remote, one network (ISTIO-MULTICLUSTER-FACTS §4.3)', () => {
  const mesh = example('primary-remote.yaml');
  const objects = objectsByCluster(mesh);

  test('models: cluster1 primary serving cluster2', () => {
    expect(mesh.cluster('cluster1')!.controlPlane.model).toBe(ControlPlaneModel.PRIMARY);
    expect(mesh.cluster('cluster2')!.controlPlane.model).toBe(ControlPlaneModel.REMOTE);
    expect(mesh.cluster('cluster2')!.controlPlane.servedBy).toBe(mesh.cluster('cluster1'));
  });

  test('primary install: global.externalIstiod plus meshID, clusterName, network (docs Helm tab)', () => {
    expect(helmValues(mesh.cluster('cluster1')!).global).toEqual({
      meshID: 'mesh1', multiCluster: { clusterName: 'cluster1' }, network: 'network1', externalIstiod: true,
      // cluster1 is discovered by no other istiod: no reader identity at all (issue 10, defect 8).
      enableReaderRBAC: false,
    });
  });

  test('remote install values, field by field against the docs\' Helm commands', () => {
    const c2 = mesh.cluster('cluster2')!;
    // helm install istio-base istio/base -n istio-system --set profile=remote
    expect(helmValues(c2, 'helm-values-base.yaml')).toEqual({ profile: 'remote', global: { enableReaderRBAC: false } });
    // helm install istiod istio/istiod -n istio-system --set profile=remote --set global.multiCluster.clusterName=cluster2
    //   --set istiodRemote.injectionPath=/inject/cluster/cluster2/net/network1 --set global.configCluster=true
    //   --set global.remotePilotAddress="${DISCOVERY_ADDRESS}"   (+ global.network, as §4.4's Helm tab sets it)
    const v = helmValues(c2);
    expect(v.profile).toBe('remote');
    expect(v.global.multiCluster.clusterName).toBe('cluster2');
    expect(v.global.network).toBe('network1');
    expect(v.istiodRemote).toEqual({ injectionPath: '/inject/cluster/cluster2/net/network1' });
    expect(v.global.configCluster).toBe(true);
    expect(v.global.remotePilotAddress).toBe('192.0.2.10'); // the primary's east-west gateway address
    expect(v.global.meshID).toBeUndefined(); // the docs set no meshID on remotes: it comes from the primary's config
    expect(helmValues(c2, 'helm-values-base.yaml').base).toBeUndefined();
  });

  test('remote IstioOperator: the docs\' tab plus clusterName and network, which the tab forgets', () => {
    const iop = istioOperatorOf(mesh.cluster('cluster2')!);
    expect(iop.spec.profile).toBe('remote');
    expect(iop.spec.values.istiodRemote).toEqual({ injectionPath: '/inject/cluster/cluster2/net/network1' });
    expect(iop.spec.values.global).toMatchObject({ remotePilotAddress: '192.0.2.10', multiCluster: { clusterName: 'cluster2' }, network: 'network1' });
  });

  test('primary: east-west gateway pinned to the address, and istiod exposed exactly as expose-istiod.yaml', () => {
    const c1 = objects.cluster1;
    expect(find(c1, 'Service', 'istio-eastwestgateway').spec.loadBalancerIP).toBe('192.0.2.10');
    for (const doc of fixtureDocs('istio', 'expose-istiod.yaml')) {
      expect(withoutSyncWave(find(c1, doc.kind, doc.metadata.name, 'istio-system'))).toEqual({ ...doc, metadata: { ...doc.metadata, namespace: 'istio-system' } });
    }
    expect(names(c1)).not.toContain('Gateway/cross-network-gateway'); // one network: nothing to expose across
  });

  test('remote: namespace annotated with its control plane, no istiod-side objects, remote-profile reader RBAC', () => {
    const c2 = objects.cluster2;
    const ns = find(c2, 'Namespace', 'istio-system');
    expect(ns.metadata.annotations['topology.istio.io/controlPlaneClusters']).toBe('cluster1');
    expect(ns.metadata.labels).toBeUndefined(); // one network: no label, as the docs
    for (const absent of ['ExternalSecret/cacerts', 'PeerAuthentication/default', 'Deployment/istio-eastwestgateway', 'Gateway/cross-network-gateway']) {
      expect(names(c2)).not.toContain(absent);
    }
    expect(find(c2, 'ClusterRole', 'istio-reader-clusterrole-istio-system').rules).toEqual(readerClusterRoleRules(true));
  });

  test('the remote secret goes from the remote to its primary only', () => {
    expect(names(objects.cluster1)).toContain('ExternalSecret/istio-remote-secret-cluster2');
    expect(names(objects.cluster2).filter((n) => n.startsWith('ExternalSecret/istio-remote-secret-'))).toEqual([]);
    expect(names(objects.cluster1)).not.toContain('ClusterRole/istio-reader-clusterrole-istio-system');
  });
});

describe('primary-remote, multi-network (ISTIO-MULTICLUSTER-FACTS §4.4)', () => {
  const mesh = example('primary-remote-multi-network.yaml');
  const objects = objectsByCluster(mesh);

  test('remote namespace: annotated and labelled with its own network', () => {
    const ns = find(objects.cluster2, 'Namespace', 'istio-system');
    expect(ns.metadata.labels).toEqual({ 'topology.istio.io/network': 'network2' });
    expect(ns.metadata.annotations['topology.istio.io/controlPlaneClusters']).toBe('cluster1');
  });

  test('east-west gateways on both; cross-network-gateway only on the primary', () => {
    expect(find(objects.cluster2, 'Service', 'istio-eastwestgateway').metadata.labels['topology.istio.io/network']).toBe('network2');
    expect(names(objects.cluster1)).toContain('Gateway/cross-network-gateway');
    expect(names(objects.cluster2)).not.toContain('Gateway/cross-network-gateway');
  });

  test('remote values: network2 in the injection path, a DNS discovery address (the chart makes an ExternalName)', () => {
    const v = helmValues(mesh.cluster('cluster2')!);
    expect(v.istiodRemote).toEqual({ injectionPath: '/inject/cluster/cluster2/net/network2' });
    expect(v.global).toMatchObject({ network: 'network2', remotePilotAddress: 'istiod.cluster1.example.com' });
    expect(find(objects.cluster1, 'Service', 'istio-eastwestgateway').spec.loadBalancerIP).toBeUndefined();
  });
});

describe('external control plane (ISTIO-MULTICLUSTER-FACTS §4.5, setup/install/external-controlplane)', () => {
  const mesh = example('external-control-plane.yaml');
  const objects = objectsByCluster(mesh);
  const ADDR = 'istiod.mesh1.example.com';

  test('models: external hosts the control plane; cluster1 is its config cluster, cluster2 a further remote', () => {
    expect(mesh.cluster('external')!.controlPlane.model).toBe(ControlPlaneModel.EXTERNAL);
    expect(mesh.cluster('cluster1')!.controlPlane.configCluster).toBe(true);
    expect(mesh.cluster('cluster2')!.controlPlane.configCluster).toBe(false);
    expect(mesh.clusters.map((c) => c.controlPlaneNamespace)).toEqual(['external-istiod', 'external-istiod', 'external-istiod']);
  });

  test('external cluster: Gateway, VirtualService and DestinationRule exactly as the docs\' external-istiod-gw.yaml', () => {
    const server = (name: string, number: number) => ({ port: { number, protocol: 'https', name }, tls: { mode: 'SIMPLE', credentialName: 'istiod-mesh1-tls' }, hosts: [ADDR] });
    const route = (port: number, to: number) => ({ match: [{ port }], route: [{ destination: { host: 'istiod.external-istiod.svc.cluster.local', port: { number: to } } }] });
    expect(withoutSyncWave(find(objects.external, 'Gateway', 'external-istiod-gw', 'external-istiod')).spec)
      .toEqual({ selector: { istio: 'ingressgateway' }, servers: [server('https-XDS', 15012), server('https-WEBHOOK', 15017)] });
    expect(find(objects.external, 'VirtualService', 'external-istiod-vs', 'external-istiod').spec)
      .toEqual({ hosts: [ADDR], gateways: ['external-istiod-gw'], http: [route(15012, 15012), route(15017, 443)] });
    expect(find(objects.external, 'DestinationRule', 'external-istiod-dr', 'external-istiod').spec).toEqual({
      host: 'istiod.external-istiod.svc.cluster.local',
      trafficPolicy: { portLevelSettings: [
        { port: { number: 15012 }, tls: { mode: 'SIMPLE' }, connectionPool: { http: { h2UpgradePolicy: 'UPGRADE' } } },
        { port: { number: 443 }, tls: { mode: 'SIMPLE' } },
      ] },
    });
  });

  test('external cluster: the ingress gateway exposes 15021/15012/15017 as the docs\' controlplane-gateway.yaml', () => {
    const svc = find(objects.external, 'Service', 'istio-ingressgateway', 'istio-system');
    expect(svc.spec.ports.map((p: any) => [p.name, p.port, p.targetPort])).toEqual([['status-port', 15021, 15021], ['tls-xds', 15012, 15012], ['tls-webhook', 15017, 15017]]);
    expect(svc.spec.selector).toEqual({ app: 'istio-ingressgateway', istio: 'ingressgateway' });
  });

  test('external cluster: istio-kubeconfig (--type=config) for the config cluster, before istiod starts', () => {
    const es = find(objects.external, 'ExternalSecret', 'istio-kubeconfig', 'external-istiod');
    expect(Object.keys(es.spec.target.template.data)).toEqual(['config']);
    expect(es.spec.target.template.metadata).toEqual({ labels: { 'istio/multiCluster': 'true' }, annotations: { 'networking.istio.io/cluster': 'cluster1' } });
    expect(wave(es)).toBe(-1); // trust phase: before istiod (wave 0) mounts it
    expect(es.spec.data[0].remoteRef.key).toBe('istio/mesh1/remote-secrets/cluster1');
    // ... filled by the config cluster's istiod ServiceAccount token (create-remote-secret --service-account=istiod)
    const token = find(objects.cluster1, 'Secret', 'istiod-istio-remote-secret-token', 'external-istiod');
    expect(token.metadata.annotations['kubernetes.io/service-account.name']).toBe('istiod');
    expect(wave(token)).toBe(1); // after Istio's charts (wave 0) created the ServiceAccount
    expect(find(objects.cluster1, 'PushSecret', 'istiod-istio-remote-secret-token').spec.data[0].match.remoteRef.remoteKey).toBe('istio/mesh1/remote-secrets/cluster1');
  });

  test('external cluster: remote secret of the further remote in its own namespace (LOCAL_CLUSTER_SECRET_WATCHER), cacerts, no mesh policy', () => {
    const es = find(objects.external, 'ExternalSecret', 'istio-remote-secret-cluster2', 'external-istiod');
    expect(es.spec.target.template.metadata.labels).toEqual({ 'istio/multiCluster': 'true' });
    find(objects.external, 'ExternalSecret', 'cacerts', 'external-istiod');
    expect(names(objects.external)).not.toContain('PeerAuthentication/default');
    expect(names(objects.external).some((n) => n.startsWith('Deployment/helloworld'))).toBe(false);
  });

  test('external istiod install equals the docs\' external-istiod.yaml', () => {
    const iop = istioOperatorOf(mesh.cluster('external')!, 'istio-operator-external-istiod.yaml');
    expect(iop.metadata.namespace).toBe('external-istiod');
    expect(iop.spec.profile).toBe('empty');
    expect(iop.spec.meshConfig).toEqual({
      rootNamespace: 'external-istiod',
      defaultConfig: { discoveryAddress: `${ADDR}:15012`, proxyMetadata: { XDS_ROOT_CA: '/etc/ssl/certs/ca-certificates.crt', CA_ROOT_CA: '/etc/ssl/certs/ca-certificates.crt' } },
    });
    expect(iop.spec.components.pilot.k8s.env).toEqual([
      { name: 'INJECTION_WEBHOOK_CONFIG_NAME', value: '' },
      { name: 'VALIDATION_WEBHOOK_CONFIG_NAME', value: '' },
      { name: 'EXTERNAL_ISTIOD', value: 'true' },
      { name: 'LOCAL_CLUSTER_SECRET_WATCHER', value: 'true' },
      { name: 'CLUSTER_ID', value: 'cluster1' },
      { name: 'SHARED_MESH_CONFIG', value: 'istio' },
    ]);
    expect(iop.spec.components.pilot.k8s.overlays[0].patches.map((p: any) => p.path)).toEqual([
      'spec.template.spec.volumes[100]', 'spec.template.spec.volumes[100]',
      'spec.template.spec.containers[0].volumeMounts[100]', 'spec.template.spec.containers[0].volumeMounts[100]',
    ]);
    expect(iop.spec.values.global).toEqual({
      externalIstiod: true, caAddress: `${ADDR}:15012`, istioNamespace: 'external-istiod', operatorManageWebhooks: true,
      configValidation: false, meshID: 'mesh1', multiCluster: { clusterName: 'cluster1' }, network: 'network1',
    });
    // The Helm values are the same settings as chart values.
    const helm = helmValues(mesh.cluster('external')!, 'helm-values-istiod-external-istiod.yaml');
    expect(helm.global).toEqual(iop.spec.values.global);
    // ... except CLUSTER_ID, which the chart renders from global.multiCluster.clusterName (issue 10, defect 1).
    expect(Object.entries(helm.env).map(([name, value]) => ({ name, value }))).toEqual(iop.spec.components.pilot.k8s.env.filter((e: any) => e.name !== 'CLUSTER_ID'));
  });

  test('config cluster install equals the docs\' remote-config-cluster.yaml (plus clusterName and network)', () => {
    const iop = istioOperatorOf(mesh.cluster('cluster1')!);
    expect(iop.metadata.namespace).toBe('external-istiod');
    expect(iop.spec).toEqual({
      profile: 'remote',
      values: {
        defaultRevision: 'default',
        global: { istioNamespace: 'external-istiod', enableReaderRBAC: false, configCluster: true, multiCluster: { clusterName: 'cluster1' }, network: 'network1' },
        pilot: { configMap: true },
        istiodRemote: { injectionURL: `https://${ADDR}:15017/inject/cluster/cluster1/net/network1` },
        base: { validationURL: `https://${ADDR}:15017/validate` },
      },
    });
    // Helm equivalent (fact sheet §4.5 step 5)
    expect(helmValues(mesh.cluster('cluster1')!, 'helm-values-base.yaml')).toEqual({
      profile: 'remote', defaultRevision: 'default', global: { istioNamespace: 'external-istiod', enableReaderRBAC: false }, base: { validationURL: `https://${ADDR}:15017/validate` },
    });
    expect(helmValues(mesh.cluster('cluster1')!)).toMatchObject({ profile: 'remote', configMap: true, global: { istioNamespace: 'external-istiod', configCluster: true } });
  });

  test('further remote: annotated with the config cluster (the external istiod\'s CLUSTER_ID), docs\' second-remote-cluster.yaml', () => {
    const ns = find(objects.cluster2, 'Namespace', 'external-istiod');
    expect(ns.metadata.annotations['topology.istio.io/controlPlaneClusters']).toBe('cluster1');
    const iop = istioOperatorOf(mesh.cluster('cluster2')!);
    expect(iop.spec.values.istiodRemote).toEqual({ injectionURL: `https://${ADDR}:15017/inject/cluster/cluster2/net/network2` });
    expect(iop.spec.values.global.istioNamespace).toBe('external-istiod');
    expect(iop.spec.values.global.configCluster).toBeUndefined();
    expect(find(objects.cluster2, 'ClusterRole', 'istio-reader-clusterrole-external-istiod').rules).toEqual(readerClusterRoleRules(true));
  });

  test('config cluster holds the mesh config: PeerAuthentication and cross-network-gateway in external-istiod', () => {
    find(objects.cluster1, 'PeerAuthentication', 'default', 'external-istiod');
    find(objects.cluster1, 'Gateway', 'cross-network-gateway', 'external-istiod');
    expect(names(objects.cluster2)).not.toContain('Gateway/cross-network-gateway');
    expect(find(objects.cluster1, 'Namespace', 'external-istiod').metadata.annotations['topology.istio.io/controlPlaneClusters']).toBeUndefined();
  });

  test('IP address: the docs\' test variant (passthrough, no DestinationRule, remotePilotAddress, named webhooks)', () => {
    const app = new App();
    const m = new Mesh(app, 'mesh', { meshId: 'm', secretStore: { name: 's' } });
    const n = m.addNetwork('network1');
    const ext = m.addCluster('external', { network: n, apiServer: 'https://e.example.com', controlPlane: ControlPlane.external({ address: '203.0.113.5' }) });
    const r = m.addCluster('remote1', { network: n, apiServer: 'https://r.example.com', controlPlane: ControlPlane.remote(ext, { configCluster: true }) });
    const o = objectsByCluster(m);
    const gw = find(o.external, 'Gateway', 'external-istiod-gw');
    expect(gw.spec.servers.map((s: any) => [s.port.name, s.port.protocol, s.tls, s.hosts])).toEqual([
      ['tls-XDS', 'tls', { mode: 'PASSTHROUGH' }, ['*']], ['tls-WEBHOOK', 'tls', { mode: 'PASSTHROUGH' }, ['*']],
    ]);
    expect(find(o.external, 'VirtualService', 'external-istiod-vs').spec.tls[0].match).toEqual([{ port: 15012, sniHosts: ['*'] }]);
    expect(names(o.external)).not.toContain('DestinationRule/external-istiod-dr');
    expect(find(o.external, 'Service', 'istio-ingressgateway').spec.loadBalancerIP).toBe('203.0.113.5');
    const v = helmValues(r);
    expect(v.istiodRemote).toEqual({ injectionPath: '/inject/cluster/remote1/net/network1' });
    expect(v.global.remotePilotAddress).toBe('203.0.113.5');
    expect(helmValues(r, 'helm-values-base.yaml').base).toBeUndefined();
    const env = helmValues(ext, 'helm-values-istiod-external-istiod.yaml').env;
    expect(env.INJECTION_WEBHOOK_CONFIG_NAME).toBe('istio-sidecar-injector-external-istiod');
    expect(env.VALIDATION_WEBHOOK_CONFIG_NAME).toBe('istio-validator-external-istiod');
    expect(helmValues(ext, 'helm-values-istiod-external-istiod.yaml').meshConfig.defaultConfig.proxyMetadata).toBeUndefined();
  });
});

describe('control-plane validation', () => {
  const c = (name: string, network: string, more: any = {}) => ({ clusterName: name, network, apiServer: `https://${name}.example.com`, ...more });
  const mesh = (...clusters: any[]) => ({ meshID: 'm', secretStore: { name: 's' }, clusters });
  const expectProblem = (t: unknown, field: string, cluster: string, message: RegExp) => {
    const p = problemsOf(t);
    expect(p).toEqual(expect.arrayContaining([expect.objectContaining({ cluster, field, message: expect.stringMatching(message) })]));
  };

  test('a remote naming a cluster that does not exist', () => {
    expectProblem(mesh(c('a', 'n', { eastWestGateway: { address: '192.0.2.1' } }), c('b', 'n', { primaryClusterName: 'x' })), 'primaryClusterName', 'b', /not in the topology/);
  });

  test('chains and cycles of remotes', () => {
    const t = mesh(c('p', 'n', { eastWestGateway: { address: '192.0.2.1' } }), c('a', 'n', { primaryClusterName: 'b' }), c('b', 'n', { primaryClusterName: 'a' }));
    expectProblem(t, 'primaryClusterName', 'a', /itself a remote cluster.*chains or cycles/);
    expectProblem(t, 'primaryClusterName', 'b', /itself a remote cluster.*chains or cycles/);
  });

  test('the primary\'s discovery address must be known, saying which gateway and why', () => {
    const p = problemsOf(mesh(c('p', 'n'), c('r', 'n', { primaryClusterName: 'p' })));
    expect(p).toEqual([expect.objectContaining({ cluster: 'p', field: 'eastWestGateway.address' })]);
    expect(p[0].message).toMatch(/remote cluster\(s\) "r" need this primary's discovery address at install time \(global.remotePilotAddress\).*LoadBalancer status/);
    expect(p[0].allowed).toMatch(/DNS name .* ExternalName/);
  });

  test('a remote alone on its network without an east-west gateway leaves the network unreachable', () => {
    expectProblem(mesh(c('p', 'n1', { eastWestGateway: { address: '192.0.2.1' } }), c('r', 'n2', { primaryClusterName: 'p', eastWestGateway: { enabled: false } })),
      'eastWestGateway.enabled', 'r', /network "n2" has no east-west gateway/);
  });

  test('a primary serving remotes without an east-west gateway', () => {
    expectProblem(mesh(c('p', 'n', { eastWestGateway: { enabled: false } }), c('r', 'n', { primaryClusterName: 'p' })), 'eastWestGateway.enabled', 'p', /reach this primary's istiod through its east-west gateway/);
  });

  test('configClusterName on a remote of a primary', () => {
    expectProblem(mesh(c('p', 'n', { eastWestGateway: { address: '192.0.2.1' } }), c('r', 'n', { primaryClusterName: 'p', configClusterName: 'r' })), 'configClusterName', 'r', /must be the primary/);
  });

  const ext = (more: any = {}) => c('ext', 'n', { primaryClusterName: 'ext', configClusterName: 'cfg', externalIstiod: { address: 'istiod.example.com', tlsCredentialName: 'cert' }, ...more });
  const cfg = c('cfg', 'n', { primaryClusterName: 'ext', configClusterName: 'cfg' });

  test('an external control plane without an address', () => {
    const host = ext();
    delete host.externalIstiod;
    expectProblem(mesh(host, cfg), 'externalIstiod.address', 'ext', /GitOps cannot/);
  });

  test('a DNS address without the TLS credential reference', () => {
    expectProblem(mesh(ext({ externalIstiod: { address: 'istiod.example.com' } }), cfg), 'externalIstiod.tlsCredentialName', 'ext', /SSL_SECRET_NAME/);
  });

  test('an external control plane without a config cluster', () => {
    expectProblem(mesh(ext(), c('r', 'n', { primaryClusterName: 'ext', configClusterName: 'cfg' })), 'configClusterName', 'ext', /names no config cluster/);
  });

  test('verification workloads on the external cluster', () => {
    expectProblem(mesh(ext({ verificationWorkloads: {} }), cfg), 'verificationWorkloads', 'ext', /not part of the mesh's data plane/);
  });

  test('primaries mixed with an external control plane', () => {
    expectProblem(mesh(ext(), cfg, c('p', 'n')), 'primaryClusterName', 'p', /mixing primaries with an external control plane is not supported/);
  });

  test('externalIstiod on a cluster that hosts no external control plane', () => {
    expectProblem(mesh(c('p', 'n', { externalIstiod: { address: '192.0.2.1' } })), 'externalIstiod', 'p', /only for a cluster hosting an external control plane/);
  });

  test('TypeScript API: a primary with externalIstiod: false serving remotes', () => {
    const m = new Mesh(new App(), 'mesh', { meshId: 'm', secretStore: { name: 's' } });
    const n = m.addNetwork('n');
    const p = m.addCluster('p', { network: n, apiServer: 'https://p.example.com', controlPlane: ControlPlane.primary({ externalIstiod: false }), eastWestGateway: { address: '192.0.2.1' } });
    m.addCluster('r', { network: n, apiServer: 'https://r.example.com', controlPlane: ControlPlane.remote(p) });
    expect(m.validate()).toEqual([expect.objectContaining({ cluster: 'p', field: 'controlPlane.externalIstiod' })]);
  });
});

describe("Istio's own topology files are accepted as far as they go", () => {
  const rejection = (file: string) => {
    try {
      loadTopologyFile(new App(), 'mesh', fixturePath('istio', file));
    } catch (e) {
      return (e as MeshValidationError).problems;
    }
    throw new Error('expected rejection');
  };

  test('multicluster.json: two primaries and a remote; only what the format lacks is reported', () => {
    const p = rejection('topology-multicluster.json');
    expect(p.map((x) => `${x.cluster ?? ''}:${x.field}`).sort()).toEqual([
      ':secretStore', 'cross-network-primary:apiServer', 'primary:apiServer', 'primary:eastWestGateway.address', 'remote:apiServer',
    ]);
  });

  test('multicluster.json completed with those fields synthesizes with Istio\'s models', () => {
    const clusters = JSON.parse(fs.readFileSync(fixturePath('istio', 'topology-multicluster.json'), 'utf8'))
      .map((c: any) => ({ ...c, apiServer: `https://${c.clusterName}.example.com`, ...(c.clusterName === 'primary' ? { eastWestGateway: { address: '192.0.2.1' } } : {}) }));
    const m = meshOf({ meshID: 'mesh1', secretStore: { name: 's' }, clusters });
    expect(m.clusters.map((c) => [c.name, c.controlPlane.model])).toEqual([['primary', 'primary'], ['cross-network-primary', 'primary'], ['remote', 'remote']]);
    const o = objectsByCluster(m);
    // both primaries discover the remote; the remote holds no remote secret
    expect(names(o.primary)).toContain('ExternalSecret/istio-remote-secret-remote');
    expect(names(o['cross-network-primary'])).toContain('ExternalSecret/istio-remote-secret-remote');
    expect(names(o.remote).filter((x) => x.startsWith('ExternalSecret/istio-remote-secret-'))).toEqual([]);
  });

  test('external-istiod.json: the external cluster needs its address', () => {
    const p = rejection('topology-external-istiod.json');
    expect(p).toEqual(expect.arrayContaining([expect.objectContaining({ cluster: 'external', field: 'externalIstiod.address' })]));
    expect(p.some((x) => x.field === 'clusters')).toBe(false);
  });

  test('external-istiod.json completed synthesizes: "external" hosts istiod, "config" is its config cluster', () => {
    const clusters = JSON.parse(fs.readFileSync(fixturePath('istio', 'topology-external-istiod.json'), 'utf8'))
      .map((c: any) => ({ ...c, apiServer: `https://${c.clusterName}.example.com`, ...(c.clusterName === 'external' ? { externalIstiod: { address: '203.0.113.9' } } : {}) }));
    const m = meshOf({ meshID: 'mesh1', secretStore: { name: 's' }, clusters });
    expect(m.cluster('external')!.controlPlane.model).toBe(ControlPlaneModel.EXTERNAL);
    expect(m.cluster('config')!.controlPlane.configCluster).toBe(true);
    expect(names(objectsByCluster(m).external)).toContain('ExternalSecret/istio-kubeconfig');
  });
});
