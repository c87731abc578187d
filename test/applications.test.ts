import * as path from 'path';
import { App } from 'cdk8s';
import { applyPatches, ControlPlane, DEFAULT_OUTLIER_DETECTION, DEFAULT_TOPOLOGY, loadTopologyFile, Mesh, Phase } from '../src';
import { k8s } from '../src/k8s';
import { find, fixtureDocs, helmValues, istioOperatorOf, meshOf, objectsByCluster, outputTree, PROJECT_ROOT, withoutSyncWave } from './support/mesh';

const exampleMesh = (name: string) => loadTopologyFile(new App(), 'mesh', path.join(PROJECT_ROOT, 'examples', name));
/** A sample object moved into a namespace (Istio's samples are applied with `-n <namespace>`). */
const inNamespace = (doc: any, namespace: string) => ({ ...doc, metadata: { ...doc.metadata, namespace } });
const names = (objects: any[], kind: string) => objects.filter((o) => o.kind === kind).map((o) => o.metadata.name).sort();

describe('example 1: bookinfo across primary-remote, details only on the remote', () => {
  const objects = objectsByCluster(exampleMesh('bookinfo-primary-remote.yaml'));
  const bookinfo = fixtureDocs('istio', 'bookinfo.yaml').filter(Boolean);
  /** The documented placement: details runs on cluster2, everything else on cluster1. */
  const placedOn = (doc: any) => (doc.kind !== 'Service' && /details/.test(doc.metadata.name) ? ['cluster2'] : doc.metadata.name === 'details' ? ['cluster1', 'cluster2'] : ['cluster1']);

  test.each(bookinfo.map((d) => [`${d.kind} ${d.metadata.name}`, d]))('%s equals samples/bookinfo/platform/kube/bookinfo.yaml where it is placed', (_n, doc) => {
    for (const cluster of ['cluster1', 'cluster2']) {
      const hits = objects[cluster].filter((o) => o.kind === doc.kind && o.metadata.name === doc.metadata.name && o.metadata.namespace === 'bookinfo');
      if (placedOn(doc).includes(cluster)) {
        expect(hits.map(withoutSyncWave)).toEqual([inNamespace(doc, 'bookinfo')]);
      } else {
        expect(hits).toEqual([]);
      }
    }
  });

  test('details in cluster2 is bookinfo-details.yaml plus the service account of bookinfo.yaml', () => {
    const [, deployment] = fixtureDocs('istio', 'bookinfo-details.yaml');
    const ours = withoutSyncWave(find(objects.cluster2, 'Deployment', 'details-v1', 'bookinfo'));
    const { serviceAccountName, ...spec } = ours.spec.template.spec;
    expect(serviceAccountName).toBe('bookinfo-details');
    expect({ ...ours, spec: { ...ours.spec, template: { ...ours.spec.template, spec } } }).toEqual(inNamespace(deployment, 'bookinfo'));
  });

  test('namespace sameness: bookinfo exists with injection in both clusters; the details Service is identical in both', () => {
    for (const c of ['cluster1', 'cluster2']) expect(find(objects[c], 'Namespace', 'bookinfo').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
    expect(find(objects.cluster1, 'Service', 'details')).toEqual(find(objects.cluster2, 'Service', 'details'));
    expect(names(objects.cluster2, 'Service').filter((n) => !n.startsWith('istio'))).toEqual(['details']);
  });

  test('the ingress gateway and samples/bookinfo/networking/bookinfo-gateway.yaml on the primary only', () => {
    for (const doc of fixtureDocs('istio', 'bookinfo-gateway.yaml')) {
      expect(withoutSyncWave(find(objects.cluster1, doc.kind, doc.metadata.name, 'bookinfo'))).toEqual(inNamespace(doc, 'bookinfo'));
      expect(objects.cluster2.some((o) => o.kind === doc.kind && o.metadata.name === doc.metadata.name)).toBe(false);
    }
    const svc = find(objects.cluster1, 'Service', 'istio-ingressgateway', 'istio-system');
    expect(svc.spec.selector).toEqual({ app: 'istio-ingressgateway', istio: 'ingressgateway' });
    // The Gateway listens on 8080: the Service's port 80 targets it, as istioctl's default profile does.
    expect(svc.spec.ports.find((p: any) => p.port === 80).targetPort).toBe(8080);
    expect(find(objects.cluster1, 'Deployment', 'istio-ingressgateway').spec.template.metadata.annotations['inject.istio.io/templates']).toBe('gateway');
    expect(objects.cluster2.some((o) => o.metadata.name === 'istio-ingressgateway')).toBe(false);
  });

  test('phases: namespace first, gateway objects and Istio config before workloads, the ingress VirtualService last', () => {
    const mesh = exampleMesh('bookinfo-primary-remote.yaml');
    const tree = outputTree(mesh);
    expect(tree['cluster1/00-namespaces/namespace_bookinfo.yaml']).toBeDefined();
    expect(tree['cluster1/40-gateways/deployment_istio-system_istio-ingressgateway.yaml']).toBeDefined();
    expect(tree['cluster1/50-mesh-config/gateway_bookinfo_bookinfo-gateway.yaml']).toContain("argocd.argoproj.io/sync-wave: '3'");
    expect(tree['cluster1/70-routes/virtualservice_bookinfo_bookinfo.yaml']).toContain(`argocd.argoproj.io/sync-wave: '${Phase.ROUTES.wave}'`);
    expect(tree['cluster1/kustomization.yaml']).toMatch(/60-workloads\n\s+- 70-routes/);
  });

  test('the Mermaid picture shows where each service runs', () => {
    const readme = outputTree(exampleMesh('bookinfo-primary-remote.yaml'))['README.md'];
    expect(readme).toMatch(/c0\[".*bookinfo: ratings v1, reviews v1\/v2\/v3, productpage v1"\]/);
    expect(readme).toMatch(/c1\[".*bookinfo: details v1"\]/);
    expect(readme).toContain('| `details` | `cluster2` | `cluster1`, `cluster2` | `cluster1` |');
  });
});

describe('example 2: helloworld placed once with a KubeFed-style override', () => {
  const objects = objectsByCluster(exampleMesh('helloworld-primary-remote-multi-network.yaml'));

  test('v1 on cluster1, v2 on cluster2: they differ only in the version labels and the image', () => {
    const v1 = withoutSyncWave(find(objects.cluster1, 'Deployment', 'helloworld-v1', 'sample'));
    const v2 = withoutSyncWave(find(objects.cluster2, 'Deployment', 'helloworld-v2', 'sample'));
    expect(v1.spec.template.spec.containers[0].image).toBe('docker.io/istio/examples-helloworld-v1');
    expect(v2.spec.template.spec.containers[0].image).toBe('docker.io/istio/examples-helloworld-v2');
    expect(JSON.stringify(v2)).toBe(JSON.stringify(v1).replace(/(?<!apps\/)v1/g, 'v2'));
    expect(names(objects.cluster1, 'Deployment').filter((n) => n.startsWith('helloworld'))).toEqual(['helloworld-v1']);
  });

  test('sleep and curl run in both clusters exactly as samples/sleep and samples/curl; helloworld\'s Service is in both', () => {
    for (const cluster of ['cluster1', 'cluster2']) {
      for (const doc of [...fixtureDocs('istio', 'sleep.yaml'), ...fixtureDocs('istio', 'curl.yaml')].filter(Boolean)) {
        expect(withoutSyncWave(find(objects[cluster], doc.kind, doc.metadata.name, 'sample'))).toEqual(inNamespace(doc, 'sample'));
      }
      const [service] = fixtureDocs('istio', 'helloworld.yaml');
      expect(withoutSyncWave(find(objects[cluster], 'Service', 'helloworld', 'sample'))).toEqual(inNamespace(service, 'sample'));
    }
  });

  test('the output README says how to check that answers come from both versions', () => {
    const readme = outputTree(exampleMesh('helloworld-primary-remote-multi-network.yaml'))['README.md'];
    expect(readme).toContain('reaches every version of `helloworld` (v1, v2)');
    expect(readme).toContain('kubectl --context "cluster2" -n sample exec deploy/curl -c curl -- sh -c \'for i in $(seq 10); do curl -sS helloworld.sample:5000/hello; done\'');
  });

  test('the TypeScript API and the file produce byte-identical output', () => {
    const mesh = new Mesh(new App(), 'mesh', { meshId: 'mesh1', secretStore: { name: 'mesh-secrets' } });
    const cluster1 = mesh.addCluster('cluster1', { network: mesh.addNetwork('network1'), apiServer: 'https://cluster1.k8s.example.com:6443', eastWestGateway: { address: '192.0.2.10' } });
    const cluster2 = mesh.addCluster('cluster2', { network: mesh.addNetwork('network2'), controlPlane: ControlPlane.remote(cluster1), apiServer: 'https://cluster2.k8s.example.com:6443' });
    const app = mesh.addApplication('helloworld', { namespace: 'sample' });
    const helloworld = app.addService('helloworld', { ports: [{ port: 5000, name: 'http' }] });
    app.addService('sleep', { ports: [{ port: 80, name: 'http' }] });
    app.addService('curl', { ports: [{ port: 80, name: 'http' }] });
    app.addWorkload('helloworld', {
      version: 'v1', image: 'docker.io/istio/examples-helloworld-v1', requests: { cpu: '100m' }, ports: [5000],
      placement: { clusters: [cluster1, cluster2] },
      overrides: [{ cluster: cluster2, version: 'v2', clusterOverrides: [{ path: '/spec/template/spec/containers/0/image', value: 'docker.io/istio/examples-helloworld-v2' }] }],
    });
    for (const name of ['sleep', 'curl']) {
      app.addWorkload(name, {
        image: 'docker.io/curlimages/curl:8.16.0', serviceAccount: { name }, command: ['/bin/sleep', 'infinity'], terminationGracePeriodSeconds: 0,
        volumeMounts: [{ mountPath: `/etc/${name}/tls`, name: 'secret-volume' }],
        volumes: [{ name: 'secret-volume', secret: { secretName: `${name}-secret`, optional: true } }],
        placement: { clusters: [cluster1, cluster2] },
      }).calls(helloworld);
    }
    expect(outputTree(mesh)).toEqual(outputTree(exampleMesh('helloworld-primary-remote-multi-network.yaml')));
  });
});

describe('example 3: URI routing to a subset through the ingress, cross-cluster authorization, locality', () => {
  const mesh = exampleMesh('bookinfo-routing-authorization.yaml');
  const objects = objectsByCluster(mesh);

  test('the ingress routes the bookinfo URIs to productpage subset v1, over HTTPS by credentialName only', () => {
    const vs = find(objects.cluster1, 'VirtualService', 'bookinfo', 'bookinfo');
    expect(vs.spec.gateways).toEqual(['bookinfo-gateway']);
    expect(vs.spec.http).toEqual([{
      match: [{ uri: { exact: '/productpage' } }, { uri: { prefix: '/static' } }, { uri: { prefix: '/api/v1/products' } }],
      route: [{ destination: { host: 'productpage', subset: 'v1', port: { number: 9080 } } }],
    }]);
    const gw = find(objects.cluster1, 'Gateway', 'bookinfo-gateway', 'bookinfo');
    expect(gw.spec.servers[1]).toEqual({ port: { number: 8443, name: 'https', protocol: 'HTTPS' }, tls: { mode: 'SIMPLE', credentialName: 'bookinfo-credential' }, hosts: ['bookinfo.example.com'] });
    expect(find(objects.cluster1, 'DestinationRule', 'productpage').spec.subsets).toEqual([{ name: 'v1', labels: { version: 'v1' } }]);
  });

  test('ratings admits only reviews\' identity (security.istio.io/v1, selector app: ratings), in both primaries', () => {
    for (const c of ['cluster1', 'cluster2']) {
      const ap = withoutSyncWave(find(objects[c], 'AuthorizationPolicy', 'ratings', 'bookinfo'));
      expect(ap).toEqual({
        apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'ratings', namespace: 'bookinfo' },
        spec: { selector: { matchLabels: { app: 'ratings' } }, action: 'ALLOW', rules: [{ from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/bookinfo-reviews'] } }] }] },
      });
      expect(find(objects[c], 'AuthorizationPolicy', 'allow-nothing', 'bookinfo').spec).toEqual({});
    }
    // reviews v2/v3 call ratings from cluster2, where ratings does not run: its Service is there for them.
    expect(find(objects.cluster2, 'Service', 'ratings')).toBeDefined();
    expect(objects.cluster2.some((o) => o.kind === 'Deployment' && o.metadata.name === 'ratings-v1')).toBe(false);
    // Under default deny, the exposed productpage admits the ingress gateway.
    expect(find(objects.cluster1, 'AuthorizationPolicy', 'productpage').spec.rules[0].from[0].source.principals)
      .toEqual(['cluster.local/ns/istio-system/sa/istio-ingressgateway']);
  });

  test('reviews: header route to v2 else v1, subsets from every placed version, failover with the default outlier detection', () => {
    const vs = find(objects.cluster2, 'VirtualService', 'reviews');
    expect(vs.spec).toEqual({
      hosts: ['reviews'],
      http: [
        { match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
        { route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
      ],
    });
    const dr = find(objects.cluster1, 'DestinationRule', 'reviews');
    expect(dr.spec.subsets.map((s: any) => s.name)).toEqual(['v1', 'v2', 'v3']);
    expect(dr.spec.trafficPolicy).toEqual({
      loadBalancer: { localityLbSetting: { enabled: true, failover: [{ from: 'us-east1', to: 'us-west1' }] } },
      outlierDetection: DEFAULT_OUTLIER_DETECTION,
    });
    expect(outputTree(mesh)['README.md']).toContain('Istio does not fail over without it');
  });

  test('the DestinationRule is applied before the VirtualService using its subsets (folder order and sync waves)', () => {
    const tree = outputTree(mesh);
    const dr = Object.keys(tree).find((f) => f.endsWith('cluster1/50-mesh-config/destinationrule_bookinfo_reviews.yaml'))!;
    const vs = Object.keys(tree).find((f) => f.endsWith('cluster1/70-routes/virtualservice_bookinfo_reviews.yaml'))!;
    expect(dr).toBeDefined();
    expect(vs).toBeDefined();
    expect(Phase.MESH_CONFIG.wave).toBeLessThan(Phase.ROUTES.wave);
  });

  test('details is cluster-local in the install values (Helm and IstioOperator) of both primaries', () => {
    const expected = [{ settings: { clusterLocal: true }, hosts: ['details.bookinfo.svc.cluster.local'] }];
    for (const c of mesh.clusters) {
      expect(helmValues(c).meshConfig.serviceSettings).toEqual(expected);
      expect(istioOperatorOf(c).spec.meshConfig.serviceSettings).toEqual(expected);
    }
  });
});

test('cluster-local services reach Argo CD\'s Helm values and the Sail Operator Istio resource alike (one values tree)', () => {
  const topology: any = require('js-yaml').load(require('fs').readFileSync(path.join(PROJECT_ROOT, 'examples', 'bookinfo-routing-authorization.yaml'), 'utf8'));
  const expected = [{ settings: { clusterLocal: true }, hosts: ['details.bookinfo.svc.cluster.local'] }];
  const helm = meshOf({ ...topology, argoCd: { repoURL: 'https://git.example.com/mesh.git' } });
  const apps = outputTree(helm);
  const application = require('../src').parseYamlDocuments(apps['_argocd/application_argocd_mesh1-cluster1.yaml'])[0];
  const istiod = application.spec.sources.find((s: any) => s.chart === 'istiod');
  expect(istiod.helm.valuesObject.meshConfig.serviceSettings).toEqual(expected);
  const sail = objectsByCluster(meshOf({ ...topology, argoCd: { repoURL: 'https://git.example.com/mesh.git', istioInstall: 'sailOperator' } })).cluster1;
  expect(sail.find((o) => o.kind === 'Istio').spec.values.meshConfig.serviceSettings).toEqual(expected);
});

describe('the verification workloads are an application', () => {
  test('the default topology declares them once per namespace, helloworld per version', () => {
    const mesh = meshOf(DEFAULT_TOPOLOGY);
    const [app] = mesh.applications.all;
    expect(app.namespace).toBe('sample');
    expect(app.workloads.map((w) => [w.key, w.clusters.map((c) => c.name)])).toEqual([
      ['helloworld-v1', ['cluster1']], ['helloworld-v2', ['cluster2']], ['curl', ['cluster1', 'cluster2']],
    ]);
    expect(mesh.applications.factsOf(app.service('helloworld')!).clusters.map((c) => c.name)).toEqual(['cluster1', 'cluster2']);
  });

  test('a user application called like the samples\' namespace keeps its name; the samples still render', () => {
    const topology = {
      ...DEFAULT_TOPOLOGY,
      applications: [{ name: 'sample', namespace: 'shop', services: [{ name: 'web', ports: [{ port: 80, name: 'http' }] }], workloads: [{ name: 'web', image: 'nginx:1.27', placement: { clusters: ['cluster1'] } }] }],
    };
    const mesh = meshOf(topology);
    expect(mesh.applications.all.map((a) => [a.name, a.namespace])).toEqual([['sample', 'shop'], ['sample-verification', 'sample']]);
    expect(find(objectsByCluster(mesh).cluster2, 'Deployment', 'helloworld-v2', 'sample')).toBeDefined();
  });

  test('a cluster with the Service only still gets helloworld\'s Service (curl calls it)', () => {
    const topology = { ...DEFAULT_TOPOLOGY, clusters: DEFAULT_TOPOLOGY.clusters.map((c, i) => (i === 1 ? { ...c, verificationWorkloads: {} } : c)) };
    const objects = objectsByCluster(meshOf(topology));
    expect(find(objects.cluster2, 'Service', 'helloworld', 'sample')).toBeDefined();
    expect(objects.cluster2.some((o) => o.kind === 'Deployment' && o.metadata.name.startsWith('helloworld'))).toBe(false);
  });
});

describe('KubeFed-style path patches', () => {
  const doc = () => ({ spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'x' }] } } }, metadata: { labels: { app: 'a' } } });

  test('replace, add and remove apply to paths that exist', () => {
    const d = doc();
    expect(applyPatches(d, [
      { path: '/spec/template/spec/containers/0/image', value: 'y' },
      { path: '/spec/template/spec/containers/0/args', value: ['--v'], op: 'add' },
      { path: '/metadata/labels/tier', value: 'web', op: 'add' },
      { path: '/spec/replicas', op: 'remove' },
    ])).toEqual([]);
    expect(d).toEqual({ spec: { template: { spec: { containers: [{ name: 'a', image: 'y', args: ['--v'] }] } } }, metadata: { labels: { app: 'a', tier: 'web' } } });
  });

  test('a path that does not exist is an error, not a silent no-op', () => {
    const d = doc();
    const errors = applyPatches(d, [
      { path: '/spec/template/spec/containers/1/image', value: 'y' },
      { path: '/spec/template/spec/container/0/image', value: 'y' },
      { path: '/spec/strategy', value: {} },
      { path: '/metadata/namespace', value: 'other' },
      { path: 'spec/replicas', value: 2 },
    ]);
    expect(errors.map((e) => e.index)).toEqual([0, 1, 2, 3, 4]);
    expect(errors[1].message).toContain('"spec/template/spec/container" is missing');
    expect(d).toEqual(doc());
  });
});

