import { execFileSync } from 'child_process';
import { generateKeyPairSync } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { Mesh } from '../src';
import { Federation } from '../src/federation/federation';
import { renderFederation } from '../src/federation/synthesize-federation';
import { TrustAnchor } from '../src/federation/trust-anchor';
import { findSecretMaterial } from '../src/output/secret-guard';
import { parseYamlDocuments } from '../src/output/yaml';
import { writeTreeAtomically } from '../src/output/writer';
import { federationFromTopology, loadFederationFile } from '../src/topology/federation-loader';
import { ROOT_CERT, twoMeshesFederation } from './support/federation-examples';
import { expectRejected, runSynth } from './support/hostile';
import { fixtureDocs, helmValues, istioOperatorOf, PROJECT_ROOT, snapshotDir } from './support/mesh';
import { expectValid } from './support/schema-validator';

const EXAMPLE = path.join(PROJECT_ROOT, 'examples', 'federation', 'two-meshes.yaml');
const EXAMPLE_TEXT = fs.readFileSync(EXAMPLE, 'utf8');
const tree = (files: { path: string; content: string }[]) => Object.fromEntries(files.map((f) => [f.path, f.content]));
const doc = (t: Record<string, string>, p: string) => parseYamlDocuments(t[p])[0] as any;

