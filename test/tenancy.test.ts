import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { loadTopologyFile, Mesh, renderMesh } from '../src';
import { parseYamlDocuments } from '../src/output/yaml';
import { expectRejected } from './support/hostile';
import { helmValues, istioOperatorOf, meshOf, objectsByCluster, PROJECT_ROOT } from './support/mesh';
import { expectValid } from './support/schema-validator';

const EXAMPLE = path.join(PROJECT_ROOT, 'examples', 'namespace-tenants.yaml');
const EXAMPLE_TEXT = fs.readFileSync(EXAMPLE, 'utf8');
const tree = (mesh: Mesh) => Object.fromEntries(renderMesh(mesh).map((f) => [f.path, f.content]));

/** examples/namespace-tenants.yaml, written with the TypeScript API. */
function tenantsMesh(): Mesh {
  const mesh = new Mesh(new App(), 'mesh', { meshId: 'mesh1', secretStore: { name: 'mesh-secrets' }, tenancy: { discoverySelectors: true } });
  mesh.addTenant('team-a', { namespaces: ['shop', 'shop-data'], sharedWith: ['platform'] });
  mesh.addTenant('team-b', { namespaces: ['blog'], sharedWith: ['platform'], exceptions: ['team-a'] });
  const network = mesh.addNetwork('network1');
  const c1 = mesh.addCluster('cluster1', { network, apiServer: 'https://cluster1.k8s.example.com:6443' });
  const c2 = mesh.addCluster('cluster2', { network, apiServer: 'https://cluster2.k8s.example.com:6443' });
  const add = (app: string, svc: string, port: number, name: string, image: string, clusters: typeof c1[]) => {
    const a = mesh.addApplication(app);
    a.addService(svc, { ports: [{ port, name }] });
    a.addWorkload(svc, { image, ports: [port], placement: { clusters } });
  };
  add('shop', 'cart', 8080, 'http', 'registry.example.com/shop/cart:1.0.0', [c1, c2]);
  add('blog', 'posts', 8080, 'http', 'registry.example.com/blog/posts:1.0.0', [c2]);
  add('platform', 'telemetry', 4317, 'grpc-otlp', 'registry.example.com/platform/telemetry:1.0.0', [c1]);
  return mesh;
}

describe('example: two namespace tenants (examples/namespace-tenants.yaml)', () => {
  const fromFile = () => loadTopologyFile(new App(), 'mesh', EXAMPLE);
  const objects = objectsByCluster(fromFile());
  const one = (cluster: string, kind: string, ns: string) => objects[cluster].filter((o) => o.kind === kind && o.metadata.namespace === ns).map((o) => ({ name: o.metadata.name, spec: o.spec }));

  test('the TypeScript API and the topology file give identical output; a second render is identical', () => {
    const file = tree(fromFile());
    expect(tree(tenantsMesh())).toEqual(file);
    expect(tree(fromFile())).toEqual(file);
  });

  test('every tenant namespace, in every cluster: a Sidecar seeing only its tenant, shared namespaces, admitting tenants and istio-system', () => {
    for (const c of ['cluster1', 'cluster2']) {
      expect(one(c, 'Sidecar', 'shop')).toEqual([{ name: 'default', spec: { egress: [{ hosts: ['./*', 'blog/*', 'istio-system/*', 'platform/*', 'shop-data/*'] }] } }]);
      expect(one(c, 'Sidecar', 'shop-data')).toEqual([{ name: 'default', spec: { egress: [{ hosts: ['./*', 'blog/*', 'istio-system/*', 'platform/*', 'shop/*'] }] } }]);
      // team-b never sees team-a's namespaces: a VirtualService of team-a bound to `mesh` is not imported by
      // team-b's proxies (the 2026 multi-tenancy caveat), and neither are team-a's services.
      expect(one(c, 'Sidecar', 'blog')).toEqual([{ name: 'default', spec: { egress: [{ hosts: ['./*', 'istio-system/*', 'platform/*'] }] } }]);
      expect(one(c, 'Sidecar', 'platform')).toEqual([]);
    }
  });

  test('an AuthorizationPolicy denies the other tenants; the named exception admits team-a into team-b', () => {
    for (const c of ['cluster1', 'cluster2']) {
      const deny = (ns: string[]) => [{ name: 'tenant-isolation', spec: { action: 'DENY', rules: [{ from: [{ source: { namespaces: ns } }] }] } }];
      expect(one(c, 'AuthorizationPolicy', 'shop')).toEqual(deny(['blog']));
      expect(one(c, 'AuthorizationPolicy', 'shop-data')).toEqual(deny(['blog']));
      expect(one(c, 'AuthorizationPolicy', 'blog')).toEqual([]);
    }
  });

  test('tenant namespaces exist in every cluster that holds their config, with injection', () => {
    for (const c of ['cluster1', 'cluster2']) {
      const namespaces = objects[c].filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name).sort();
      expect(namespaces).toEqual(expect.arrayContaining(['blog', 'shop', 'shop-data']));
      for (const ns of ['blog', 'shop', 'shop-data']) expect(objects[c].find((o) => o.kind === 'Namespace' && o.metadata.name === ns).metadata.labels).toEqual({ 'istio-injection': 'enabled' });
    }
  });

  test('in a revisioned mesh a tenant namespace no application creates carries the revision tag, never istio-injection', () => {
    const doc = parseYamlDocuments(EXAMPLE_TEXT)[0] as any;
    const revisioned = objectsByCluster(meshOf({ ...doc, revisions: [{ name: '1-30-3' }], revisionTags: [{ name: 'prod-stable', revision: '1-30-3' }] }));
    for (const c of ['cluster1', 'cluster2']) {
      for (const ns of ['blog', 'shop-data']) expect(revisioned[c].find((o) => o.kind === 'Namespace' && o.metadata.name === ns).metadata.labels).toEqual({ 'istio.io/rev': 'prod-stable' });
    }
  });

  test('install values: exportTo defaults and discovery selectors, in the Helm values and the IstioOperator', () => {
    const mesh = fromFile();
    mesh.build();
    const expected = {
      defaultVirtualServiceExportTo: ['.'],
      defaultDestinationRuleExportTo: ['.'],
      discoverySelectors: [{ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['blog', 'istio-system', 'platform', 'shop', 'shop-data'] }] }],
    };
    for (const c of mesh.clusters) {
      expect(helmValues(c).meshConfig).toEqual(expected);
      expect(istioOperatorOf(c).spec.meshConfig).toEqual(expected);
    }
  });

  test('scopeConfigToNamespace: false leaves the exportTo defaults to Istio; without tenants nothing is added', () => {
    const d = parseYamlDocuments(EXAMPLE_TEXT)[0] as any;
    const mesh = meshOf({ ...d, tenancy: { scopeConfigToNamespace: false } });
    mesh.build();
    expect(helmValues(mesh.clusters[0]).meshConfig).toBeUndefined();
    const { tenants: _t, tenancy: _s, ...plain } = d;
    const untouched = meshOf(plain);
    untouched.build();
    expect(objectsByCluster(untouched).cluster1.filter((o) => o.kind === 'Sidecar')).toEqual([]);
  });

  test('every object is valid against the upstream schemas', () => {
    expectValid([...objects.cluster1, ...objects.cluster2]);
  });
});