describe('relationships across meshes are problems, not silent glue', () => {
  const twoMeshes = () => {
    const app = new App();
    const meshes = ['mesh1', 'mesh2'].map((id) => {
      const mesh = new Mesh(app, id, { meshId: id });
      const cluster = mesh.addCluster('cluster1', { network: mesh.addNetwork('network1') });
      const a = mesh.addApplication('web');
      const svc = a.addService('web', { ports: [{ port: 80, name: 'http' }] });
      const w = a.addWorkload('web', { image: 'nginx:1.27', placement: { clusters: [cluster] }, serviceAccount: { name: 'web' } });
      return { mesh, cluster, svc, w };
    });
    return meshes;
  };

  test('a caller, a called service or a placement cluster of another mesh is named', () => {
    const [m1, m2] = twoMeshes();
    m1.svc.allowCallsFrom(m2.w);
    m1.w.calls(m2.svc);
    m1.mesh.addApplication('api').addWorkload('api', { image: 'nginx:1.27', placement: { clusters: [m2.cluster] } });
    const problems = m1.mesh.validate();
    expect(problems.map((p) => [p.field, p.value])).toEqual(expect.arrayContaining([
      ['applications.web.services.web.allowCallsFrom[0]', 'web'],
      ['applications.web.workloads.web.calls[0]', 'web'],
      ['applications.api.workloads.api.placement.clusters[0]', 'cluster1'],
    ]));
    expect(problems.find((p) => p.field.endsWith('allowCallsFrom[0]'))!.message).toMatch(/not in this mesh/);
  });

  test('principals come from the model: the trust domain, the namespace and the caller\'s service account', () => {
    const app = new App();
    const mesh = new Mesh(app, 'mesh', { meshId: 'mesh1', trustDomain: 'mesh1.example.com', secretStore: { name: 'mesh-secrets' } });
    const cluster = mesh.addCluster('cluster1', { network: mesh.addNetwork('network1') });
    const shop = mesh.addApplication('shop', { namespace: 'shop' });
    const front = shop.addService('front', { ports: [{ port: 80, name: 'http' }] });
    const cart = shop.addService('cart', { ports: [{ port: 8080, name: 'grpc' }] });
    shop.addWorkload('front', { image: 'example/front:1', placement: { clusters: [cluster] }, serviceAccount: { name: 'front-sa' } });
    shop.addWorkload('cart', { image: 'example/cart:1', placement: { clusters: [cluster] } });
    cart.allowCallsFrom(front);
    const ap = find(objectsByCluster(mesh).cluster1, 'AuthorizationPolicy', 'cart', 'shop');
    expect(ap.spec.rules[0].from[0].source.principals).toEqual(['mesh1.example.com/ns/shop/sa/front-sa']);
  });
});

