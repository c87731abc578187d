import * as fs from 'fs';
import * as jsyaml from 'js-yaml';
import { App } from 'cdk8s';
import { DEFAULT_TOPOLOGY, Mesh, MeshValidationError, Phase, RemoteSecretDelivery, TrustSource } from '../src';
import { renderEsoTemplate } from './support/eso-template';
import { find, fixturePath, helmValues, istioOperatorOf, meshOf, objectsByCluster, PROJECT_ROOT } from './support/mesh';

/** The Secret ESO produces from an ExternalSecret, given the store's values for its data keys. */
function esoResult(es: any, store: Record<string, Record<string, string>>): any {
  const values: Record<string, string> = {};
  for (const d of es.spec.data) values[d.secretKey] = store[d.remoteRef.key][d.remoteRef.property];
  const t = es.spec.target.template;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: es.spec.target.name, namespace: es.metadata.namespace, ...(t.metadata ?? {}) },
    stringData: Object.fromEntries(Object.entries(t.data as Record<string, string>).map(([k, v]) => [k, renderEsoTemplate(v, values)])),
  };
}

const FAKE_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.fake-token-for-tests';
const FAKE_CA = '-----BEGIN CERTIFICATE-----\nMIIBfakeCAforTests\n-----END CERTIFICATE-----\n';

/** What `istioctl create-remote-secret --name <cluster>` emits (ISTIO-MULTICLUSTER-FACTS §2.1, istioctl 1.30.3). */
function istioctlRemoteSecret(cluster: string, server: string, tlsServerName?: string) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      annotations: { 'networking.istio.io/cluster': cluster },
      labels: { 'istio/multiCluster': 'true' },
      name: `istio-remote-secret-${cluster}`,
      namespace: 'istio-system',
    },
    stringData: {
      [cluster]: {
        apiVersion: 'v1',
        clusters: [{ cluster: { 'certificate-authority-data': Buffer.from(FAKE_CA).toString('base64'), server, ...(tlsServerName ? { 'tls-server-name': tlsServerName } : {}) }, name: cluster }],
        contexts: [{ context: { cluster, user: cluster }, name: cluster }],
        'current-context': cluster,
        'kind': 'Config',
        'users': [{ name: cluster, user: { token: FAKE_TOKEN } }],
      },
    },
  };
}

const storeWith = (prefix: string, clusters: string[]) => Object.fromEntries(
  clusters.map((c) => [`${prefix}/remote-secrets/${c}`, { 'token': FAKE_TOKEN, 'ca.crt': FAKE_CA }]));