describe('example: two federated meshes (examples/federation/two-meshes.yaml)', () => {
  const files = tree(renderFederation(loadFederationFile(new App(), 'federation', EXAMPLE)));

  test('the TypeScript API and the topology file give identical output, byte for byte', () => {
    expect(tree(renderFederation(twoMeshesFederation().federation))).toEqual(files);
  });

  test('deterministic: a second render is identical', () => {
    expect(tree(renderFederation(loadFederationFile(new App(), 'federation', EXAMPLE)))).toEqual(files);
  });

  test('layout: one folder per meshID, each a whole mesh output, and a federation README with a Mermaid picture', () => {
    const tops = [...new Set(Object.keys(files).map((p) => p.split('/')[0]))].sort();
    expect(tops).toEqual(['README.md', 'mesh-a', 'mesh-b']);
    expect(files['mesh-a/cluster-a/kustomization.yaml']).toBeDefined();
    expect(files['mesh-b/_install-inputs/cluster-b/helm-values-istiod.yaml']).toBeDefined();
    expect(files['README.md']).toContain('```mermaid');
    expect(files['README.md']).toContain('m1 -->|"imports bookinfo/reviews (mTLS via east-west gateway)"| m0e0');
  });

  test('every object is valid against the upstream schemas', () => {
    const objects = Object.entries(files).filter(([p]) => /^mesh-[ab]\/cluster-[ab]\/\d\d-/.test(p) && !p.endsWith('kustomization.yaml')).map(([, c]) => parseYamlDocuments(c)[0]);
    expect(objects.length).toBeGreaterThan(10);
    expectValid(objects);
  });

  test('secret-free: public roots pass the secret guard; nothing secret is found anywhere', () => {
    for (const [p, c] of Object.entries(files)) {
      if (p.endsWith('.md')) continue;
      for (const d of parseYamlDocuments(c)) expect([p, findSecretMaterial(d)]).toEqual([p, []]);
    }
    expect(Object.values(files).join('\n')).not.toMatch(/PRIVATE KEY/);
  });

  test('kubectl kustomize renders every cluster directory', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fed-kustomize-')), 'dist');
    writeTreeAtomically(out, Object.entries(files).map(([p, content]) => ({ path: p, content })));
    for (const dir of ['mesh-a/cluster-a', 'mesh-b/cluster-b']) {
      const rendered = execFileSync('kubectl', ['kustomize', path.join(out, dir)], { encoding: 'utf8' });
      const expected = Object.keys(files).filter((p) => p.startsWith(`${dir}/`) && !p.endsWith('kustomization.yaml')).length;
      expect(rendered.split(/^---$/m).filter((d) => d.trim() !== '').length).toBe(expected);
    }
  });

  // Derived from Istio's code, not documented (ISTIO-ADVANCED-FACTS §1.4): pinned object by object.
  test('exporter: a narrowed AUTO_PASSTHROUGH Gateway exposing only the exported host (not "*.local")', () => {
    expect(doc(files, 'mesh-a/cluster-a/50-mesh-config/gateway_istio-system_federation-exports.yaml').spec).toEqual({
      selector: { istio: 'eastwestgateway' },
      servers: [{ port: { number: 15443, name: 'tls', protocol: 'TLS' }, tls: { mode: 'AUTO_PASSTHROUGH' }, hosts: ['bookinfo/reviews.bookinfo.svc.cluster.local'] }],
    });
    expect(Object.keys(files).filter((p) => p.includes('cross-network-gateway'))).toEqual([]);
  });

  test('exporter: an AuthorizationPolicy admitting the importer\'s caller by principal (its trust domain), and keeping the service open to its own mesh', () => {
    expect(doc(files, 'mesh-a/cluster-a/50-mesh-config/authorizationpolicy_bookinfo_federation-reviews.yaml').spec).toEqual({
      selector: { matchLabels: { app: 'reviews' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['mesh-a.example.com/*', 'mesh-b.example.com/ns/frontend/sa/bookinfo-productpage'] } }] }],
    });
  });

  test('importer: ServiceEntry with the exporter\'s hostname and SAN, address-less WorkloadEntry on the exporter\'s network', () => {
    const labels = { app: 'reviews', 'federation.cdk8s-istio-multicluster.io/mesh': 'mesh-a', 'federation.cdk8s-istio-multicluster.io/namespace': 'bookinfo' };
    expect(doc(files, 'mesh-b/cluster-b/50-mesh-config/serviceentry_istio-system_federation-mesh-a-bookinfo-reviews.yaml').spec).toEqual({
      hosts: ['reviews.bookinfo.svc.cluster.local'], location: 'MESH_INTERNAL', resolution: 'STATIC',
      ports: [{ number: 9080, name: 'http' }], workloadSelector: { labels },
      subjectAltNames: ['spiffe://mesh-a.example.com/ns/bookinfo/sa/bookinfo-reviews'],
    });
    expect(doc(files, 'mesh-b/cluster-b/50-mesh-config/workloadentry_istio-system_federation-mesh-a-bookinfo-reviews-0.yaml').spec).toEqual({
      network: 'network-a', labels: { ...labels, 'security.istio.io/tlsMode': 'istio' },
    });
    // Nothing of the import in the exporter, no remote secret anywhere.
    expect(Object.keys(files).filter((p) => p.startsWith('mesh-a/') && /serviceentry|workloadentry/.test(p))).toEqual([]);
    expect(Object.keys(files).filter((p) => /remote-secret|80-remote-secrets/.test(p))).toEqual([]);
  });

  test('trust: each mesh carries the peer\'s root for the peer\'s trust domain, with the flags of Istio\'s multi-root test', () => {
    const [istioTest] = fixtureDocs('federation', 'ca-custom-root-values.yaml') as any[];
    const { federation, meshA, meshB } = twoMeshesFederation();
    federation.build();
    for (const [mesh, peerPem, peerTd] of [[meshA, ROOT_CERT.meshB, 'mesh-b.example.com'], [meshB, ROOT_CERT.meshA, 'mesh-a.example.com']] as const) {
      const c = mesh.clusters[0];
      const helm = helmValues(c);
      const iop = istioOperatorOf(c).spec;
      for (const [meshConfig, env] of [[helm.meshConfig, helm.env], [iop.meshConfig, iop.values.pilot.env]]) {
        expect(meshConfig.caCertificates).toEqual([{ pem: peerPem, trustDomains: [peerTd] }]);
        expect(meshConfig.trustDomain).toBe(mesh.trustDomain);
        // The same keys as Istio's test (values as strings: env values are strings in the Deployment).
        expect(Object.keys(env)).toEqual(Object.keys(istioTest.values.pilot.env));
        expect(env.ISTIO_MULTIROOT_MESH).toBe('true');
        expect(meshConfig.defaultConfig.proxyMetadata.PROXY_CONFIG_XDS_AGENT).toBe(istioTest.values.meshConfig.defaultConfig.proxyMetadata.PROXY_CONFIG_XDS_AGENT);
        // No aliases: they would make the peer's identities equal to our own.
        expect(meshConfig.trustDomainAliases).toBeUndefined();
      }
    }
    // The importer resolves the imported host through the DNS proxy and reaches network-a through its gateway.
    const b = helmValues(meshB.clusters[0]);
    expect(b.meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE).toBe('true');
    expect(b.global.meshNetworks).toEqual({ 'network-a': { endpoints: [{ fromRegistry: 'cluster-a' }], gateways: [{ address: '192.0.2.10', port: 15443 }] } });
    expect(helmValues(meshA.clusters[0]).global.meshNetworks).toBeUndefined();
    expect(istioOperatorOf(meshB.clusters[0]).spec.values.global.meshNetworks).toEqual(b.global.meshNetworks);
  });

  test('Sail Operator and Argo CD: the Istio resource carries the same trust values; Applications point into the mesh folder', () => {
    const d = parseYamlDocuments(EXAMPLE_TEXT)[0] as any;
    d.meshes[0].argoCd = { repoURL: 'https://git.example.com/platform/fed.git', path: 'dist/mesh-a', istioInstall: 'sailOperator' };
    const t = tree(renderFederation(federationFromTopology(new App(), 'federation', d)));
    const istio = parseYamlDocuments(t[Object.keys(t).find((p) => p.startsWith('mesh-a/cluster-a/') && p.includes('/istio_'))!])[0] as any;
    expect(istio.kind).toBe('Istio');
    expect(istio.spec.values.meshConfig.caCertificates).toEqual([{ pem: ROOT_CERT.meshB, trustDomains: ['mesh-b.example.com'] }]);
    expect(istio.spec.values.pilot.env.ISTIO_MULTIROOT_MESH).toBe('true');
    const application = Object.keys(t).filter((p) => p.startsWith('mesh-a/_argocd/application_')).map((p) => parseYamlDocuments(t[p])[0] as any).find((a) => a.metadata.name.includes('cluster-a') && !a.metadata.name.includes('external-secrets'));
    expect(JSON.stringify(application.spec)).toContain('dist/mesh-a/cluster-a');
    expectValid([istio, application]);
  });

  test('the synth app writes the federation layout into an owned output directory, and re-synthesizes over it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fed-synth-'));
    const outdir = path.join(dir, 'dist');
    const first = runSynth({ CDK8S_OUTDIR: outdir, MESH_TOPOLOGY: EXAMPLE });
    expect(first).toEqual({ code: 0, stderr: `synthesized 2 federated mesh(es) ("mesh-a", "mesh-b") into ${outdir}/\n` });
    const written = snapshotDir(outdir);
    expect(Object.keys(written)).toContain('.cdk8s-istio-multicluster');
    const { '.cdk8s-istio-multicluster': _marker, ...rest } = written;
    expect(rest).toEqual(files);
    expect(runSynth({ CDK8S_OUTDIR: outdir, MESH_TOPOLOGY: EXAMPLE }).code).toBe(0);
    expect(snapshotDir(outdir)).toEqual(written);
  });
});