describe('traffic and Services derived from the model', () => {
  /** Two primaries in two regions, one app with a service on both. */
  function twoRegions(service: Partial<import('../src').ServiceProps> = {}) {
    const mesh = new Mesh(new App(), 'mesh', { meshId: 'mesh1', secretStore: { name: 'mesh-secrets' } });
    const network = mesh.addNetwork('network1');
    const c1 = mesh.addCluster('cluster1', { network, region: 'region1', zone: 'zone1', apiServer: 'https://c1.example.com', podSubnet: '10.1.0.0/16', svcSubnet: '10.201.0.0/16' });
    const c2 = mesh.addCluster('cluster2', { network, region: 'region2', zone: 'zone2', apiServer: 'https://c2.example.com', podSubnet: '10.2.0.0/16', svcSubnet: '10.202.0.0/16' });
    const app = mesh.addApplication('shop');
    const api = app.addService('api', { ports: [{ port: 8080, name: 'grpc-api' }, { port: 9090, name: 'metrics', appProtocol: 'http' }], ...service });
    app.addWorkload('api', { image: 'example/api:1', version: 'v1', placement: { clusters: [c1, c2] } });
    return { mesh, c1, c2, app, api };
  }

  test('subsets by cluster (topology.istio.io/cluster) next to the version subsets; failoverPriority with default outlier detection', () => {
    const { mesh, api } = twoRegions({ subsetsByCluster: true, loadBalancing: { locality: { failoverPriority: ['topology.istio.io/network', 'topology.istio.io/cluster'] } } });
    api.addRoute({ to: [{ subset: 'cluster1', weight: 50 }, { subset: 'cluster2', weight: 50 }] });
    const dr = find(objectsByCluster(mesh).cluster2, 'DestinationRule', 'api', 'shop');
    expect(dr.spec.subsets).toEqual([
      { name: 'v1', labels: { version: 'v1' } },
      { name: 'cluster1', labels: { 'topology.istio.io/cluster': 'cluster1' } },
      { name: 'cluster2', labels: { 'topology.istio.io/cluster': 'cluster2' } },
    ]);
    expect(dr.spec.trafficPolicy.loadBalancer.localityLbSetting).toEqual({ enabled: true, failoverPriority: ['topology.istio.io/network', 'topology.istio.io/cluster'] });
    expect(dr.spec.trafficPolicy.outlierDetection).toEqual(DEFAULT_OUTLIER_DETECTION);
  });

  test('distribute keeps the declared weights and a declared outlier detection', () => {
    const outlierDetection = { consecutive5xxErrors: 100, interval: '1s', baseEjectionTime: '1m' };
    const distribute = [{ from: 'region1/zone1/*', to: { 'region1/zone1/*': 70, 'region2/zone2/*': 30 } }];
    const { mesh } = twoRegions({ loadBalancing: { locality: { distribute }, outlierDetection } });
    const dr = find(objectsByCluster(mesh).cluster1, 'DestinationRule', 'api');
    expect(dr.spec.trafficPolicy).toEqual({ loadBalancer: { localityLbSetting: { enabled: true, distribute } }, outlierDetection });
    expect(dr.spec.subsets).toEqual([{ name: 'v1', labels: { version: 'v1' } }]);
  });

  test('two locality modes at once, and a zone no cluster has, are problems', () => {
    const { mesh } = twoRegions({ loadBalancing: { locality: { failover: [{ from: 'region1', to: 'region2' }], distribute: [{ from: 'region1/zone9/*', to: { 'region2/*': 100 } }] } } });
    const problems = mesh.validate();
    expect(problems.map((p) => p.field)).toEqual(expect.arrayContaining(['applications.shop.services.api.loadBalancing.locality', 'applications.shop.services.api.loadBalancing.locality.distribute[0].from']));
  });

  test('ports keep their names and appProtocol; a headless Service says clusterIP None', () => {
    const { mesh } = twoRegions({ headless: true });
    const svc = find(objectsByCluster(mesh).cluster1, 'Service', 'api', 'shop');
    expect(svc.spec).toEqual({ clusterIP: 'None', ports: [{ name: 'grpc-api', port: 8080 }, { appProtocol: 'http', name: 'metrics', port: 9090 }], selector: { app: 'api' } });
  });

  const buildError = (mesh: Mesh): any => {
    try {
      mesh.build();
    } catch (e) {
      return e;
    }
    throw new Error('expected the build to fail');
  };

  test('a Service added to a cluster chart where the application renders it too is rejected', () => {
    const { mesh, c2 } = twoRegions();
    new k8s.KubeService(c2, 'mine', { metadata: { name: 'api', namespace: 'shop' }, spec: { ports: [{ name: 'grpc-api', port: 8080 }] } });
    const e = buildError(mesh);
    expect(e.problems.map((p: any) => [p.cluster, p.field])).toEqual([['cluster2', 'applications.shop.services.api']]);
    expect(e.message).toMatch(/rendered twice in this cluster/);
  });

  test('a differing Service in another cluster is rejected, naming both clusters and the differing ports (IST0170)', () => {
    const { mesh } = twoRegions();
    const c3 = mesh.addCluster('cluster3', { network: mesh.networks[0], apiServer: 'https://c3.example.com', podSubnet: '10.3.0.0/16', svcSubnet: '10.203.0.0/16' });
    new k8s.KubeService(c3, 'mine', { metadata: { name: 'api', namespace: 'shop' }, spec: { ports: [{ name: 'grpc-api', port: 8080 }, { name: 'http-admin', port: 8081 }] } });
    const e = buildError(mesh);
    expect(e.problems.map((p: any) => [p.cluster, p.field])).toEqual([['cluster3', 'applications.shop.services.api']]);
    expect(e.message).toContain('differs from Service "shop/api" in cluster "cluster1"');
    expect(e.message).toContain('ports only there: metrics 9090/TCP http; ports only here: http-admin 8081/TCP');
  });

  test('cluster-local services go to the istiod that owns the mesh config, not to a remote', () => {
    const mesh = exampleMesh('helloworld-primary-remote-multi-network.yaml');
    mesh.applications.all[0].addService('cache', { ports: [{ port: 6379, name: 'redis' }], clusterLocal: true });
    const [primary, remote] = mesh.clusters;
    expect(helmValues(primary).meshConfig.serviceSettings).toEqual([{ settings: { clusterLocal: true }, hosts: ['cache.sample.svc.cluster.local'] }]);
    expect(helmValues(remote).meshConfig).toBeUndefined();
  });
});