describe('remote secrets: exactly what istioctl create-remote-secret makes, rendered by External Secrets', () => {
  const objects = objectsByCluster(meshOf(DEFAULT_TOPOLOGY));

  test.each([['cluster1', 'cluster2'], ['cluster2', 'cluster1']])('%s holds istio-remote-secret-%s in istioctl shape', (consumer, source) => {
    const es = find(objects[consumer], 'ExternalSecret', `istio-remote-secret-${source}`, 'istio-system');
    const secret = esoResult(es, storeWith('istio/mesh1', [source]));
    const kubeconfig = jsyaml.load(secret.stringData[source]);
    const expected = istioctlRemoteSecret(source, `https://${source}.k8s.example.com:6443`);
    expect({ ...secret, stringData: { [source]: kubeconfig } }).toEqual(expected);
    expect(Object.keys(secret.stringData)).toEqual([source]); // one data key: the cluster ID
  });

  test('tls-server-name is set where the model gives one (istioctl --tls-server-name)', () => {
    const mesh = meshOf({
      meshID: 'm', secretStore: { name: 's' },
      clusters: [
        { clusterName: 'a', network: 'n', apiServer: 'https://10.0.0.1:6443', tlsServerName: 'a.internal' },
        { clusterName: 'b', network: 'n', apiServer: 'https://b.example.com' },
      ],
    });
    const es = find(objectsByCluster(mesh).b, 'ExternalSecret', 'istio-remote-secret-a');
    const secret = esoResult(es, storeWith('istio/m', ['a']));
    expect({ ...secret, stringData: { a: jsyaml.load(secret.stringData.a) } }).toEqual(istioctlRemoteSecret('a', 'https://10.0.0.1:6443', 'a.internal'));
  });

  test('the ExternalSecret reads the key the source cluster\'s PushSecret writes', () => {
    const es = find(objects.cluster1, 'ExternalSecret', 'istio-remote-secret-cluster2');
    const push = find(objects.cluster2, 'PushSecret', 'istio-reader-service-account-istio-remote-secret-token');
    const pulled = es.spec.data.map((d: any) => `${d.remoteRef.key}#${d.remoteRef.property}`).sort();
    const pushed = push.spec.data.map((d: any) => `${d.match.remoteRef.remoteKey}#${d.match.remoteRef.property}`).sort();
    expect(pulled).toEqual(pushed);
    expect(es.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'mesh-secrets' });
    expect(push.spec.secretStoreRefs).toEqual([{ kind: 'ClusterSecretStore', name: 'mesh-secrets' }]);
    expect(push.spec.selector).toEqual({ secret: { name: 'istio-reader-service-account-istio-remote-secret-token' } });
  });

  test.each([2, 3, 5])('%i primaries get N×(N−1) remote secrets, one per other cluster', (n) => {
    const names = Array.from({ length: n }, (_, i) => `c${i + 1}`);
    const mesh = meshOf({ meshID: 'm', secretStore: { name: 's' }, clusters: names.map((c) => ({ clusterName: c, network: 'n', apiServer: `https://${c}.example.com` })) });
    const objects = objectsByCluster(mesh);
    const all = Object.entries(objects).flatMap(([c, objs]) => objs.filter((o) => o.kind === 'ExternalSecret' && o.metadata.name.startsWith('istio-remote-secret-')).map((o) => `${c}<-${o.metadata.name.replace('istio-remote-secret-', '')}`));
    expect(all.length).toBe(n * (n - 1));
    for (const consumer of names) {
      expect(all.filter((e) => e.startsWith(`${consumer}<-`)).map((e) => e.split('<-')[1]).sort()).toEqual(names.filter((x) => x !== consumer));
    }
  });

  test('a single-cluster mesh needs no remote secret and no reader identity', () => {
    const mesh = meshOf({ meshID: 'm', secretStore: { name: 's' }, clusters: [{ clusterName: 'solo', network: 'n' }] });
    const kinds = objectsByCluster(mesh).solo.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds.filter((k) => /remote-secret|istio-reader/.test(k))).toEqual([]);
    expect(helmValues(mesh.cluster('solo')!, 'helm-values-base.yaml')).toEqual({});
  });
});

