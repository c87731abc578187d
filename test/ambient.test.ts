import * as fs from 'fs';
import { App } from 'cdk8s';
import { DataPlaneMode } from '../src/ambient/mesh-ambient';
import { TrafficDistribution } from '../src/application/service';
import { WaypointTraffic } from '../src/application/waypoint';
import { Mesh } from '../src/mesh';
import { parseYamlDocuments, toYaml } from '../src/output/yaml';
import { expectAccepted, expectRejected, runSynth, workspaceWithOutput } from './support/hostile';
import { find, fixtureDocs, meshOf, objectsByCluster, outputTree, PROJECT_ROOT, withoutSyncWave } from './support/mesh';
import { expectValid, validateObject } from './support/schema-validator';

const example = () => parseYamlDocuments(fs.readFileSync(`${PROJECT_ROOT}/examples/ambient-multi-primary-multi-network.yaml`, 'utf8'))[0] as any;
const clusters = [
  { clusterName: 'cluster1', network: 'network1', apiServer: 'https://cluster1.k8s.example.com:6443' },
  { clusterName: 'cluster2', network: 'network2', apiServer: 'https://cluster2.k8s.example.com:6443' },
];
const ambient = { meshID: 'mesh1', secretStore: { name: 'mesh-secrets' }, dataPlaneMode: 'ambient', clusters };
const yaml = (t: unknown) => toYaml(t);
const values = (mesh: Mesh, c: string, file: string) => mesh.cluster(c)!.installInputs.releases.find((r) => r.file === file)?.values as any;