describe('patched values are checked where they land', () => {
  const withPatch = (path: string, value: unknown, op?: 'add' | 'replace') => {
    const mesh = new Mesh(new App(), 'mesh', { meshId: 'mesh1', secretStore: { name: 'mesh-secrets' } });
    const c1 = mesh.addCluster('cluster1', { network: mesh.addNetwork('network1') });
    mesh.addApplication('web').addWorkload('web', { image: 'nginx:1.27', version: 'v1', placement: { clusters: [c1] }, overrides: [{ cluster: c1, clusterOverrides: [{ path, value, op }] }] });
    return mesh.validate().filter((p) => p.field.includes('clusterOverrides'));
  };

  test.each([
    ['/spec/template/spec/containers/0/image', 'Not An Image', 'a container image'],
    ['/spec/template/metadata/labels/version', 'v2', 'a selector that does not match the pod labels'],
    ['/spec/replicas', -1, 'a replica count'],
    ['/metadata/labels/tier', 'front end', 'Deployment labels with an invalid label'],
  ])('%s = %j is rejected', (path, value, what) => {
    const problems = withPatch(path, value, path.endsWith('tier') ? 'add' : 'replace');
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toContain(what);
    expect(problems[0].cluster).toBe('cluster1');
  });

  test('a valid patch passes', () => {
    expect(withPatch('/spec/replicas', 3)).toEqual([]);
  });
});

