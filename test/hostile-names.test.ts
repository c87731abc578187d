import { expectAccepted, expectRejected } from './support/hostile';
import { argoCd, externalControlPlane, hasYamlScalar, meshText, primary, twoPrimaries } from './support/topologies';

// Strings that become object names, label values, annotation keys, Secret references and durations:
// each validated by the rule of the place it lands in (issue 9).
describe('hostile names: clusters and networks', () => {
  test('an invalid cluster name says why the rule exists, and no false meshID problem follows', () => {
    const stderr = expectRejected(meshText([primary('Cluster_1'), primary('cluster2')], argoCd()), {
      cluster: 'Cluster_1', field: 'clusterName', contains: ['"Cluster_1"', 'istio-remote-secret-<name>', 'dist/<name>/', 'e.g. "cluster-1"'],
    });
    expect(stderr).not.toContain('field "meshID"');
  });

  test('an invalid network names the first cluster on it and lists the others', () => {
    const text = meshText([primary('cluster1', { network: 'net work' }), primary('cluster2', { network: 'net work' }), primary('cluster3', { network: 'net work' })]);
    expectRejected(text, { cluster: 'cluster1', field: 'network', contains: ['"net work"', 'also the network of "cluster2", "cluster3"', 'e.g. "net-work"'] });
  });
});