function edited(edit: (d: any) => void): string {
  const d = parseYamlDocuments(EXAMPLE_TEXT)[0] as any;
  edit(d);
  return JSON.stringify(d);
}

describe('bad input: rejected with the tenant, namespace and field named, the output untouched', () => {
  test('a namespace in two tenants', () => {
    expectRejected(edited((d) => { d.tenants[1].namespaces.push('shop'); }), { field: 'tenants.team-b.namespaces', contains: ['"shop"', 'also a namespace of tenant "team-a"'] });
  });
  test('a tenant exception naming an unknown tenant', () => {
    expectRejected(edited((d) => { d.tenants[1].exceptions = ['team-c']; }), { field: 'tenants.team-b.exceptions', contains: ['"team-c"', 'names no tenant of the mesh', 'did you mean "team-a"?'] });
  });
  test('a tenant owning istio-system, a tenant declared twice, strict mTLS off', () => {
    const stderr = expectRejected(edited((d) => {
      d.tenants[0].namespaces.push('istio-system');
      d.tenants.push({ name: 'team-a', namespaces: ['other'] });
      d.strictMtls = false;
    }), { field: 'tenants.team-a.namespaces', contains: ['"istio-system"'] });
    expect(stderr).toContain('field "tenants.team-a": is declared twice');
    expect(stderr).toContain('field "strictMtls"');
  });
  test('tenants in clusters with ambient workloads (their Sidecar scoping would be inert); accepted where the clusters keep sidecars', () => {
    const ambient = (d: any) => {
      d.dataPlaneMode = 'ambient';
      d.clusters[1].network = 'network2';
    };
    const stderr = expectRejected(edited(ambient), { cluster: 'cluster1', field: 'dataPlaneMode', contains: ['"ambient"', 'tenants (team-a, team-b)', 'declare dataPlaneMode: sidecar on this cluster'] });
    expect(stderr).toContain('cluster "cluster2", field "dataPlaneMode"');
    const doc = parseYamlDocuments(EXAMPLE_TEXT)[0] as any;
    ambient(doc);
    doc.clusters.forEach((c: any) => { c.dataPlaneMode = 'sidecar'; });
    expect(objectsByCluster(meshOf(doc)).cluster1.find((o) => o.kind === 'Namespace' && o.metadata.name === 'shop-data').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
  });
  test('unknown fields of a tenant are refused by the schema', () => {
    expectRejected(edited((d) => { d.tenants[0].namespace = ['x']; }), { field: 'tenants.0.namespace', contains: ['did you mean "namespaces"?'] });
  });
});
