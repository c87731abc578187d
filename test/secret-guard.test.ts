import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App } from 'cdk8s';
import { k8s } from '../src/k8s';
import { DEFAULT_TOPOLOGY, MeshValidationError, renderMesh } from '../src';
import { loadTopologyFile } from '../src/topology/loader';
import { findSecretMaterial } from '../src/output/secret-guard';
import { redactUrlPasswords, secretInText } from '../src/output/secret-text';
import { renderCluster } from '../src/output/render';
import { exampleFiles, meshOf, snapshotDir } from './support/mesh';
import { runSynth, workspaceWithOutput } from './support/hostile';

/**
 * The secret guard (src/output/secret-guard.ts, secret-text.ts): every synthesized object is checked
 * before anything is written, keys and values, and a finding names the place and the kind of secret but
 * never the secret itself. Fixtures are fake secrets in the shapes real ones have.
 */

// Fake key material: the guard reads the PEM armour, not the key.
const pem = (label: string) => `-----BEGIN ${label}-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7fakeKeyBody\n-----END ${label}-----\n`;
const PRIVATE_PEM_LABELS = ['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'DSA PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'PGP PRIVATE KEY BLOCK'];
const CERTIFICATE = pem('CERTIFICATE');
const b64 = (s: string) => Buffer.from(s).toString('base64');
const b64url = (s: string) => Buffer.from(s).toString('base64url');
// A JWT-shaped token (header.payload.signature), built here so no real token sits in the repository.
const JWT = `${b64url('{"alg":"RS256","kid":"k1"}')}.${b64url('{"iss":"kubernetes/serviceaccount","sub":"system:serviceaccount:istio-system:istio-reader"}')}.c2lnbmF0dXJlLWZha2U`;
// AWS's documented example access key ID.
const AWS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';

/** A ConfigMap-shaped manifest with the given data (the guard checks any kind). */
const configMap = (data: Record<string, string>, metadata: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default', ...metadata }, data });

/** The findings of one manifest, asserting that none of them mentions `secret`. */
function findings(manifest: unknown, secret?: string): { path: string; reason: string }[] {
  const found = findSecretMaterial(manifest);
  if (secret !== undefined) expect(JSON.stringify(found)).not.toContain(secret);
  return found.map((f) => ({ path: f.path, reason: f.reason }));
}

/** Renders a default mesh with `add` applied to cluster1's chart; returns the guard's error. */
function synthWith(add: (cluster: any) => void): MeshValidationError {
  const mesh = meshOf(DEFAULT_TOPOLOGY);
  add(mesh.cluster('cluster1'));
  try {
    renderMesh(mesh);
  } catch (e) {
    if (e instanceof MeshValidationError) return e;
    throw e;
  }
  throw new Error('synth should have failed');
}

describe('PEM private keys, in values and in keys', () => {
  test.each(PRIVATE_PEM_LABELS)('%s in a value', (label) => {
    expect(findings(configMap({ 'key.txt': pem(label) }), 'fakeKeyBody')).toEqual([{ path: 'data.key.txt', reason: 'contains a PEM private key' }]);
  });

  test('a PEM private key in an annotation KEY: the path shows the key redacted', () => {
    const key = pem('RSA PRIVATE KEY');
    const e = synthWith((c) => new ApiObject(c, 'Leak', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'leak', namespace: 'default', annotations: { [key]: 'x' } } }));
    expect(e.problems).toEqual([expect.objectContaining({ cluster: 'cluster1', field: 'ConfigMap/leak metadata.annotations[<key containing a PEM private key>]' })]);
    expect(e.problems[0].value).toBeUndefined();
    expect(e.message).toMatch(/contains a PEM private key; nothing secret may be written to the output\. Fix: /);
    expect(e.message).not.toContain('fakeKeyBody');
    expect(e.message).not.toContain('BEGIN RSA');
  });

  test('nothing below a secret key shows it either', () => {
    const key = `x-${AWS_KEY_ID}`;
    expect(findings({ spec: { [key]: { password: 'hunter2-literal' } } }, AWS_KEY_ID)).toEqual([
      { path: 'spec[<key containing an AWS access key ID>]', reason: 'contains an AWS access key ID' },
      { path: 'spec[<key containing an AWS access key ID>].password', reason: 'holds a literal credential under the name "password"' },
    ]);
  });

  test('public certificates and public keys are not secret (federation carries public trust anchors)', () => {
    expect(findings(configMap({ 'ca.crt': CERTIFICATE, 'root-cert.pem': CERTIFICATE + CERTIFICATE, 'key.pub': pem('PUBLIC KEY'), 'tls.key': pem('PUBLIC KEY') }))).toEqual([]);
    expect(findings({ spec: { caBundle: b64(CERTIFICATE) } })).toEqual([]);
  });
});