/** The example with one edit (a function of the parsed text, re-serialized as JSON: also a topology file). */
function edited(edit: (d: any) => void): string {
  const d = parseYamlDocuments(EXAMPLE_TEXT)[0] as any;
  edit(d);
  return JSON.stringify(d);
}

describe('bad input: rejected with the mesh and field named, the output untouched', () => {
  test('two meshes with one meshID', () => {
    expectRejected(edited((d) => { d.meshes[1].meshID = 'mesh-a'; }), { field: 'meshes[1].meshID', contains: ['globally unique'] });
    // The TypeScript API has no names to resolve: the federation reports it.
    const app = new App();
    const f = new Federation(app, 'f', { meshes: ['m', 'm'].map((id, i) => ({ mesh: new Mesh(app, `m${i}`, { meshId: id, trustDomain: `td${i}.example` }), trustAnchor: TrustAnchor.fromPem(ROOT_CERT.meshA) })) });
    expect(f.problems().filter((p) => p.field === 'federation.meshes[m].meshID')).toHaveLength(1);
  });
  test('an ambient mesh in a federation (federation needs the classic east-west gateway)', () => {
    expectRejected(edited((d) => { d.meshes[1].dataPlaneMode = 'ambient'; d.meshes[1].clusters[0].eastWestGateway = { enabled: true }; }), { field: 'federation.meshes[mesh-b].dataPlaneMode', contains: ['"ambient"', 'classic east-west gateway', 'dataPlaneMode: sidecar'] });
  });
  test('two meshes with one trust domain', () => {
    expectRejected(edited((d) => { d.meshes[1].trustDomain = 'mesh-a.example.com'; }), { field: 'federation.meshes[mesh-b].trustDomain', contains: ['"mesh-a.example.com"', 'trust domain of mesh "mesh-a"'] });
  });
  test('a cluster in two meshes', () => {
    expectRejected(edited((d) => { d.meshes[1].clusters[0].clusterName = 'cluster-a'; d.meshes[1].applications[0].workloads[0].placement.clusters = ['cluster-a']; }), { cluster: 'cluster-a', field: 'federation.meshes[mesh-b].clusters', contains: ['also a cluster of mesh "mesh-a"'] });
  });
  test('an import of a service the exporter does not export', () => {
    expectRejected(edited((d) => { d.federation.exports = []; }), { field: 'federation.meshes[mesh-b].imports[bookinfo/reviews]', contains: ['is not exported by mesh "mesh-a"'] });
  });
  test('an export of a service that does not exist', () => {
    expectRejected(edited((d) => { d.federation.exports[0].service = 'ratings'; }), { field: 'federation.meshes[mesh-a].exports[bookinfo/ratings]', contains: ['names no service of mesh "mesh-a"', 'bookinfo/reviews'] });
  });
  test('a trust anchor that is not a PEM certificate', () => {
    expectRejected(edited((d) => { d.federation.trustAnchors[1].pem = 'not a certificate'; }), { field: 'federation.meshes[mesh-b].trustAnchor.pem', contains: ['is not a PEM certificate'] });
    const broken = ROOT_CERT.meshB.replace(/^(-----BEGIN CERTIFICATE-----\n)MII/, '$1AAA');
    expectRejected(edited((d) => { d.federation.trustAnchors[1].pem = broken; }), { field: 'federation.meshes[mesh-b].trustAnchor.pem', contains: ['does not parse as X.509'] });
  });
  test('a trust anchor that contains a private key: refused, and not one character of the key is shown', () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const stderr = expectRejected(edited((d) => { d.federation.trustAnchors[0].pem = `${ROOT_CERT.meshA}${key}`; }), {
      field: 'federation.meshes[mesh-a].trustAnchor.pem', contains: ['contains a private key', 'rotate that key'],
    });
    const body = key.split('\n')[1];
    expect(stderr).not.toContain(body.slice(0, 16));
    expect(stderr).not.toContain('BEGIN PRIVATE KEY');
  });
  test('an exporting mesh without an east-west gateway', () => {
    expectRejected(edited((d) => { d.meshes[0].clusters[0].eastWestGateway = { enabled: false }; }), {
      cluster: 'cluster-a', field: 'eastWestGateway.enabled', contains: ['exports bookinfo/reviews', 'enable the east-west gateway'],
    });
  });
  test('every problem at once, across the meshes and the federation', () => {
    const stderr = expectRejected(edited((d) => {
      d.meshes[1].meshID = 'mesh-a';
      d.meshes[0].clusters[0].network = 'bad network';
      d.federation.exports[0].service = 'ratings';
    }), { field: 'meshes[1].meshID' });
    expect(stderr).toContain('meshes[0] (meshID \\"mesh-a\\").network');
    // With every mesh built, the federation's checks join the loader's.
    const both = expectRejected(edited((d) => {
      d.meshes[1].trustDomain = 'mesh-a.example.com';
      d.federation.imports[0].callers = ['frontend/nobody'];
      d.federation.exports[0].service = 'ratings';
    }), { field: 'federation.imports[0].callers[0]', contains: ['names no workload of mesh "mesh-b"'] });
    expect(both).toContain('field "federation.meshes[mesh-b].trustDomain"');
    expect(both).toContain('field "federation.meshes[mesh-a].exports[bookinfo/ratings]"');
  });
  test('a hostname that differs from the exporter\'s (TypeScript API)', () => {
    const { federation, meshA, meshB } = twoMeshesFederation();
    federation.importService(meshB, { namespace: 'bookinfo', service: 'reviews' }, { from: meshA, host: 'reviews.bookinfo.global' });
    expect(federation.problems()).toEqual([expect.objectContaining({
      field: 'federation.meshes[mesh-b].imports[bookinfo/reviews].host', value: 'reviews.bookinfo.global',
      fix: 'use "reviews.bookinfo.svc.cluster.local" (or omit host)',
    })]);
  });
  test('a network name used by two meshes, and an importer with its own service of the hostname (TypeScript API)', () => {
    const app = new App();
    const a = new Mesh(app, 'a', { meshId: 'a', trustDomain: 'a.example' });
    const b = new Mesh(app, 'b', { meshId: 'b', trustDomain: 'b.example' });
    const ca = a.addCluster('c1', { network: a.addNetwork('net'), eastWestGateway: { enabled: true, address: '192.0.2.1' } });
    const cb = b.addCluster('c2', { network: b.addNetwork('net') });
    for (const [m, c] of [[a, ca], [b, cb]] as const) {
      const svc = m.addApplication('shop').addService('cart', { ports: [{ port: 80, name: 'http' }] });
      svc.application.addWorkload('cart', { image: 'example.com/cart:1', placement: { clusters: [c] } });
    }
    const f = new Federation(app, 'f', { meshes: [{ mesh: a, trustAnchor: TrustAnchor.fromPem(ROOT_CERT.meshA) }, { mesh: b, trustAnchor: TrustAnchor.fromSpiffeBundleUrl('https://bundle.b.example:8443') }] });
    f.export(a, { namespace: 'shop', service: 'cart' }, { to: b });
    expect(f.problems().map((p) => [p.field, p.value])).toEqual([
      ['federation.meshes[b].network', 'net'],
      ['federation.meshes[b].imports[shop/cart]', 'shop/cart'],
    ]);
  });
});

