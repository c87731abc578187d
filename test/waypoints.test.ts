import * as fs from 'fs';
import { App } from 'cdk8s';
import { DataPlaneMode } from '../src/ambient/mesh-ambient';
import { TrafficDistribution } from '../src/application/service';
import { WaypointTraffic } from '../src/application/waypoint';
import { IstioInstallMethod } from '../src/argocd';
import { Mesh } from '../src/mesh';
import { parseYamlDocuments, toYaml } from '../src/output/yaml';
import { expectAccepted, expectRejected } from './support/hostile';
import { find, fixtureDocs, fixturePath, meshOf, objectsByCluster, outputTree, PROJECT_ROOT, problemsOf, withoutSyncWave } from './support/mesh';
import { expectValid } from './support/schema-validator';

/** The ambient example: helloworld in namespace sample on cluster1 and cluster2, behind waypoint "waypoint". */
const example = () => parseYamlDocuments(fs.readFileSync(`${PROJECT_ROOT}/examples/ambient-multi-primary-multi-network.yaml`, 'utf8'))[0] as any;
const HW = 'applications.helloworld';

/** istioctl's Gateway for `--name waypoint --for service -n sample`, and with `--revision prod-stable`. */
const [ISTIOCTL, ISTIOCTL_REV] = fixtureDocs('istio', 'istioctl-waypoint.sample.yaml');

/**
 * The labels istiod gives the objects it generates for a Gateway (`.InfrastructureLabels`), as
 * pilot/pkg/config/kube/gatewaycommon/deploymentcontroller.go extractInfrastructureMetadata computes them
 * (istio/istio@1.30.3): `spec.infrastructure.labels` when set (minus the gateway.networking.k8s.io/ prefix),
 * else the Gateway's own labels while PILOT_ENABLE_GATEWAY_API_COPY_LABELS_ANNOTATIONS is on (its default).
 */
function infrastructureLabels(gateway: any, copyLabels: boolean): Record<string, string> {
  const infra = gateway.spec.infrastructure?.labels;
  if (infra) return Object.fromEntries(Object.entries(infra as Record<string, string>).filter(([k]) => !k.startsWith('gateway.networking.k8s.io/')));
  return copyLabels ? { ...(gateway.metadata.labels ?? {}) } : {};
}

const withoutInfrastructure = (gw: any) => {
  const { infrastructure: _i, ...spec } = gw.spec;
  return { ...gw, spec };
};