describe('base64 that decodes to secret material', () => {
  const key = pem('EC PRIVATE KEY');

  test('a whole base64 value (ConfigMap binaryData, Secret-like data)', () => {
    const encoded = b64(key);
    expect(encoded.startsWith('LS0tLS1CRUdJTi')).toBe(true);
    expect(findings({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, binaryData: { 'tls.bin': encoded } }, encoded.slice(0, 40)))
      .toEqual([{ path: 'binaryData.tls.bin', reason: 'contains a PEM private key, base64-encoded' }]);
  });

  test('wrapped at 76 columns, and url-safe', () => {
    const wrapped = b64(key).replace(/.{76}/g, '$&\n');
    expect(wrapped.split('\n').length).toBeGreaterThan(1);
    expect(findings(configMap({ blob: wrapped }))).toEqual([{ path: 'data.blob', reason: 'contains a PEM private key, base64-encoded' }]);
    expect(findings(configMap({ blob: Buffer.from(key).toString('base64url') }))).toEqual([{ path: 'data.blob', reason: 'contains a PEM private key, base64-encoded' }]);
  });

  test.each([0, 1, 2])('inside other text, at alignment %i', (pad) => {
    // Glued to other base64-alphabet text, so the run starts off a 4-character boundary.
    const text = `config ${'A'.repeat(pad)}${b64(`${'x'.repeat(pad)}${key}`)} end`;
    expect(findings({ metadata: { annotations: { 'example.com/blob': text } } })).toEqual([{ path: 'metadata.annotations.example.com/blob', reason: 'contains a PEM private key, base64-encoded' }]);
  });

  test('base64 of base64, and a kubeconfig client-key-data', () => {
    expect(findings(configMap({ twice: b64(b64(key)) }))).toEqual([{ path: 'data.twice', reason: 'contains a PEM private key, base64-encoded' }]);
    const kubeconfig = `apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    client-certificate-data: ${b64(CERTIFICATE)}\n    client-key-data: ${b64(key)}\n`;
    expect(findings(configMap({ config: kubeconfig })).map((f) => f.path)).toEqual(['data.config']);
  });

  test('in an annotation key', () => {
    expect(findings({ metadata: { annotations: { [b64(key)]: 'v' } } })).toEqual([{ path: 'metadata.annotations[<key containing a PEM private key, base64-encoded>]', reason: 'contains a PEM private key, base64-encoded' }]);
  });
});