describe('trust anchors (TypeScript API)', () => {
  const problems = (a: TrustAnchor) => a.problems('anchor').map((p) => [p.field, p.message]);
  test.each([
    ['pkcs8', () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string],
    ['sec1 (EC PRIVATE KEY)', () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'sec1', format: 'pem' }) as string],
    ['pkcs1 (RSA PRIVATE KEY)', () => generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }) as string],
    ['encrypted pkcs8', () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }) as string],
  ])('a %s private key next to the certificate is refused without showing the value', (_n, key) => {
    const found = TrustAnchor.fromPem(`${ROOT_CERT.meshA}${key()}`).problems('anchor');
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('contains a private key');
    expect(found[0].value).toBeUndefined();
  });
  test('a leaf certificate, text around the blocks, an empty PEM and a bad bundle URL are refused; roots and https bundles pass', () => {
    expect(problems(TrustAnchor.fromPem(fs.readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'federation', 'leaf-cert.pem'), 'utf8'))))
      .toEqual([['anchor.pem', 'certificate 1 (CN=leaf) is not a CA certificate']]);
    expect(problems(TrustAnchor.fromPem(`# root\n${ROOT_CERT.meshA}`))).toEqual([['anchor.pem', 'has text outside its certificate blocks']]);
    expect(problems(TrustAnchor.fromPem(' '))).toEqual([['anchor.pem', 'is empty']]);
    expect(problems(TrustAnchor.fromSpiffeBundleUrl('http://bundle.example:8443'))[0][0]).toBe('anchor.spiffeBundleUrl');
    expect(problems(TrustAnchor.fromPem(`${ROOT_CERT.meshA}${ROOT_CERT.meshB}`))).toEqual([]);
    expect(TrustAnchor.fromPem(`${ROOT_CERT.meshA}${ROOT_CERT.meshB}`).certificateData).toEqual({ pem: `${ROOT_CERT.meshA.trim()}\n${ROOT_CERT.meshB.trim()}\n` });
    expect(problems(TrustAnchor.fromSpiffeBundleUrl('https://bundle.example:8443'))).toEqual([]);
  });
});