describe('the ingress gateway is Istio\'s gateway chart, like the east-west gateway', () => {
  const objects = objectsByCluster(exampleMesh('bookinfo-primary-remote.yaml')).cluster1;
  test.each(['ServiceAccount', 'Role', 'RoleBinding', 'Service', 'Deployment', 'HorizontalPodAutoscaler'])('%s differs from the east-west gateway\'s only in name, network and ports', (kind) => {
    const ingress = withoutSyncWave(find(objects, kind, 'istio-ingressgateway', 'istio-system'));
    const eastWest = JSON.parse(JSON.stringify(withoutSyncWave(find(objects, kind, 'istio-eastwestgateway', 'istio-system')))
      .replace(/istio-eastwestgateway/g, 'istio-ingressgateway').replace(/"eastwestgateway"/g, '"ingressgateway"'));
    const strip = (o: any) => {
      delete o.metadata.labels?.['topology.istio.io/network'];
      delete o.spec?.template?.metadata?.labels?.['topology.istio.io/network'];
      if (o.spec?.template) delete o.spec.template.spec.containers[0].env;
      if (o.kind === 'Service') {
        delete o.spec.ports;
        delete o.spec.loadBalancerIP; // the east-west gateway's pinned address
      }
      return o;
    };
    expect(strip(ingress)).toEqual(strip(eastWest));
  });
});