describe('passwords in URL userinfo', () => {
  test.each([
    ['https://admin:Sup3rS3cret@cluster2.k8s.example.com:6443', 'Sup3rS3cret'],
    ['https://deploy:gh-Pa55@git.example.com/platform/mesh.git', 'gh-Pa55'],
    ['ssh://git:pw0rd@git.example.com/mesh.git', 'pw0rd'],
    ['https://u:p@ss@host.example.com', 'p@ss'],
  ])('%s', (url, password) => {
    const f = findSecretMaterial({ spec: { source: { repoURL: url } } });
    expect(f).toEqual([expect.objectContaining({ path: 'spec.source.repoURL', reason: 'contains a URL with a password in its userinfo (user:password@host)', fix: expect.stringContaining('remove "user:password@"') })]);
    expect(JSON.stringify(f)).not.toContain(password);
  });

  test('a user alone, an empty password, an environment reference or an e-mail address are not secrets', () => {
    for (const url of ['https://deploy@git.example.com/mesh.git', 'https://deploy:@git.example.com/mesh.git', 'https://deploy:${GIT_PASSWORD}@git.example.com/x.git', 'https://git.example.com/x?owner=a@b.example.com']) {
      expect([url, findings({ spec: { repoURL: url } })]).toEqual([url, []]);
    }
  });

  test('a user that is itself a token is found by the token recognizers', () => {
    expect(findings({ spec: { repoURL: `https://${JWT}@git.example.com/x.git` } }, JWT)).toEqual([{ path: 'spec.repoURL', reason: 'contains a JSON Web Token' }]);
  });

  test('redactUrlPasswords (for messages that show a value) keeps the URL readable', () => {
    expect(redactUrlPasswords('https://admin:Sup3rS3cret@localhost:6443 and ssh://u:p@h/x')).toBe('https://admin:<redacted>@localhost:6443 and ssh://u:<redacted>@h/x');
    expect(redactUrlPasswords('https://cluster1.example.com:6443')).toBe('https://cluster1.example.com:6443');
  });
});

describe('literal credentials in embedded JSON, YAML and key=value text', () => {
  test.each([
    ['JSON', '{"token": "abc123def"}', 'token'],
    ['JSON, escaped inside JSON', '{"auth":"{\\"password\\":\\"hunter2\\"}"}', 'password'],
    ['JSON client-secret', '{"client-secret":"s3cr3t-value"}', 'client-secret'],
    ['JSON apiKey', '{"apiKey": "k-123456"}', 'apiKey'],
    ['JSON secret', '{"secret": "shh-123"}', 'secret'],
    ['YAML token', 'users:\n- name: x\n  user:\n    token: abc123def\n', 'token'],
    ['YAML client-key-data', 'user:\n  client-key-data: Zm9vYmFy\n', 'client-key-data'],
    ['YAML quoted key, DB_PASSWORD', '"DB_PASSWORD": "hunter2"\n', 'DB_PASSWORD'],
    ['YAML literal inside {{ }}', 'user:\n  token: {{ "abc123" }}\n', 'token'],
    ['YAML literal piped inside {{ }}', 'password: {{ "hunter2" | b64enc }}\n', 'password'],
    ['command-line flag', '--token=abc123def', 'token'],
    ['query string', 'https://hooks.example.com/x?access_token=abc123def&x=1', 'access_token'],
  ])('%s', (_name, text, name) => {
    const f = findings(configMap({ 'app.conf': text }));
    expect(f).toEqual([{ path: 'data.app.conf', reason: `contains a literal credential (${JSON.stringify(name)} assigned a value, not a reference to the store)` }]);
  });

  test('messages never carry the value', () => {
    for (const [text, secret] of [['{"token": "abc123def"}', 'abc123def'], ['password: {{ "hunter2" }}', 'hunter2'], ['--api-key=k-9876543', 'k-9876543']]) {
      const e = synthWith((c) => new k8s.KubeConfigMap(c, 'Conf', { metadata: { name: 'conf', namespace: 'default' }, data: { 'app.conf': text } }));
      expect(e.problems).toEqual([expect.objectContaining({ cluster: 'cluster1', field: 'ConfigMap/conf data.app.conf' })]);
      expect(e.message).not.toContain(secret);
    }
  });

  test.each([
    ['an External Secrets reference', 'token: {{ index . "token" }}'],
    ['a field reference', 'password: {{ .password }}'],
    ['a trimmed reference with a function', 'password: {{- .password | b64enc -}}'],
    ['printf with a reference', 'token: {{ printf "%s" .token }}'],
    ['a variable', 'token: {{ $.token }}'],
    ['an environment reference', 'password: $(DB_PASSWORD)\ntoken: ${TOKEN}'],
    ['a placeholder', 'token: <your-token>'],
    ['empty, null, nested or a block', 'token:\n  value: x\npassword: ""\nsecret: null\nclient-secret: |\n'],
    ['not a credential name', 'tokenTTL: 3600\nsecretName: istio-ca\npasswordRef: x\ntype: kubernetes.io/service-account-token'],
    ['prose', 'Bearer authentication uses a token from the store.'],
  ])('not a literal: %s', (_name, text) => {
    expect(findings(configMap({ 'app.conf': text }))).toEqual([]);
  });
});