describe('a multi-network exporting mesh', () => {
  test('keeps its cross-network "*.local" Gateway and gets no second 15443 server; the export policy still admits only the importer\'s callers', () => {
    const d = parseYamlDocuments(EXAMPLE_TEXT)[0] as any;
    d.meshes[0].clusters.push({ clusterName: 'cluster-a2', network: 'network-a2', apiServer: 'https://cluster-a2.k8s.example.com:6443', eastWestGateway: { address: '192.0.2.11' } });
    const t = tree(renderFederation(federationFromTopology(new App(), 'federation', d)));
    expect(Object.keys(t).filter((p) => p.includes('gateway_istio-system_federation-exports'))).toEqual([]);
    expect(doc(t, 'mesh-a/cluster-a/50-mesh-config/gateway_istio-system_cross-network-gateway.yaml').spec.servers[0].hosts).toEqual(['*.local']);
    expect(doc(t, 'mesh-a/cluster-a/50-mesh-config/authorizationpolicy_bookinfo_federation-reviews.yaml').spec.rules[0].from[0].source.principals)
      .toEqual(['mesh-a.example.com/*', 'mesh-b.example.com/ns/frontend/sa/bookinfo-productpage']);
    // The importer reaches network-a through cluster-a's gateway; network-a2 runs nothing exported.
    expect(Object.keys(parseYamlDocuments(t['mesh-b/_install-inputs/cluster-b/helm-values-istiod.yaml'])[0] as any)).toContain('global');
    expect((parseYamlDocuments(t['mesh-b/_install-inputs/cluster-b/helm-values-istiod.yaml'])[0] as any).global.meshNetworks).toEqual({
      'network-a': { endpoints: [{ fromRegistry: 'cluster-a' }], gateways: [{ address: '192.0.2.10', port: 15443 }] },
    });
  });
});

describe('the synth app on special files', () => {
  test('a device as MESH_TOPOLOGY is refused by the single-mesh path, not read whole by the meshes look-up', () => {
    const r = runSynth({ CDK8S_OUTDIR: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fed-dev-')), 'dist'), MESH_TOPOLOGY: '/dev/zero' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('it is not a regular file');
  });
});