describe('traffic reproduces samples/bookinfo/networking', () => {
  const mesh = exampleMesh('bookinfo-primary-remote.yaml');
  const app = mesh.applications.all[0];
  app.service('reviews')!.addRoute({ to: [{ subset: 'v1', weight: 80 }, { subset: 'v2', weight: 20 }] });
  const objects = objectsByCluster(mesh);

  test('virtual-service-reviews-80-20.yaml', () => {
    const [sample] = fixtureDocs('istio', 'bookinfo-virtual-service-reviews-80-20.yaml');
    expect(withoutSyncWave(find(objects.cluster1, 'VirtualService', 'reviews', 'bookinfo'))).toEqual(inNamespace(sample, 'bookinfo'));
  });

  test('the reviews DestinationRule of destination-rule-all.yaml: one subset per placed version', () => {
    const sample = fixtureDocs('istio', 'bookinfo-destination-rule-all.yaml').find((d) => d?.metadata.name === 'reviews');
    expect(withoutSyncWave(find(objects.cluster1, 'DestinationRule', 'reviews', 'bookinfo'))).toEqual(inNamespace(sample, 'bookinfo'));
  });

  test('Istio config for a remote\'s workloads lives in its primary, where istiod reads it', () => {
    expect(objects.cluster2.some((o) => o.kind === 'DestinationRule' || o.kind === 'VirtualService')).toBe(false);
  });
});

test.each(['bookinfo-primary-remote.yaml', 'helloworld-primary-remote-multi-network.yaml', 'bookinfo-routing-authorization.yaml'])('%s re-synthesizes byte-identically', (name) => {
  expect(outputTree(exampleMesh(name))).toEqual(outputTree(exampleMesh(name)));
});