describe('tokens recognized by their shape', () => {
  test('a JWT, an AWS access key ID, Authorization headers', () => {
    expect(findings(configMap({ a: `id: ${JWT}` }), JWT)).toEqual([{ path: 'data.a', reason: 'contains a JSON Web Token' }]);
    expect(findings(configMap({ a: `aws ${AWS_KEY_ID}` }), AWS_KEY_ID)).toEqual([{ path: 'data.a', reason: 'contains an AWS access key ID' }]);
    expect(findings(configMap({ a: 'curl -H "Authorization: Bearer abcdef123456" https://x' }), 'abcdef123456')).toEqual([{ path: 'data.a', reason: 'contains a literal Authorization header or bearer token' }]);
    expect(findings(configMap({ a: '{"headers": {"authorization": "Basic dXNlcjpwYXNz"}}' }), 'dXNlcjpwYXNz')).toEqual([{ path: 'data.a', reason: 'contains a literal Authorization header or bearer token' }]);
  });

  test('a structured Authorization header value (e.g. in a VirtualService or Helm values)', () => {
    expect(findings({ spec: { headers: { request: { set: { Authorization: 'Basic dXNlcjpwYXNz' } } } } }, 'dXNlcjpwYXNz'))
      .toEqual([{ path: 'spec.headers.request.set.Authorization', reason: 'holds a literal credential under the name "Authorization"' }]);
  });
});

describe('credentials shown by the structure', () => {
  test('a credential-named key with a literal value, a template literal, not a reference', () => {
    expect(findings({ spec: { auth: { clientSecret: 'abc', apiKey: '{{ "k-1" }}', password: '{{ .password }}', token: '' } } }, 'k-1')).toEqual([
      { path: 'spec.auth.clientSecret', reason: 'holds a literal credential under the name "clientSecret"' },
      { path: 'spec.auth.apiKey', reason: 'holds a literal credential under the name "apiKey" (a template expression that is a literal, not a reference to store data)' },
    ]);
  });

  test('an ExternalSecret template data key that is a literal inside {{ }}', () => {
    const es = { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', spec: { target: { template: { data: { token: '{{ "abc123" }}', ok: '{{ index . "token" }}' } } } } };
    expect(findings(es, 'abc123')).toEqual([{ path: 'spec.target.template.data.token', reason: 'holds a literal credential under the name "token" (a template expression that is a literal, not a reference to store data)' }]);
  });

  test('an environment variable or parameter {name, value}', () => {
    const env = [{ name: 'DB_PASSWORD', value: 'hunter2' }, { name: 'GITHUB_TOKEN', valueFrom: { secretKeyRef: { name: 'gh', key: 'token' } } }, { name: 'TOKEN_AUDIENCE', value: 'istio-ca' }, { name: 'API_TOKEN', value: '$(FROM_FILE)' }];
    expect(findings({ spec: { containers: [{ name: 'app', env }] } }, 'hunter2')).toEqual([{ path: 'spec.containers[0].env[0].value', reason: 'holds a literal credential in the value of "DB_PASSWORD"' }]);
  });

  test('private key material under a tls.key-like data key, whatever its encoding', () => {
    expect(findings(configMap({ 'tls.key': 'MHcCAQEEIfakeDERbody', 'ca-key.pem': 'x', 'ssh-privatekey': 'y', 'tls.crt': 'z' }, {}), 'fakeDER').map((f) => f.path))
      .toEqual(['data.tls.key', 'data.ca-key.pem', 'data.ssh-privatekey']);
    // An annotation key that merely ends in ".key" is not a key file.
    expect(findings({ metadata: { annotations: { 'example.com/some.key': 'v' } } })).toEqual([]);
  });

  test('a v1 Secret with data, at any depth (a List), reported once per field without values', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { password: b64('hunter2'), 'tls.key': b64(pem('PRIVATE KEY')) } };
    expect(findings({ apiVersion: 'v1', kind: 'List', items: [secret] }, 'aHVudGVyMg')).toEqual([
      { path: 'items[0].data', reason: 'a Secret with data (password, tls.key) would put secret values in git; deliver them through the secret store (ExternalSecret) instead' },
    ]);
  });

  test('a Secret with stringData fails synth, naming cluster, object and key', () => {
    const e = synthWith((c) => new k8s.KubeSecret(c, 'Leak', { metadata: { name: 'leak', namespace: 'default' }, stringData: { password: 'hunter2' } }));
    expect(e.problems).toEqual([expect.objectContaining({ cluster: 'cluster1', field: 'Secret/leak stringData' })]);
    expect(e.message).toMatch(/stringData \(password\) would put secret values in git/);
    expect(e.message).not.toContain('hunter2');
  });

  test('the service-account token Secret (no data) and the reader ClusterRole are not secrets', () => {
    const sa = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'istio-reader-service-account-istio-remote-secret-token', annotations: { 'kubernetes.io/service-account.name': 'istio-reader-service-account' } }, type: 'kubernetes.io/service-account-token' };
    expect(findings(sa)).toEqual([]);
    const objects = renderCluster(buildDefault().cluster('cluster1')!).map((o) => o.manifest);
    const role = objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name.startsWith('istio-reader'));
    expect(role).toBeDefined();
    expect(findings(role)).toEqual([]);
  });
});