/** Renders the chart's reader-clusterrole.yaml template (fixture) for a given istiodRemote.enabled. */
function chartReaderRules(remoteProfile: boolean): any[] {
  const lines = fs.readFileSync(fixturePath('istio', 'reader-clusterrole.yaml'), 'utf8').split('\n');
  const kept: string[] = [];
  const stack: boolean[] = [];
  for (const line of lines) {
    const t = line.trim();
    if (/^\{\{-? if \.Values\.istiodRemote\.enabled \}\}$/.test(t)) { stack.push(remoteProfile); continue; }
    if (/^\{\{-? if /.test(t)) { stack.push(true); continue; } // resourceScope all + enableReaderRBAC default
    if (/^\{\{-? end ?-?\}\}$/.test(t)) { stack.pop(); continue; }
    if (stack.includes(false) || /^\{\{/.test(t) || t.startsWith('#')) continue;
    kept.push(line.replace(/\{\{ \$mcsAPIGroup \}\}/g, 'multicluster.x-k8s.io').replace(/\{\{.*?\}\}/g, 'X'));
  }
  return (jsyaml.load(kept.join('\n')) as any).rules;
}

describe('reader identity in the source cluster equals Istio\'s charts', () => {
  const objects = objectsByCluster(meshOf(DEFAULT_TOPOLOGY));

  test('ClusterRole istio-reader-clusterrole-istio-system has exactly the chart\'s rules', () => {
    const role = find(objects.cluster1, 'ClusterRole', 'istio-reader-clusterrole-istio-system');
    expect(role.rules).toEqual(chartReaderRules(false));
  });

  test('the remote-profile variant adds exactly the chart\'s istiodRemote rules', () => {
    const { readerClusterRoleRules } = require('../src/reader-identity');
    expect(readerClusterRoleRules(true)).toEqual(chartReaderRules(true));
    expect(chartReaderRules(true).length).toBe(chartReaderRules(false).length + 3);
  });

  test('ClusterRoleBinding binds istio-reader-service-account in istio-system', () => {
    const binding = find(objects.cluster2, 'ClusterRoleBinding', 'istio-reader-clusterrole-istio-system');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'istio-reader-clusterrole-istio-system' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'istio-reader-service-account', namespace: 'istio-system' }]);
  });

  test('an explicit, empty service-account-token Secret for the reader (Kubernetes ≥ 1.24 creates none)', () => {
    const token = find(objects.cluster1, 'Secret', 'istio-reader-service-account-istio-remote-secret-token', 'istio-system');
    expect(token.type).toBe('kubernetes.io/service-account-token');
    expect(token.metadata.annotations['kubernetes.io/service-account.name']).toBe('istio-reader-service-account');
    expect(token.data).toBeUndefined();
    expect(token.stringData).toBeUndefined();
    find(objects.cluster1, 'ServiceAccount', 'istio-reader-service-account', 'istio-system');
  });

  test('the charts are told not to render a second copy (global.enableReaderRBAC: false on base and istiod)', () => {
    const cluster = meshOf(DEFAULT_TOPOLOGY).cluster('cluster1')!;
    expect(helmValues(cluster, 'helm-values-base.yaml')).toEqual({ global: { enableReaderRBAC: false } });
    expect(helmValues(cluster).global.enableReaderRBAC).toBe(false);
    expect(istioOperatorOf(cluster).spec.values.global.enableReaderRBAC).toBe(false);
  });

  test('order: reader identity and cacerts in the trust phase, before the remote secrets that use them', () => {
    const wave = (o: any) => Number(o.metadata.annotations['argocd.argoproj.io/sync-wave']);
    expect(wave(find(objects.cluster2, 'ServiceAccount', 'istio-reader-service-account'))).toBe(-1);
    expect(wave(find(objects.cluster2, 'ExternalSecret', 'cacerts'))).toBe(-1);
    expect(wave(find(objects.cluster1, 'ExternalSecret', 'istio-remote-secret-cluster2'))).toBe(Phase.REMOTE_SECRETS.wave); // last: links never gate (issue 10)
  });
});

describe('shared root CA (cacerts)', () => {
  test('External Secrets: the four plug-in CA files from <prefix>/cacerts/<cluster>', () => {
    const es = find(objectsByCluster(meshOf(DEFAULT_TOPOLOGY)).cluster2, 'ExternalSecret', 'cacerts', 'istio-system');
    expect(es.spec.target.name).toBe('cacerts');
    expect(es.spec.data).toEqual(['ca-cert.pem', 'ca-key.pem', 'root-cert.pem', 'cert-chain.pem'].map((k) => ({
      secretKey: k, remoteRef: { key: 'istio/mesh1/cacerts/cluster2', property: k },
    })));
  });

  test('cert-manager: a per-cluster intermediate (isCA) issued by the named issuer into Secret cacerts', () => {
    const mesh = new Mesh(new App(), 'mesh', { meshId: 'm', secretStore: { name: 's' }, trust: TrustSource.certManager({ issuerName: 'mesh-root' }) });
    const n = mesh.addNetwork('n');
    mesh.addCluster('a', { network: n, apiServer: 'https://a.example.com' });
    mesh.addCluster('b', { network: n, apiServer: 'https://b.example.com' });
    const objects = objectsByCluster(mesh);
    const cert = find(objects.b, 'Certificate', 'cacerts', 'istio-system');
    expect(cert.spec).toMatchObject({ secretName: 'cacerts', isCA: true, issuerRef: { name: 'mesh-root', kind: 'ClusterIssuer', group: 'cert-manager.io' } });
    expect(cert.spec.subject.localities).toEqual(['b']);
    expect(cert.spec.usages).toContain('cert sign');
    expect(objects.b.filter((o) => o.kind === 'ExternalSecret' && o.metadata.name === 'cacerts')).toEqual([]);
  });

  test('examples/multi-primary-cert-manager.yaml wires cert-manager and the kubeconfig directory', () => {
    const { loadTopologyFile } = require('../src');
    const mesh: Mesh = loadTopologyFile(new App(), 'mesh', `${PROJECT_ROOT}/examples/multi-primary-cert-manager.yaml`);
    expect(mesh.trust.certManagerOptions?.issuerName).toBe('mesh-root');
    expect(mesh.remoteSecretDelivery).toBe(RemoteSecretDelivery.KUBECONFIG_DIRECTORY);
    expect(find(objectsByCluster(mesh)['eu-central'], 'Certificate', 'cacerts').spec.issuerRef.name).toBe('mesh-root');
  });
});

describe('kubeconfig directory delivery (PILOT_MULTICLUSTER_KUBECONFIG_PATH, Istio ≥ 1.30)', () => {
  const mesh = meshOf({
    meshID: 'm', secretStore: { name: 's' }, remoteSecrets: { delivery: 'kubeconfigDirectory' },
    clusters: ['a', 'b', 'c'].map((c) => ({ clusterName: c, network: 'n', apiServer: `https://${c}.example.com` })),
  });
  const objects = objectsByCluster(mesh);

  test('one Secret with a <cluster>.yaml kubeconfig per discovered cluster, no labelled remote secrets', () => {
    const es = find(objects.a, 'ExternalSecret', 'istio-remote-kubeconfigs', 'istio-system');
    expect(Object.keys(es.spec.target.template.data)).toEqual(['b.yaml', 'c.yaml']);
    expect(es.spec.target.template.metadata).toBeUndefined(); // istiod does not discover it by label
    const secret = esoResult(es, storeWith('istio/m', ['b', 'c']));
    // istiod takes the cluster ID from the kubeconfig's current context.
    expect((jsyaml.load(secret.stringData['c.yaml']) as any)['current-context']).toBe('c');
    expect(objects.a.some((o) => o.metadata.name.startsWith('istio-remote-secret-'))).toBe(false);
  });

  test('istiod mounts it and reads it from PILOT_MULTICLUSTER_KUBECONFIG_PATH', () => {
    const values = helmValues(mesh.cluster('a')!) as any;
    expect(values.env).toEqual({ PILOT_MULTICLUSTER_KUBECONFIG_PATH: '/etc/istio/remote-kubeconfigs' });
    expect(values.volumes).toEqual([{ name: 'remote-kubeconfigs', secret: { secretName: 'istio-remote-kubeconfigs', optional: true } }]);
    expect(values.volumeMounts).toEqual([{ name: 'remote-kubeconfigs', mountPath: '/etc/istio/remote-kubeconfigs', readOnly: true }]);
    expect(istioOperatorOf(mesh.cluster('a')!).spec.values.pilot.env).toEqual(values.env);
  });
});

describe('mesh-wide mTLS', () => {
  test('PeerAuthentication default, STRICT, in istio-system of every primary', () => {
    const objects = objectsByCluster(meshOf(DEFAULT_TOPOLOGY));
    for (const c of ['cluster1', 'cluster2']) {
      expect(find(objects[c], 'PeerAuthentication', 'default', 'istio-system').spec).toEqual({ mtls: { mode: 'STRICT' } });
    }
  });

  test('opt-out: strictMtls: false', () => {
    const objects = objectsByCluster(meshOf({ ...DEFAULT_TOPOLOGY, strictMtls: false }));
    expect(objects.cluster1.some((o) => o.kind === 'PeerAuthentication')).toBe(false);
  });
});

describe('trust validation', () => {
  const two = (extra: any = {}, c: any = {}) => ({
    meshID: 'm', ...extra,
    clusters: [{ clusterName: 'a', network: 'n', apiServer: 'https://a.example.com', ...c }, { clusterName: 'b', network: 'n', apiServer: 'https://b.example.com' }],
  });
  const problems = (t: unknown) => {
    try {
      meshOf(t).build();
    } catch (e) {
      return (e as MeshValidationError).problems;
    }
    return [];
  };

  test('a missing store reference', () => {
    expect(problems(two())).toEqual([expect.objectContaining({ field: 'secretStore', message: expect.stringMatching(/is missing; remote secrets .* need an External Secrets store/) })]);
  });

  test('a cluster others must discover without an API server URL: the graph would leave a primary blind', () => {
    const t = two({ secretStore: { name: 's' } });
    delete (t.clusters[0] as any).apiServer;
    const p = problems(t);
    expect(p).toEqual([expect.objectContaining({ cluster: 'a', field: 'apiServer', message: expect.stringMatching(/leave the control plane\(s\) of "b" blind to this cluster's endpoints/) })]);
  });

  test('two clusters with the same name: remote-secret key collision', () => {
    const t = { meshID: 'm', secretStore: { name: 's' }, clusters: [{ clusterName: 'a', network: 'n', apiServer: 'https://a.example.com' }, { clusterName: 'a', network: 'n', apiServer: 'https://a2.example.com' }] };
    expect(() => meshOf(t)).toThrow(/would collide on the remote secret istio-remote-secret-a and its data key/);
  });

  test('cert-manager trust without an issuer', () => {
    expect(() => meshOf(two({ secretStore: { name: 's' }, trust: { source: 'certManager' } }))).toThrow(/field "trust.issuer": is required with source certManager/);
  });

  test('an invalid store name', () => {
    expect(problems(two({ secretStore: { name: 'Not_Valid' } }))).toEqual([expect.objectContaining({ field: 'secretStore.name', value: 'Not_Valid' })]);
  });
});