describe('hostile names: tlsServerName', () => {
  test.each([
    ['a template expression', '{{ .token }}', ['template delimiters']],
    ['a newline that adds a kubeconfig field', 'c2.example.com\n    insecure-skip-tls-verify: true', ['U+000A']],
    ['uppercase letters', 'C2.Example.com', ['write "c2.example.com"']],
    ['an IPv4 look-alike', '10.0.0.256', ['looks like an IPv4 address']],
    ['a port', 'c2.example.com:6443', ['contains a port']],
    ['a URL', 'https://c2.example.com', ['is a URL']],
  ])('rejects %s', (_what, tlsServerName, contains) => {
    expectRejected(twoPrimaries({}, { tlsServerName }), { cluster: 'cluster2', field: 'tlsServerName', contains: [JSON.stringify(tlsServerName), ...contains] });
  });

  test('accepts a DNS name and an IP', () => {
    const tree = expectAccepted(twoPrimaries({ tlsServerName: '10.0.0.1' }, { tlsServerName: 'c2.internal' }));
    expect(tree['cluster1/80-remote-secrets/externalsecret_istio-system_istio-remote-secret-cluster2.yaml']).toMatch(/tls-server-name: ['"]?c2\.internal['"]?\s/);
  });
});

describe('hostile names: east-west gateway Service annotations', () => {
  const gateway = (serviceAnnotations: Record<string, string>) => ({ eastWestGateway: { enabled: true, serviceAnnotations } });
  test.each([
    ['a key of 1,100 characters', 'x'.repeat(1100), ['1100 characters', 'at most 63']],
    ['a key with a space', 'bad key', ['"bad key"', 'name part']],
    ['an empty prefix', '/internal', ['empty prefix']],
    ['an uppercase prefix', 'Example.com/lb', ['prefix "Example.com"']],
    ['an empty name', 'example.com/', ['empty name']],
    ['a key with a newline', 'a\nb: c', ['name part']],
    ['a PEM-looking key', '-----BEGIN PRIVATE KEY-----', ['name part']],
  ])('rejects %s', (_what, key, contains) => {
    expectRejected(twoPrimaries({}, gateway({ [key]: 'v' })), { cluster: 'cluster2', field: 'eastWestGateway.serviceAnnotations', contains });
  });

  test('rejects the sync-wave annotation synth sets itself', () => {
    expectRejected(twoPrimaries({}, gateway({ 'argocd.argoproj.io/sync-wave': '-5' })), {
      cluster: 'cluster2', field: 'eastWestGateway.serviceAnnotations.argocd.argoproj.io/sync-wave', contains: ['"-5"', 'overwritten'],
    });
  });

  test.each([
    ['DEL', 'a\u007fb', 'U+007F'], ['NEL', 'a\u0085b', 'U+0085'], ['a line separator', 'a\u2028b', 'U+2028'],
    ['U+FFFE', 'a\ufffeb', 'U+FFFE'], ['a bell', 'a\u0007b', 'U+0007'],
  ])('rejects a value with %s, which kustomize or go-yaml cannot read back', (_what, value, code) => {
    expectRejected(twoPrimaries({}, gateway({ 'example.com/a': value })), {
      cluster: 'cluster2', field: 'eastWestGateway.serviceAnnotations.example.com/a', contains: [code, 'remove the control character'],
    });
  });

  test('accepts a multi-line value with tabs', () => {
    const tree = expectAccepted(twoPrimaries({}, gateway({ 'example.com/a': 'line 1\n\tline 2' })));
    expect(tree['cluster2/40-gateways/service_istio-system_istio-eastwestgateway.yaml']).toContain('example.com/a:');
  });

  test('rejects annotations over 256 KiB in total', () => {
    expectRejected(twoPrimaries({}, gateway({ 'example.com/a': 'x'.repeat(200 * 1024), 'example.com/b': 'y'.repeat(60 * 1024) })), {
      cluster: 'cluster2', field: 'eastWestGateway.serviceAnnotations', contains: ['266266 bytes', '262144'],
    });
  });

  test('accepts valid keys, with and without prefix, and writes them', () => {
    const tree = expectAccepted(twoPrimaries({}, gateway({ 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true', 'Plain_Name.x': 'y' })));
    const service = tree['cluster2/40-gateways/service_istio-system_istio-eastwestgateway.yaml'];
    expect(service).toContain('service.beta.kubernetes.io/aws-load-balancer-internal:');
    expect(service).toContain('Plain_Name.x:');
  });
});

describe('hostile names: Argo CD destination name', () => {
  test.each([
    ['empty', '', ['is empty']],
    ['with a newline', 'in-cluster\nnamespace: kube-system', ['U+000A']],
    ['with a space', 'my cluster', ['U+0020']],
    ['with template delimiters', '{{ .name }}', ['"{{"']],
  ])('rejects a name that is %s', (_what, name, contains) => {
    expectRejected(twoPrimaries({}, { argoCdDestination: { name } }, argoCd()), { cluster: 'cluster2', field: 'argoCdDestination.name', contains: [JSON.stringify(name), ...contains] });
  });

  test('accepts an EKS ARN, the name `argocd cluster add` gives such clusters', () => {
    const arn = 'arn:aws:eks:eu-west-1:123456789012:cluster/mesh-c2';
    const tree = expectAccepted(twoPrimaries({}, { argoCdDestination: { name: arn } }, argoCd()));
    expect(hasYamlScalar(tree['_argocd/application_argocd_mesh1-cluster2.yaml'], 'name', arn)).toBe(true);
  });
});

describe('hostile names: external control plane', () => {
  test('rejects a tlsCredentialName that is not a Secret name', () => {
    expectRejected(externalControlPlane({ tlsCredentialName: '../Bad Name' }), {
      cluster: 'external', field: 'externalIstiod.tlsCredentialName', contains: ['"../Bad Name"', 'DNS-1123 subdomain', 'e.g. "bad-name"'],
    });
  });

  test('rejects istio-system as the external istiod namespace (the ingress gateway lives there)', () => {
    expectRejected(externalControlPlane({ namespace: 'istio-system' }), { cluster: 'external', field: 'externalIstiod.namespace', contains: ['"istio-system"', 'external-istiod'] });
  });

  test('rejects an invalid namespace', () => {
    expectRejected(externalControlPlane({ namespace: 'External_Istiod' }), { cluster: 'external', field: 'externalIstiod.namespace', contains: ['"External_Istiod"'] });
  });
});

describe('hostile names: trust duration', () => {
  const certManager = (duration: string) => ({ trust: { source: 'certManager', issuer: { name: 'mesh-root' }, duration } });
  test.each([
    ['a word', 'forever', ['not a Go duration', 'e.g. "8760h"']],
    ['days, which Go has not', '365d', ['no "d"', 'write "8760h"']],
    ['a negative duration', '-8760h', ['shorter than one hour']],
    ['less than an hour', '30m', ['shorter than one hour']],
    ['a space', '8760 h', ['not a Go duration']],
    ['a number without unit', '8760', ['not a Go duration']],
  ])('rejects %s', (_what, duration, contains) => {
    expectRejected(twoPrimaries({}, {}, certManager(duration)), { field: 'trust.duration', contains: [JSON.stringify(duration), ...contains] });
  });

  test.each(['8760h', '720h0m0s', '1h', '1.5h'])('accepts %s and writes it', (duration) => {
    const tree = expectAccepted(twoPrimaries({}, {}, certManager(duration)));
    expect(hasYamlScalar(tree['cluster1/10-trust/certificate_istio-system_cacerts.yaml'], 'duration', duration)).toBe(true);
  });
});

describe('hostile names: one mistake, one problem', () => {
  test('an invalid meshID with Argo CD output is reported once', () => {
    const stderr = expectRejected(twoPrimaries({}, {}, { meshID: 'mesh 1', ...argoCd() }), { field: 'meshID', contains: ['"mesh 1"'] });
    expect(stderr.match(/field "meshID"/g)).toHaveLength(1);
  });

  test('a meshID that is a label value but cannot name Applications is still reported', () => {
    expectRejected(twoPrimaries({}, {}, { meshID: 'mesh_1', ...argoCd() }), { field: 'meshID', contains: ['cannot name Argo CD Applications'] });
  });
});