describe('shared, frozen bodies', () => {
  test('secret material in a frozen body (PlainApiObject) is found in every object that uses it', () => {
    const { PlainApiObject } = require('../src/plain-api-object');
    const body = { data: { 'tls.key': pem('PRIVATE KEY') }, binaryData: { [b64(pem('PRIVATE KEY'))]: 'eA==' } };
    const e = synthWith((c) => {
      new PlainApiObject(c, 'A', { gvk: { apiVersion: 'v1', kind: 'ConfigMap' }, metadata: { name: 'a', namespace: 'default' }, body });
      new PlainApiObject(c, 'B', { gvk: { apiVersion: 'v1', kind: 'ConfigMap' }, metadata: { name: 'b', namespace: 'default' }, body });
    });
    expect(e.problems.map((p) => p.field)).toEqual([
      'ConfigMap/a data.tls.key', 'ConfigMap/a binaryData[<key containing a PEM private key, base64-encoded>]',
      'ConfigMap/b data.tls.key', 'ConfigMap/b binaryData[<key containing a PEM private key, base64-encoded>]',
    ]);
    expect(e.message).not.toContain('fakeKeyBody');
  });
});

function buildDefault() {
  const mesh = meshOf(DEFAULT_TOPOLOGY);
  mesh.build();
  return mesh;
}

describe('no false positives on our own output', () => {
  test.each([['default topology', ''], ...exampleFiles().map((f) => [path.basename(f), f])])('%s: every object and install input is clean', (_name, file) => {
    const mesh = file ? loadTopologyFile(new App(), 'mesh', file) : meshOf(DEFAULT_TOPOLOGY);
    expect(() => renderMesh(mesh)).not.toThrow();
    let documents = 0;
    for (const cluster of mesh.clusters) {
      const all = [...renderCluster(cluster).map((o) => o.manifest), ...cluster.installInputs.releases.map((r) => r.values), ...cluster.installInputs.istioOperators.map((o) => o.manifest)];
      for (const d of all) expect([d.kind, d.metadata?.name, findSecretMaterial(d)]).toEqual([d.kind, d.metadata?.name, []]);
      documents += all.length;
    }
    expect(documents).toBeGreaterThan(20);
  });

  test('our ExternalSecret template really holds the reference the guard lets through', () => {
    const objects = renderCluster(buildDefault().cluster('cluster1')!).map((o) => o.manifest);
    const es = objects.find((o) => o.kind === 'ExternalSecret' && o.metadata.name === 'istio-remote-secret-cluster2');
    expect(JSON.stringify(es)).toContain(`token: '{{ index . \\"token\\" }}'`);
    expect(secretInText(`token: '{{ index . "token" }}'`)).toBeUndefined();
    expect(secretInText('token: {{ index . "token" }}')).toBeUndefined();
    expect(secretInText('token: {{ "token" }}')).toBeDefined();
  });
});