describe('ambient multi-primary multi-network', () => {
  test('the ambient east-west Gateway equals gen-eastwest-gateway.sh --ambient output, on every network, schema-valid', () => {
    const [expected] = fixtureDocs('istio', 'gen-eastwest-gateway.ambient.network1.gateway.yaml');
    const objects = objectsByCluster(meshOf(ambient));
    expect(withoutSyncWave(find(objects.cluster1, 'Gateway', 'istio-eastwestgateway', 'istio-system'))).toEqual(expected);
    const other = withoutSyncWave(find(objects.cluster2, 'Gateway', 'istio-eastwestgateway', 'istio-system'));
    expect(other).toEqual({ ...expected, metadata: { ...expected.metadata, labels: { 'topology.istio.io/network': 'network2' } } });
    expect(validateObject(other)).toEqual([]);
    // Not the classic gateway: no Deployment, no cross-network Gateway on 15443.
    for (const c of ['cluster1', 'cluster2']) {
      expect(objects[c].filter((o) => o.kind === 'Deployment' || o.apiVersion === 'networking.istio.io/v1').map((o) => o.metadata.name)).toEqual([]);
    }
    // A listener without tls.mode Terminate is not what Istio accepts; the schema catches a broken one.
    expect(validateObject({ ...other, spec: { ...other.spec, listeners: [{ name: 'mesh', port: 'x', protocol: 'HBONE' }] } })).not.toEqual([]);
  });

  test('install inputs per cluster: istiod ambient + multi-network, cni, ztunnel with cluster name and network (Helm and istioctl)', () => {
    const mesh = meshOf(ambient);
    for (const [c, net] of [['cluster1', 'network1'], ['cluster2', 'network2']]) {
      expect(mesh.cluster(c)!.installInputs.releases.map((r) => [r.name, r.chart])).toEqual([['istio-base', 'base'], ['istiod', 'istiod'], ['istio-cni', 'cni'], ['ztunnel', 'ztunnel']]);
      expect(values(mesh, c, 'helm-values-istiod.yaml')).toMatchObject({ profile: 'ambient', env: { AMBIENT_ENABLE_MULTI_NETWORK: 'true' }, global: { meshID: 'mesh1', multiCluster: { clusterName: c }, network: net } });
      expect(values(mesh, c, 'helm-values-cni.yaml')).toEqual({ profile: 'ambient' });
      expect(values(mesh, c, 'helm-values-ztunnel.yaml')).toEqual({ multiCluster: { clusterName: c }, global: { network: net } });
      const iop = mesh.cluster(c)!.installInputs.istioOperators[0].manifest as any;
      expect(iop.spec.profile).toBe('ambient');
      expect(iop.spec.components.pilot.k8s.env).toEqual([{ name: 'AMBIENT_ENABLE_MULTI_NETWORK', value: 'true' }]);
      expect(iop.spec.values.global).toMatchObject({ meshID: 'mesh1', multiCluster: { clusterName: c }, network: net });
    }
    const tree = outputTree(mesh);
    expect(tree['_install-inputs/cluster1/README.md']).toMatch(/apply --server-side -f https:\/\/github.com\/kubernetes-sigs\/gateway-api\/releases\/download\/v1\.5\.1\/standard-install\.yaml[\s\S]*helm upgrade --install istio-base/);
    expect(tree['_install-inputs/cluster1/README.md']).toContain('helm upgrade --install ztunnel istio/ztunnel --version 1.30.3 -n istio-system');
    expect(tree['README.md']).toContain('Every cluster needs the Gateway API v1.5.1 CRDs before Istio');
  });

  test('namespaces enrolled with istio.io/dataplane-mode=ambient; cross-cluster services labelled istio.io/global in every cluster that has them', () => {
    const objects = objectsByCluster(meshOf(example()));
    for (const c of ['cluster1', 'cluster2']) {
      expect(find(objects[c], 'Namespace', 'sample').metadata.labels).toEqual({ 'istio.io/dataplane-mode': 'ambient' });
      expect(find(objects[c], 'Service', 'helloworld', 'sample').metadata.labels['istio.io/global']).toBe('true');
    }
    // Traffic distribution from the application model: the same annotation in every cluster.
    for (const c of ['cluster1', 'cluster2']) {
      expect(withoutSyncWave(find(objects[c], 'Service', 'helloworld', 'sample')).metadata.annotations).toEqual({ 'networking.istio.io/traffic-distribution': 'PreferClose' });
    }
    // A cluster-local service stays local.
    const local = example();
    local.applications[0].services[0].clusterLocal = true;
    expect(find(objectsByCluster(meshOf(local)).cluster1, 'Service', 'helloworld', 'sample').metadata.labels['istio.io/global']).toBeUndefined();
  });

  test('Sail: Istio profile ambient with the multi-network env, IstioCNI and ZTunnel with the cluster name and network, all schema-valid', () => {
    const objects = objectsByCluster(meshOf(example()));
    const istio = find(objects.cluster2, 'Istio', 'default');
    expect(istio.spec.profile).toBe('ambient');
    expect(istio.spec.values.pilot.env).toEqual({ AMBIENT_ENABLE_MULTI_NETWORK: 'true' });
    expect(istio.spec.values.profile).toBeUndefined();
    expect(find(objects.cluster2, 'IstioCNI', 'default').spec).toEqual({ version: 'v1.30.3', namespace: 'istio-system', profile: 'ambient' });
    expect(find(objects.cluster2, 'ZTunnel', 'default').spec.values.ztunnel).toMatchObject({ multiCluster: { clusterName: 'cluster2' }, network: 'network2' });
    expectValid(objects.cluster2);
  });

  test('Gateway API CRDs come first: an Argo CD Application per cluster in the prerequisites wave, from the pinned tag', () => {
    const mesh = meshOf({ ...ambient, argoCd: { repoURL: 'https://git.example.com/mesh.git', project: 'mesh' } });
    const tree = outputTree(mesh);
    const app = parseYamlDocuments(tree['_argocd/application_argocd_mesh1-cluster1-gateway-api-crds.yaml'])[0] as any;
    expect(app.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-1');
    expect(app.spec.sources).toEqual([{ repoURL: 'https://github.com/kubernetes-sigs/gateway-api.git', targetRevision: 'v1.5.1', path: 'config/crd/standard' }]);
    const meshApp = parseYamlDocuments(tree['_argocd/application_argocd_mesh1-cluster1.yaml'])[0] as any;
    expect(Number(meshApp.metadata.annotations['argocd.argoproj.io/sync-wave'])).toBeGreaterThan(-1);
    expect(meshApp.spec.sources.map((s: any) => s.chart).filter(Boolean)).toEqual(['base', 'istiod', 'cni', 'ztunnel']);
    const project = Object.entries(tree).find(([p]) => p.includes('appproject'))![1];
    expect(project).toContain('https://github.com/kubernetes-sigs/gateway-api.git');
    // A sidecar mesh needs no Gateway API Application.
    expect(Object.keys(outputTree(meshOf({ ...ambient, dataPlaneMode: 'sidecar', argoCd: { repoURL: 'https://git.example.com/mesh.git' } }))).some((p) => p.includes('gateway-api'))).toBe(false);
  });

  test('the TypeScript API and the file produce byte-identical output (the ambient example)', () => {
    const mesh = new Mesh(new App(), 'mesh', {
      meshId: 'mesh1', secretStore: { name: 'mesh-secrets' }, dataPlaneMode: DataPlaneMode.AMBIENT,
      argoCd: { repoURL: 'https://git.example.com/platform/mesh1-gitops.git', istioInstall: require('../src/argocd').IstioInstallMethod.SAIL_OPERATOR },
    });
    const c1 = mesh.addCluster('cluster1', { network: mesh.addNetwork('network1'), kubernetesVersion: '1.33', apiServer: 'https://cluster1.k8s.example.com:6443' });
    const c2 = mesh.addCluster('cluster2', { network: mesh.addNetwork('network2'), kubernetesVersion: '1.33', apiServer: 'https://cluster2.k8s.example.com:6443' });
    const app = mesh.addApplication('helloworld', { namespace: 'sample' });
    const helloworld = app.addService('helloworld', { ports: [{ port: 5000, name: 'http' }], trafficDistribution: TrafficDistribution.PREFER_CLOSE });
    app.addWorkload('helloworld', {
      version: 'v1', image: 'docker.io/istio/examples-helloworld-v1:1.0', ports: [5000], placement: { clusters: [c1, c2] },
      overrides: [{ cluster: c2, version: 'v2', image: 'docker.io/istio/examples-helloworld-v2:1.0' }],
    });
    app.addWaypoint({ name: 'waypoint', for: WaypointTraffic.SERVICE, services: [helloworld] });
    mesh.build();
    expect(outputTree(mesh)).toEqual(outputTree(meshOf(example())));
  });

  test('ambient with revisions: namespaces carry both the ambient label and the tag, ztunnel follows the stable revision', () => {
    const mesh = meshOf({ ...ambient, revisions: [{ name: '1-30-3' }], revisionTags: [{ name: 'prod-stable', revision: '1-30-3' }], clusters: clusters.map((c) => ({ ...c, verificationWorkloads: {} })) });
    expect(find(objectsByCluster(mesh).cluster1, 'Namespace', 'sample').metadata.labels).toEqual({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/rev': 'prod-stable' });
    expect(values(mesh, 'cluster1', 'helm-values-ztunnel.yaml').revision).toBe('1-30-3');
    expect(values(mesh, 'cluster1', 'helm-values-istiod-1-30-3.yaml')).toMatchObject({ profile: 'ambient', revision: '1-30-3' });
  });
});

describe('data-plane mode per cluster', () => {
  const mixed = () => { const t = example(); t.clusters[1].dataPlaneMode = 'sidecar'; return t; };

  test('a cluster of an ambient mesh keeps sidecars: its namespaces are labelled for injection, its install stays ambient-capable', () => {
    const mesh = meshOf(mixed());
    const objects = objectsByCluster(mesh);
    expect(find(objects.cluster1, 'Namespace', 'sample').metadata.labels).toEqual({ 'istio.io/dataplane-mode': 'ambient' });
    expect(find(objects.cluster2, 'Namespace', 'sample').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
    // The sidecars need HBONE (the ambient profile) to reach cluster1's ambient workloads, and cluster2's
    // workloads stay reachable across networks through its ambient east-west gateway.
    expect(find(objects.cluster2, 'Istio', 'default').spec.profile).toBe('ambient');
    expect(objects.cluster2.map((o) => o.kind)).toEqual(expect.arrayContaining(['IstioCNI', 'ZTunnel']));
    expect(find(objects.cluster2, 'Gateway', 'istio-eastwestgateway', 'istio-system').spec.gatewayClassName).toBe('istio-east-west');
    // The service is global in both clusters: a caller in cluster1 reaches cluster2's endpoints.
    for (const c of ['cluster1', 'cluster2']) expect(find(objects[c], 'Service', 'helloworld', 'sample').metadata.labels['istio.io/global']).toBe('true');
    expect(outputTree(mesh)['README.md']).toContain('The workloads of `cluster2` keep sidecars');
  });

  test('with revisions the sidecar cluster gets the tag label alone, never istio-injection beside it', () => {
    const t = { ...mixed(), revisions: [{ name: '1-30-3' }], revisionTags: [{ name: 'prod-stable', revision: '1-30-3' }] };
    const objects = objectsByCluster(meshOf(t));
    expect(find(objects.cluster1, 'Namespace', 'sample').metadata.labels).toEqual({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/rev': 'prod-stable' });
    expect(find(objects.cluster2, 'Namespace', 'sample').metadata.labels).toEqual({ 'istio.io/rev': 'prod-stable' });
  });

  test('a mixed mesh synthesizes with a warning naming the sidecar clusters; the TypeScript API declares it per cluster too', () => {
    const { dir, outdir } = workspaceWithOutput();
    fs.writeFileSync(`${dir}/t.yaml`, yaml(mixed()));
    const r = runSynth({ CDK8S_OUTDIR: outdir, MESH_TOPOLOGY: `${dir}/t.yaml` });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: the workloads of "cluster2" keep sidecars in an ambient mesh/m);
    const all = { ...example(), clusters: example().clusters.map((c: any) => ({ ...c, dataPlaneMode: 'sidecar' })) };
    expect(find(objectsByCluster(meshOf(all)).cluster1, 'Namespace', 'sample').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
    const mesh = new Mesh(new App(), 'mesh', { meshId: 'mesh1', secretStore: { name: 's' }, dataPlaneMode: DataPlaneMode.AMBIENT });
    mesh.addCluster('cluster1', { network: mesh.addNetwork('network1'), apiServer: 'https://cluster1.example.com' });
    mesh.addCluster('cluster2', { network: mesh.addNetwork('network2'), apiServer: 'https://cluster2.example.com', dataPlaneMode: DataPlaneMode.SIDECAR });
    mesh.addApplication('a', { namespace: 'sample' }).addService('a', { ports: [{ port: 80, name: 'http' }] });
    mesh.build();
    expect(mesh.ambient.warnings()).toEqual([expect.stringContaining('"cluster2" keep sidecars')]);
    expect(mesh.ambient.workloadMode(mesh.cluster('cluster1')!)).toBe(DataPlaneMode.AMBIENT);
  });

  test('an ambient cluster in a sidecar mesh is refused, naming the cluster, with the migration-order fix', () => {
    const t = { ...ambient, dataPlaneMode: 'sidecar', clusters: [clusters[0], { ...clusters[1], dataPlaneMode: 'ambient' }] };
    expectRejected(yaml(t), { cluster: 'cluster2', field: 'dataPlaneMode', contains: ['"ambient"', "set the mesh's dataPlaneMode: ambient", 'dataPlaneMode: sidecar'] });
    expectRejected(yaml({ ...ambient, clusters: [clusters[0], { ...clusters[1], dataPlaneMode: 'ztunnel' }] }), { cluster: 'cluster2', field: 'dataPlaneMode', contains: ['"ztunnel"', 'sidecar'] });
  });
});

describe('ingress in an ambient mesh on several networks', () => {
  // helloworld runs only on cluster2 (network2); cluster1's ingress gateway exposes it.
  const remoteOnly = (ambientProps?: object) => {
    const t = example();
    t.applications[0].workloads[0].placement.clusters = ['cluster2'];
    delete t.applications[0].workloads[0].overrides;
    t.applications[0].ingress = { clusters: ['cluster1'], routes: [{ service: 'helloworld', port: 5000 }] };
    if (ambientProps) t.ambient = ambientProps;
    return t;
  };

  test('an ingress that could reach no endpoint on its network (Istio 1.30 keeps ingress traffic local) is refused, naming the cluster', () => {
    expectRejected(yaml(remoteOnly()), {
      cluster: 'cluster1', field: 'applications.helloworld.ingress.routes[0].service',
      contains: ['"helloworld"', 'no workload of it runs on network "network1"', 'AMBIENT_ENABLE_MULTI_NETWORK_INGRESS', 'ingressAcrossNetworks: true'],
    });
  });

  test('ambient.ingressAcrossNetworks turns on AMBIENT_ENABLE_MULTI_NETWORK_INGRESS in every form, and the ingress is accepted', () => {
    const mesh = meshOf(remoteOnly({ ingressAcrossNetworks: true }));
    for (const c of ['cluster1', 'cluster2']) {
      expect(values(mesh, c, 'helm-values-istiod.yaml').env).toEqual({ AMBIENT_ENABLE_MULTI_NETWORK: 'true', AMBIENT_ENABLE_MULTI_NETWORK_INGRESS: 'true' });
      const iop = mesh.cluster(c)!.installInputs.istioOperators[0].manifest as any;
      expect(iop.spec.components.pilot.k8s.env).toEqual([{ name: 'AMBIENT_ENABLE_MULTI_NETWORK', value: 'true' }, { name: 'AMBIENT_ENABLE_MULTI_NETWORK_INGRESS', value: 'true' }]);
    }
    expect(find(objectsByCluster(mesh).cluster1, 'Istio', 'default').spec.values.pilot.env).toMatchObject({ AMBIENT_ENABLE_MULTI_NETWORK_INGRESS: 'true' });
    // Off (Istio's default) unless asked for; an ingress with a workload on its own network needs nothing.
    const local = example();
    local.applications[0].ingress = { clusters: ['cluster1'], routes: [{ service: 'helloworld', port: 5000 }] };
    expect(values(meshOf(local), 'cluster1', 'helm-values-istiod.yaml').env).toEqual({ AMBIENT_ENABLE_MULTI_NETWORK: 'true' });
    // Set through raw install values instead of the setting, it is refused with the setting to use.
    expectRejected(yaml({ ...remoteOnly(), installValues: { raw: { istiod: { env: { AMBIENT_ENABLE_MULTI_NETWORK_INGRESS: 'true' } } } } }), { field: 'installValues.raw.istiod.env.AMBIENT_ENABLE_MULTI_NETWORK_INGRESS', contains: ['ambient.ingressAcrossNetworks'] });
  });
});

describe('traffic distribution of application services', () => {
  test('combined with locality load balancing, which Istio would let win: refused, naming the service', () => {
    const t = example();
    t.clusters.forEach((c: any, i: number) => { c.region = `region${i + 1}`; });
    t.applications[0].services[0].loadBalancing = { locality: { failover: [{ from: 'region1', to: 'region2' }] } };
    expectRejected(toYaml(t), { field: 'applications.helloworld.services.helloworld.trafficDistribution', contains: ['"PreferClose"', 'localityLbSetting win'] });
  });

  test('a value Istio does not know is refused by the file schema', () => {
    const t = example();
    t.applications[0].services[0].trafficDistribution = 'PreferNetwork';
    expectRejected(toYaml(t), { field: 'applications.helloworld.services.helloworld.trafficDistribution', contains: ['"PreferNetwork"', 'PreferClose'] });
  });
});

describe('ambient limits are errors (or an explicit opt-in with a warning)', () => {
  test('ambient with primary-remote (istiod cannot be exposed through the ambient gateway)', () => {
    expectRejected(yaml({ ...ambient, clusters: [clusters[0], { ...clusters[1], primaryClusterName: 'cluster1' }] }), { cluster: 'cluster2', field: 'primaryClusterName', contains: ['"cluster1"', 'classic east-west gateway'] });
  });
  test('exposing istiod through the ambient gateway (an east-west address for remotes)', () => {
    expectRejected(yaml({ ...ambient, clusters: [{ ...clusters[0], eastWestGateway: { address: '192.0.2.10' } }, clusters[1]] }), { cluster: 'cluster1', field: 'eastWestGateway.address', contains: ['"192.0.2.10"', 'classic east-west gateway'] });
  });
  test('ambient with an external control plane', () => {
    const ext = parseYamlDocuments(fs.readFileSync(`${PROJECT_ROOT}/examples/external-control-plane.yaml`, 'utf8'))[0] as any;
    expectRejected(yaml({ ...ext, dataPlaneMode: 'ambient' }), { cluster: 'external', field: 'controlPlane', contains: ['external'] });
  });
  test('ambient single-network multicluster: rejected without the opt-in; accepted with it, with a warning', () => {
    const single = { ...ambient, clusters: clusters.map((c) => ({ ...c, network: 'network1' })) };
    expectRejected(yaml(single), { field: 'dataPlaneMode', contains: ['"ambient"', 'allowSingleNetwork: true'] });
    const tree = expectAccepted(yaml({ ...single, ambient: { allowSingleNetwork: true } }));
    expect(Object.keys(tree).some((p) => p.includes('namespace_istio-system'))).toBe(true);
    const { dir, outdir } = workspaceWithOutput();
    fs.writeFileSync(`${dir}/t.yaml`, yaml({ ...single, ambient: { allowSingleNetwork: true } }));
    const r = runSynth({ CDK8S_OUTDIR: outdir, MESH_TOPOLOGY: `${dir}/t.yaml` });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: ambient on several clusters of one network is alpha/m);
  });
  test('VM groups (istiod must be exposed for them, which the ambient east-west gateway cannot do)', () => {
    const vm = { ...example(), vmNetworks: ['vm-network'], vmGroups: [{ name: 'hello-vm', namespace: 'vm-namespace', serviceAccount: 'vm-sa', network: 'vm-network', ports: { http: 8080 } }] };
    expectRejected(yaml(vm), { field: 'vmGroups.hello-vm', contains: ['"hello-vm"', 'expose-istiod', 'dataPlaneMode: sidecar'] });
  });
  test('a Kubernetes version too old for the pinned Gateway API, or not a version', () => {
    expectRejected(yaml({ ...ambient, clusters: [{ ...clusters[0], kubernetesVersion: '1.30' }, clusters[1]] }), { cluster: 'cluster1', field: 'kubernetesVersion', contains: ['"1.30"', 'v1.5.1', '1.31'] });
    expectRejected(yaml({ ...ambient, clusters: [clusters[0], { ...clusters[1], kubernetesVersion: 'latest' }] }), { cluster: 'cluster2', field: 'kubernetesVersion', contains: ['"latest"'] });
    expect(() => objectsByCluster(meshOf({ ...ambient, clusters: [{ ...clusters[0], kubernetesVersion: 'v1.31.2' }, clusters[1]] }))).not.toThrow();
  });
});