describe('waypoints in the application model (ambient multicluster)', () => {
  test('the Gateway is istioctl\'s, in every cluster that has the service, in the gateways phase, schema-valid; the service uses it everywhere', () => {
    const mesh = meshOf(example());
    const objects = objectsByCluster(mesh);
    const tree = outputTree(mesh);
    for (const c of ['cluster1', 'cluster2']) {
      const gw = withoutSyncWave(find(objects[c], 'Gateway', 'waypoint', 'sample'));
      expect(withoutInfrastructure(gw)).toEqual(ISTIOCTL);
      expect(gw.spec.infrastructure).toEqual({ labels: { 'istio.io/waypoint-for': 'service', 'istio.io/global': 'true' } });
      expect(Object.keys(tree)).toContain(`${c}/40-gateways/gateway_sample_waypoint.yaml`);
      expect(find(objects[c], 'Service', 'helloworld', 'sample').metadata.labels).toEqual({
        app: 'helloworld', service: 'helloworld', 'istio.io/use-waypoint': 'waypoint', 'istio.io/global': 'true',
      });
      // Bound one by one: the Namespace stays as it was.
      expect(find(objects[c], 'Namespace', 'sample').metadata.labels).toEqual({ 'istio.io/dataplane-mode': 'ambient' });
      expectValid([gw]);
    }
    expect(tree['README.md']).toContain('Waypoint `waypoint` (for service, global) serves `helloworld`');
    expect(tree['README.md']).toContain('`kubectl -n sample get service waypoint -L istio.io/global` shows `true`');
    // The Gateway waits for istiod (wave 0) and comes before the workloads it serves.
    expect(find(objects.cluster1, 'Gateway', 'waypoint', 'sample').metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('2');
  });

  test('the global label reaches the waypoint\'s Service through the infrastructure labels, whatever the label-copy flag', () => {
    // istiod's waypoint template labels the Service with .InfrastructureLabels (and the gateway name/class).
    const template = fs.readFileSync(fixturePath('istio', 'waypoint.yaml.tmpl'), 'utf8');
    const service = template.split('\n---\n').find((d) => /^kind: Service$/m.test(d))!;
    expect(service.slice(service.indexOf('  labels:'), service.indexOf('  name:'))).toMatch(/toJsonMap\s+\.InfrastructureLabels/);
    const gw = withoutSyncWave(find(objectsByCluster(meshOf(example())).cluster2, 'Gateway', 'waypoint', 'sample'));
    for (const copyLabels of [true, false]) {
      expect(infrastructureLabels(gw, copyLabels)).toEqual({ 'istio.io/waypoint-for': 'service', 'istio.io/global': 'true' });
    }
    // istioctl's Gateway alone never makes the Service global: the failover guide labels it by hand.
    expect(infrastructureLabels(ISTIOCTL, true)['istio.io/global']).toBeUndefined();
  });

  test('with revisions: the label istioctl --revision writes, with the gateways\' tag (or revision) of the mesh', () => {
    const t = { ...example(), revisions: [{ name: '1-30-3' }], revisionTags: [{ name: 'prod-stable', revision: '1-30-3' }] };
    const gw = withoutSyncWave(find(objectsByCluster(meshOf(t)).cluster1, 'Gateway', 'waypoint', 'sample'));
    expect(withoutInfrastructure(gw)).toEqual(ISTIOCTL_REV);
    expect(gw.spec.infrastructure.labels).toEqual({ ...ISTIOCTL_REV.metadata.labels, 'istio.io/global': 'true' });
    // gatewayRevision picks another tag/revision for gateways, waypoints included (ambient upgrade docs).
    const canary = withoutSyncWave(find(objectsByCluster(meshOf({ ...t, gatewayRevision: '1-30-3' })).cluster1, 'Gateway', 'waypoint', 'sample'));
    expect(canary.metadata.labels['istio.io/rev']).toBe('1-30-3');
    // No revisions: no label (istiod's own revision takes the Gateway, as for istioctl without --revision).
    expect(withoutSyncWave(find(objectsByCluster(meshOf(example())).cluster1, 'Gateway', 'waypoint', 'sample')).metadata.labels['istio.io/rev']).toBeUndefined();
  });

  test('only the clusters that hold a service using the waypoint get it', () => {
    const t = example();
    t.clusters.push({ clusterName: 'cluster3', network: 'network3', kubernetesVersion: '1.33', apiServer: 'https://cluster3.k8s.example.com:6443' });
    t.applications.push({
      name: 'other', namespace: 'other',
      services: [{ name: 'api', ports: [{ port: 80, name: 'http' }] }],
      workloads: [{ name: 'api', image: 'docker.io/example/api:1.0', ports: [80], placement: { clusters: ['cluster3'] } }],
    });
    const objects = objectsByCluster(meshOf(t));
    expect(objects.cluster3.filter((o) => o.kind === 'Gateway' && o.metadata.namespace === 'sample')).toEqual([]);
    expect(objects.cluster1.filter((o) => o.kind === 'Gateway' && o.metadata.name === 'waypoint').length).toBe(1);
    // A caller in cluster3 has helloworld's Service there, so it gets the waypoint too ("universal waypoints").
    t.applications[1].workloads[0].calls = ['helloworld/helloworld'];
    const calling = objectsByCluster(meshOf(t));
    expect(withoutSyncWave(find(calling.cluster3, 'Gateway', 'waypoint', 'sample'))).toEqual(withoutSyncWave(find(calling.cluster1, 'Gateway', 'waypoint', 'sample')));
  });

  test('an enrolled namespace: the Namespace label, no Service label, the Gateway wherever the namespace exists', () => {
    const t = example();
    t.applications[0].waypoints = [{ enrollNamespace: true }];
    const objects = objectsByCluster(meshOf(t));
    for (const c of ['cluster1', 'cluster2']) {
      expect(find(objects[c], 'Namespace', 'sample').metadata.labels).toEqual({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' });
      expect(find(objects[c], 'Service', 'helloworld', 'sample').metadata.labels['istio.io/use-waypoint']).toBeUndefined();
      expect(find(objects[c], 'Gateway', 'waypoint', 'sample').spec.infrastructure.labels['istio.io/global']).toBe('true');
    }
    // A workload waypoint serves no service: not global, istioctl's Gateway as is.
    t.applications[0].waypoints = [{ name: 'pods', for: 'workload', enrollNamespace: true }];
    const gw = withoutSyncWave(find(objectsByCluster(meshOf(t)).cluster1, 'Gateway', 'pods', 'sample'));
    expect(gw).toEqual({ ...ISTIOCTL, metadata: { ...ISTIOCTL.metadata, name: 'pods', labels: { 'istio.io/waypoint-for': 'workload' } } });
  });

  test('cluster-local services keep a local waypoint (no global label anywhere)', () => {
    const t = example();
    t.applications[0].services[0].clusterLocal = true;
    const objects = objectsByCluster(meshOf(t));
    const gw = withoutSyncWave(find(objects.cluster1, 'Gateway', 'waypoint', 'sample'));
    expect(gw).toEqual(ISTIOCTL);
    expect(find(objects.cluster1, 'Service', 'helloworld', 'sample').metadata.labels['istio.io/global']).toBeUndefined();
  });

  test('authorization through a waypoint: the callers are checked at the waypoint (targetRefs), the workload admits the waypoint too', () => {
    const t = example();
    t.applications[0].defaultDeny = true;
    t.applications.push({
      name: 'client', namespace: 'client', services: [{ name: 'curl', ports: [{ port: 8080, name: 'http' }] }],
      workloads: [{ name: 'curl', image: 'curlimages/curl:8.11.1', ports: [8080], serviceAccount: { name: 'curl' }, placement: { clusters: ['cluster1'] } }],
    });
    t.applications[0].services[0].allowCallsFrom = ['client/curl'];
    const objects = objectsByCluster(meshOf(t));
    for (const c of ['cluster1', 'cluster2']) {
      const atWaypoint = find(objects[c], 'AuthorizationPolicy', 'helloworld.waypoint', 'sample');
      expect(withoutSyncWave(atWaypoint).spec).toEqual({
        targetRefs: [{ group: '', kind: 'Service', name: 'helloworld' }], action: 'ALLOW',
        rules: [{ from: [{ source: { principals: ['cluster.local/ns/client/sa/curl'] } }] }],
      });
      expect(find(objects[c], 'AuthorizationPolicy', 'helloworld', 'sample').spec).toEqual({
        selector: { matchLabels: { app: 'helloworld' } }, action: 'ALLOW',
        rules: [{ from: [{ source: { principals: ['cluster.local/ns/client/sa/curl', 'cluster.local/ns/sample/sa/waypoint'] } }] }],
      });
      expectValid(objects[c].filter((o) => o.kind === 'AuthorizationPolicy'));
    }
    // Without the waypoint, the caller policy is the plain selector one, and nothing targets the Service.
    delete t.applications[0].waypoints;
    const plain = objectsByCluster(meshOf(t));
    expect(plain.cluster1.filter((o) => o.kind === 'AuthorizationPolicy').map((o) => o.metadata.name).sort()).toEqual(['allow-nothing', 'helloworld']);
    expect(find(plain.cluster1, 'AuthorizationPolicy', 'helloworld', 'sample').spec.rules[0].from[0].source.principals).toEqual(['cluster.local/ns/client/sa/curl']);
  });

  test('the TypeScript API and the file produce byte-identical output (enrolled namespace, two waypoints)', () => {
    const t = example();
    t.applications[0].services.push({ name: 'echo', ports: [{ port: 8080, name: 'http' }] });
    t.applications[0].workloads.push({ name: 'echo', image: 'docker.io/example/echo:1.0', ports: [8080], placement: { clusters: ['cluster1'] } });
    t.applications[0].waypoints = [{ name: 'hello-waypoint', for: 'all', services: ['helloworld'] }, { enrollNamespace: true }];
    const mesh = new Mesh(new App(), 'mesh', {
      meshId: 'mesh1', secretStore: { name: 'mesh-secrets' }, dataPlaneMode: DataPlaneMode.AMBIENT,
      argoCd: { repoURL: 'https://git.example.com/platform/mesh1-gitops.git', istioInstall: IstioInstallMethod.SAIL_OPERATOR },
    });
    const c1 = mesh.addCluster('cluster1', { network: mesh.addNetwork('network1'), kubernetesVersion: '1.33', apiServer: 'https://cluster1.k8s.example.com:6443' });
    const c2 = mesh.addCluster('cluster2', { network: mesh.addNetwork('network2'), kubernetesVersion: '1.33', apiServer: 'https://cluster2.k8s.example.com:6443' });
    const app = mesh.addApplication('helloworld', { namespace: 'sample' });
    const hw = app.addService('helloworld', { ports: [{ port: 5000, name: 'http' }], trafficDistribution: TrafficDistribution.PREFER_CLOSE });
    app.addService('echo', { ports: [{ port: 8080, name: 'http' }] });
    app.addWorkload('helloworld', {
      version: 'v1', image: 'docker.io/istio/examples-helloworld-v1:1.0', ports: [5000], placement: { clusters: [c1, c2] },
      overrides: [{ cluster: c2, version: 'v2', image: 'docker.io/istio/examples-helloworld-v2:1.0' }],
    });
    app.addWorkload('echo', { image: 'docker.io/example/echo:1.0', ports: [8080], placement: { clusters: [c1] } });
    app.addWaypoint({ name: 'hello-waypoint', for: WaypointTraffic.ALL, services: [hw] });
    app.addWaypoint({ enrollNamespace: true });
    mesh.build();
    const tree = outputTree(mesh);
    expect(tree).toEqual(outputTree(meshOf(t)));
    // helloworld has its own waypoint; echo (only in cluster1) goes through the namespace's.
    expect(Object.keys(tree).filter((p) => p.includes('gateway_sample_')).sort()).toEqual([
      'cluster1/40-gateways/gateway_sample_hello-waypoint.yaml', 'cluster1/40-gateways/gateway_sample_waypoint.yaml',
      'cluster2/40-gateways/gateway_sample_hello-waypoint.yaml', 'cluster2/40-gateways/gateway_sample_waypoint.yaml',
    ]);
    expect(tree['cluster1/60-workloads/service_sample_helloworld.yaml']).toContain('istio.io/use-waypoint: hello-waypoint');
    expect(tree['cluster1/60-workloads/service_sample_echo.yaml']).not.toContain('use-waypoint');
  });
});

describe('rejected waypoints: nothing written, the problem named with the value and a fix', () => {
  const withWaypoints = (waypoints: unknown[], edit: (t: any) => void = () => undefined) => {
    const t = example();
    t.applications[0].waypoints = waypoints;
    edit(t);
    return t;
  };

  // A waypoint's name becomes an object name, a label value, a file name and a SPIFFE principal.
  test.each(['a\nb', '../x', '0X1F', '{{ .Values.name }}', 'x'.repeat(64)])('a hostile name %j is refused as a DNS-1123 label', (name) => {
    // Problems show names JSON-escaped (formatProblem), so the field is matched as shown.
    const shown = JSON.stringify(`${HW}.waypoints.${name}.name`).slice(1, -1);
    expectRejected(toYaml(withWaypoints([{ name, services: ['helloworld'] }])), { field: shown, contains: [JSON.stringify(name), 'DNS-1123 label'] });
  });

  test('a name YAML 1.1 reads as a boolean ("yes") is a valid label: written as the string it is', () => {
    const tree = expectAccepted(toYaml(withWaypoints([{ name: 'yes', services: ['helloworld'] }])));
    const gateway = parseYamlDocuments(tree['cluster1/40-gateways/gateway_sample_yes.yaml'])[0] as any;
    expect(gateway.metadata.name).toBe('yes');
    expect(tree['cluster1/40-gateways/gateway_sample_yes.yaml']).toMatch(/name: ['"]yes['"]/);
  });

  test('a waypoint in a sidecar mesh', () => {
    expectRejected(toYaml(withWaypoints([{ services: ['helloworld'] }], (t) => { t.dataPlaneMode = 'sidecar'; })),
      { field: `${HW}.waypoints.waypoint`, contains: ['"waypoint"', 'only in ambient meshes', 'set dataPlaneMode: ambient'] });
  });

  test('names istiod cannot use, or that mean something else', () => {
    expectRejected(toYaml(withWaypoints([{ name: 'Waypoint_1', services: ['helloworld'] }])),
      { field: `${HW}.waypoints.Waypoint_1.name`, contains: ['"Waypoint_1"', 'DNS-1123 label'] });
    expectRejected(toYaml(withWaypoints([{ name: 'none', services: ['helloworld'] }])),
      { field: `${HW}.waypoints.none.name`, contains: ['"none"', 'use no waypoint'] });
    expectRejected(toYaml(withWaypoints([{ name: 'default', services: ['helloworld'] }])),
      { field: `${HW}.waypoints.default.name`, contains: ['"default"', 'default ServiceAccount'] });
  });

  test('a name taken in the namespace: a Service, a Deployment, another waypoint', () => {
    expectRejected(toYaml(withWaypoints([{ name: 'helloworld', enrollNamespace: true }])),
      { field: `${HW}.waypoints.helloworld.name`, contains: ['"helloworld"', 'Service applications.helloworld.services.helloworld', 'merges same-named Services'] });
    expectRejected(toYaml(withWaypoints([{ name: 'helloworld-v2', services: ['helloworld'] }])),
      { field: `${HW}.waypoints.helloworld-v2.name`, contains: ['"helloworld-v2"', 'Deployment of applications.helloworld.workloads.helloworld-v1'] });
    expectRejected(toYaml(withWaypoints([{ services: ['helloworld'] }, { for: 'workload', enrollNamespace: true }])),
      { field: `${HW}.waypoints.waypoint.name`, contains: ['one Gateway of a name'] });
  });

  test('a cluster-local service sharing a global waypoint (Istio would make it global)', () => {
    expectRejected(toYaml(withWaypoints([{ services: ['helloworld', 'local'] }], (t) => {
      t.applications[0].services.push({ name: 'local', ports: [{ port: 80, name: 'http' }], clusterLocal: true });
    })), { field: `${HW}.waypoints.waypoint.services`, contains: ['["local"]', 'will also be global', 'a waypoint of their own'] });
  });

  test('bindings istiod would not honour, or that bind nothing', () => {
    expectRejected(toYaml(withWaypoints([{ for: 'workload', services: ['helloworld'] }])),
      { field: `${HW}.waypoints.waypoint.for`, contains: ['"workload"', 'takes no service traffic'] });
    expectRejected(toYaml(withWaypoints([{ services: ['helloworl'] }])),
      { field: `${HW}.waypoints.waypoint.services[0]`, contains: ['"helloworl"', 'did you mean "helloworld"?'] });
    expectRejected(toYaml(withWaypoints([{ name: 'idle' }])),
      { field: `${HW}.waypoints.idle.services`, contains: ['nothing would use the waypoint'] });
    expectRejected(toYaml(withWaypoints([{ enrollNamespace: true }, { name: 'second', enrollNamespace: true }])),
      { field: `${HW}.waypoints.second.enrollNamespace`, contains: ['one istio.io/use-waypoint label'] });
    expectRejected(toYaml(withWaypoints([{ services: ['helloworld'] }, { name: 'second', services: ['helloworld'] }])),
      { field: `${HW}.waypoints.second.services[0]`, contains: ['"helloworld"', 'bound to another waypoint'] });
  });

  test('the file schema refuses a traffic type istioctl\'s waypoints do not take here, naming the waypoint', () => {
    expectRejected(toYaml(withWaypoints([{ for: 'none', services: ['helloworld'] }])),
      { field: `${HW}.waypoints.waypoint.for`, contains: ['"none"', 'service'] });
  });

  test('L7 traffic rules with no waypoint in an ambient mesh (ztunnel ignores them); fine with one, or where the workloads keep sidecars', () => {
    const t = example();
    delete t.applications[0].waypoints;
    t.applications[0].services[0].subsetsByCluster = true;
    expectRejected(toYaml(t), { field: `${HW}.services.helloworld.subsetsByCluster`, contains: ['"helloworld"', 'only a waypoint applies', '"cluster1", "cluster2"', 'add a waypoint'] });
    const withWaypoint = example();
    withWaypoint.applications[0].services[0].subsetsByCluster = true;
    expect(() => objectsByCluster(meshOf(withWaypoint))).not.toThrow();
    const sidecars = { ...t, clusters: t.clusters.map((c: any) => ({ ...c, dataPlaneMode: 'sidecar' })) };
    expect(() => objectsByCluster(meshOf(sidecars))).not.toThrow();
  });

  test('every problem at once', () => {
    const problems = problemsOf(withWaypoints([{ name: 'Bad', for: 'workload', services: ['helloworld'] }, { name: 'helloworld', enrollNamespace: true }], (t) => { t.dataPlaneMode = 'sidecar'; }));
    const fields = problems.map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining([
      `${HW}.waypoints.Bad.name`, `${HW}.waypoints.Bad.for`, `${HW}.waypoints.Bad`, `${HW}.waypoints.helloworld.name`, `${HW}.waypoints.helloworld`,
    ]));
  });
});