describe('topology values with a password in URL userinfo: refused, nothing written, nothing leaked', () => {
  /**
   * Synthesizes `topology` over a previous output: exit 1, a problem line matching `where` with a fix,
   * `secret` nowhere in the output, the output byte-identical and no temporary tree left. (A password in
   * a URL may also be refused by the model's validation, before the guard: either is right.)
   */
  function expectRefusedWithoutLeak(topology: string, secret: string, where: RegExp): void {
    const { dir, outdir } = workspaceWithOutput();
    const before = snapshotDir(outdir);
    const file = path.join(dir, 'topology.yaml');
    fs.writeFileSync(file, topology);
    const r = runSynth({ CDK8S_OUTDIR: outdir, MESH_TOPOLOGY: file });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain(secret);
    if (!r.stderr.split('\n').some((l) => where.test(l) && l.includes('Fix: '))) throw new Error(`expected a problem matching ${where} with a fix:\n${r.stderr}`);
    expect(snapshotDir(outdir)).toEqual(before);
    expect(fs.readdirSync(dir).sort()).toEqual(['dist', 'topology.yaml']);
  }

  const topology = (apiServer2: string, repoURL = 'https://git.example.com/platform/mesh1-gitops.git') => [
    'meshID: mesh1',
    'secretStore: { name: mesh-secrets }',
    `argoCd: { repoURL: '${repoURL}' }`,
    'clusters:',
    '  - { clusterName: cluster1, network: network1, apiServer: "https://cluster1.k8s.example.com:6443" }',
    `  - { clusterName: cluster2, network: network1, apiServer: "${apiServer2}" }`,
    '',
  ].join('\n');

  test('apiServer', () => {
    // The guard names where it would have been written (cluster1's remote secret for cluster2); validation
    // would name cluster2's apiServer.
    expectRefusedWithoutLeak(topology('https://admin:Sup3rS3cret@cluster2.k8s.example.com:6443'), 'Sup3rS3cret',
      /cluster "cluster1", field "ExternalSecret\/istio-remote-secret-cluster2 spec\.target\.template\.data\.cluster2": contains a URL with a password .*Fix: remove "user:password@"|cluster "cluster2", field "apiServer"/);
  });

  test('argoCd.repoURL', () => {
    expectRefusedWithoutLeak(topology('https://cluster2.k8s.example.com:6443', 'https://deploy:gh-Pa55w0rd@git.example.com/platform/mesh.git'), 'gh-Pa55w0rd',
      /field "Application\/mesh1-cluster1 spec\.sources\[\d+\]\.repoURL": contains a URL with a password .*Fix: remove "user:password@"|field "argoCd\.repoURL"/);
  });

  test('an ssh user without a password is accepted; an https user name is refused by validation (it may be a token)', () => {
    const { dir, outdir } = workspaceWithOutput();
    const file = path.join(dir, 'topology.yaml');
    fs.writeFileSync(file, topology('https://cluster2.k8s.example.com:6443', 'ssh://git@git.example.com/platform/mesh.git'));
    expect(runSynth({ CDK8S_OUTDIR: outdir, MESH_TOPOLOGY: file }).code).toBe(0);
    fs.writeFileSync(file, topology('https://cluster2.k8s.example.com:6443', 'https://ghp0token0value@git.example.com/platform/mesh.git'));
    const r = runSynth({ CDK8S_OUTDIR: outdir, MESH_TOPOLOGY: file });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('field "argoCd.repoURL"');
    expect(r.stderr).not.toContain('ghp0token0value');
  });
});
