import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { ControlPlane, InstallValues, Mesh, parseYamlDocuments, TrustSource } from '../src';
import { expectRejected } from './support/hostile';
import { meshOf, objectsByCluster, outputTree, PROJECT_ROOT, problemsOf } from './support/mesh';
import { expectValid } from './support/schema-validator';
import { meshText, primary } from './support/topologies';

const get = (o: any, p: string): any => p.split('.').reduce((x, k) => (x === undefined ? undefined : x[k]), o);

/** The four forms that carry a cluster's values, read back from the written files (and the Sail objects). */
function forms(topology: any, cluster = 'cluster1') {
  const helm = meshOf({ ...topology, argoCd: { repoURL: 'https://git.example.com/mesh.git' } });
  const tree = outputTree(helm);
  const istiod = parseYamlDocuments(tree[`_install-inputs/${cluster}/helm-values-istiod.yaml`])[0] as any;
  const base = parseYamlDocuments(tree[`_install-inputs/${cluster}/helm-values-base.yaml`])[0] as any;
  const iop = parseYamlDocuments(tree[`_install-inputs/${cluster}/istio-operator.yaml`])[0] as any;
  const app = parseYamlDocuments(tree[`_argocd/application_argocd_mesh1-${cluster}.yaml`])[0] as any;
  const argo = Object.fromEntries(app.spec.sources.filter((s: any) => s.chart).map((s: any) => [s.chart, s.helm.valuesObject]));
  const sailObjects = objectsByCluster(meshOf({ ...topology, argoCd: { repoURL: 'https://git.example.com/mesh.git', istioInstall: 'sailOperator' } }))[cluster];
  const sail = sailObjects.find((o) => o.kind === 'Istio');
  return { istiod, base, iop, argo, sail, sailObjects };
}

const mesh = (installValues: unknown, cluster1: Record<string, unknown> = {}) => JSON.parse(meshText(
  [primary('cluster1', cluster1), primary('cluster2', { network: 'network2' })], installValues === undefined ? {} : { installValues }));

/**
 * Each override: the install values, the path it takes in the istiod chart's values, the path in the
 * values API (IstioOperator `spec.values`, Sail `spec.values`), and the expected value.
 */
const OVERRIDES: [string, InstallValues, string, string | undefined, unknown][] = [
  ['hub', { hub: 'registry.example.com/istio' }, 'global.hub', 'global.hub', 'registry.example.com/istio'],
  ['tag', { tag: '1.30.3-distroless' }, 'global.tag', 'global.tag', '1.30.3-distroless'],
  ['istiod resources', { istiod: { resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { memory: '8Gi' } } } }, 'resources', 'pilot.resources',
    { requests: { cpu: '1', memory: '4Gi' }, limits: { memory: '8Gi' } }],
  ['replicaCount', { istiod: { replicaCount: 3 } }, 'replicaCount', 'pilot.replicaCount', 3],
  ['replicaCount turns the HPA off', { istiod: { replicaCount: 3 } }, 'autoscaleEnabled', 'pilot.autoscaleEnabled', false],
  ['autoscale', { istiod: { autoscale: { min: 2, max: 7 } } }, 'autoscaleMax', 'pilot.autoscaleMax', 7],
  ['nodeSelector', { istiod: { nodeSelector: { 'node-role.example.com/infra': 'true' } } }, 'nodeSelector', 'pilot.nodeSelector', { 'node-role.example.com/infra': 'true' }],
  ['tolerations', { istiod: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'istio', effect: 'NoSchedule' }] } }, 'tolerations', 'pilot.tolerations',
    [{ key: 'dedicated', operator: 'Equal', value: 'istio', effect: 'NoSchedule' }]],
  ['affinity', { istiod: { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'istiod' } } } }] } } } },
    'affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution.0.weight', 'pilot.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution.0.weight', 100],
  ['accessLogFile', { meshConfig: { accessLogFile: '/dev/stdout' } }, 'meshConfig.accessLogFile', undefined, '/dev/stdout'],
  ['accessLogEncoding', { meshConfig: { accessLogEncoding: 'JSON' } }, 'meshConfig.accessLogEncoding', undefined, 'JSON'],
  ['outboundTrafficPolicy', { meshConfig: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } } }, 'meshConfig.outboundTrafficPolicy.mode', undefined, 'REGISTRY_ONLY'],
  ['enableTracing', { meshConfig: { enableTracing: true } }, 'meshConfig.enableTracing', undefined, true],
  ['holdApplicationUntilProxyStarts', { meshConfig: { defaultConfig: { holdApplicationUntilProxyStarts: true } } }, 'meshConfig.defaultConfig.holdApplicationUntilProxyStarts', undefined, true],
  ['raw pilot key', { raw: { istiod: { pilot: { keepaliveMaxServerConnectionAge: '1h' } } } }, 'pilot.keepaliveMaxServerConnectionAge', 'pilot.keepaliveMaxServerConnectionAge', '1h'],
  ['raw top-level istiod key', { raw: { istiod: { traceSampling: 5 } } }, 'traceSampling', 'pilot.traceSampling', 5],
  ['raw global', { raw: { istiod: { global: { logAsJson: true } } } }, 'global.logAsJson', 'global.logAsJson', true],
  ['raw meshConfig', { raw: { istiod: { meshConfig: { defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true' } } } } } },
    'meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE', undefined, 'true'],
];

describe('install values reach every form that carries values, and the forms agree', () => {
  test.each(OVERRIDES)('%s (mesh-wide)', (_name, values, chartPath, apiPath, expected) => {
    const f = forms(mesh(values));
    expect(get(f.istiod, chartPath)).toEqual(expected);
    // Argo CD's valuesObject is the values file, whole.
    expect(f.argo.istiod).toEqual(f.istiod);
    expect(f.argo.base).toEqual(f.base);
    if (apiPath === undefined) {
      // meshConfig: spec.meshConfig of the IstioOperator, values.meshConfig of Sail.
      expect(get(f.iop.spec.meshConfig, chartPath.replace(/^meshConfig\./, ''))).toEqual(expected);
      expect(get(f.sail.spec.values, chartPath)).toEqual(expected);
    } else {
      expect(get(f.iop.spec.values, apiPath)).toEqual(expected);
      expect(get(f.sail.spec.values, apiPath)).toEqual(expected);
    }
    // What the model derives is still there, in every form.
    expect(f.istiod.global).toMatchObject({ meshID: 'mesh1', network: 'network1', multiCluster: { clusterName: 'cluster1' } });
    expect(f.iop.spec.values.global).toMatchObject({ meshID: 'mesh1', network: 'network1' });
    expect(f.sail.spec.values.global).toMatchObject({ meshID: 'mesh1', network: 'network1' });
    expectValid(f.sailObjects);
  });

  test.each(OVERRIDES)('%s (per cluster): only that cluster gets it', (_name, values, chartPath, _apiPath, expected) => {
    const topology = mesh(undefined, { installValues: values });
    expect(get(forms(topology, 'cluster1').istiod, chartPath)).toEqual(expected);
    expect(get(forms(topology, 'cluster2').istiod, chartPath)).toBeUndefined();
  });

  test('a raw base value reaches the base chart, the IstioOperator\'s values and Sail', () => {
    const f = forms(mesh({ raw: { base: { experimental: { stableValidationPolicy: true } } } }));
    expect(f.base.experimental).toEqual({ stableValidationPolicy: true });
    expect(f.istiod.experimental).toBeUndefined();
    expect(f.iop.spec.values.experimental).toEqual({ stableValidationPolicy: true });
    expect(f.sail.spec.values.experimental).toEqual({ stableValidationPolicy: true });
  });

  test('per-cluster over mesh-wide over ours, deep; raw over typed; lists replace as in Helm', () => {
    const topology = mesh(
      { hub: 'mesh.example.com/istio', tag: '1.30.3', istiod: { tolerations: [{ key: 'a', operator: 'Exists' }], resources: { requests: { cpu: '1' } } } },
      { installValues: { hub: 'cluster.example.com/istio', istiod: { tolerations: [{ key: 'b', operator: 'Exists' }], resources: { requests: { memory: '3Gi' } } }, raw: { istiod: { global: { tag: '1.30.3-debug' } } } } },
    );
    const one = forms(topology, 'cluster1').istiod;
    expect(one.global).toMatchObject({ hub: 'cluster.example.com/istio', tag: '1.30.3-debug', meshID: 'mesh1' });
    expect(one.tolerations).toEqual([{ key: 'b', operator: 'Exists' }]);
    expect(one.resources).toEqual({ requests: { cpu: '1', memory: '3Gi' } });
    const two = forms(topology, 'cluster2').istiod;
    expect(two.global).toMatchObject({ hub: 'mesh.example.com/istio', tag: '1.30.3', network: 'network2' });
  });

  test('no install values: the forms are exactly what they were (no empty keys)', () => {
    const f = forms(mesh(undefined));
    expect(Object.keys(f.istiod).sort()).toEqual(['global']);
    expect(f.iop.spec.meshConfig).toBeUndefined();
    expect(f.sail.spec.values.pilot).toBeUndefined();
  });

  test('the service-settings hook and a meshConfig override both land in meshConfig', () => {
    const app = new App();
    const m = new Mesh(app, 'mesh', { meshId: 'mesh1', secretStore: { name: 's' }, installValues: { meshConfig: { accessLogFile: '/dev/stdout' } } });
    const n = m.addNetwork('network1');
    const c = m.addCluster('cluster1', { network: n });
    const application = m.addApplication('shop', { namespace: 'shop' } as any);
    application.addService('cache', { ports: [{ port: 6379, name: 'redis' }], clusterLocal: true } as any);
    const mc = c.installInputs.releases.find((r) => r.chart === 'istiod')!.values.meshConfig as any;
    expect(mc.accessLogFile).toBe('/dev/stdout');
    expect(mc.serviceSettings).toEqual([{ settings: { clusterLocal: true }, hosts: ['cache.shop.svc.cluster.local'] }]);
    expect((c.installInputs.istioOperators[0].manifest.spec as any).meshConfig).toMatchObject({ accessLogFile: '/dev/stdout', serviceSettings: mc.serviceSettings });
  });

  test('remote and external control planes: every Istio install of the cluster gets the values', () => {
    const values = { hub: 'registry.example.com/istio', meshConfig: { accessLogFile: '/dev/stdout' } };
    const remote = meshOf(JSON.parse(meshText([primary('cluster1', { eastWestGateway: { address: '192.0.2.1' } }), primary('cluster2', { primaryClusterName: 'cluster1' })], { installValues: values })));
    const c2 = remote.cluster('cluster2')!;
    expect((c2.installInputs.releases[1].values as any).global).toMatchObject({ hub: 'registry.example.com/istio', remotePilotAddress: '192.0.2.1' });
    expect((c2.installInputs.istioOperators[0].manifest.spec as any).profile).toBe('remote');
    const external = meshOf(JSON.parse(meshText([
      primary('external', { configClusterName: 'cluster1', externalIstiod: { address: 'istiod.mesh1.example.com', tlsCredentialName: 'istiod-tls' } }),
      primary('cluster1', { primaryClusterName: 'external', configClusterName: 'cluster1' }),
    ], { installValues: values }))).cluster('external')!;
    for (const r of external.installInputs.releases.filter((x) => x.chart === 'istiod')) expect((r.values as any).global.hub).toBe('registry.example.com/istio');
    for (const o of external.installInputs.istioOperators) {
      expect((o.manifest.spec as any).values.global.hub).toBe('registry.example.com/istio');
      expect((o.manifest.spec as any).meshConfig.accessLogFile).toBe('/dev/stdout');
    }
    // The external istiod's derived mesh config is kept beside the override.
    expect((external.installInputs.istioOperators[1].manifest.spec as any).meshConfig.rootNamespace).toBe('external-istiod');
  });
});

describe('install values in the topology file equal the TypeScript API, byte for byte', () => {
  const values: InstallValues = {
    hub: 'registry.example.com/istio',
    istiod: { resources: { requests: { cpu: '750m' } }, autoscale: { min: 2, max: 4 }, nodeSelector: { 'kubernetes.io/os': 'linux' } },
    meshConfig: { accessLogFile: '/dev/stdout', outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } },
    raw: { istiod: { pilot: { env: { PILOT_ENABLE_STATUS: 'true' } } } },
  };
  const perCluster: InstallValues = { tag: '1.30.3-distroless', istiod: { tolerations: [{ operator: 'Exists' }] } };

  test('same output tree', () => {
    const file = meshOf({
      meshID: 'mesh1', secretStore: { name: 'mesh-secrets' }, installValues: values,
      clusters: [
        { clusterName: 'cluster1', network: 'network1', apiServer: 'https://cluster1.example.com', installValues: perCluster },
        { clusterName: 'cluster2', network: 'network2', apiServer: 'https://cluster2.example.com' },
      ],
    });
    const m = new Mesh(new App(), 'mesh', { meshId: 'mesh1', secretStore: { name: 'mesh-secrets' }, installValues: values, trust: TrustSource.externalSecrets() });
    const n1 = m.addNetwork('network1');
    const n2 = m.addNetwork('network2');
    m.addCluster('cluster1', { network: n1, controlPlane: ControlPlane.primary(), apiServer: 'https://cluster1.example.com', installValues: perCluster });
    m.addCluster('cluster2', { network: n2, apiServer: 'https://cluster2.example.com' });
    const a = outputTree(file);
    const b = outputTree(m);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const k of Object.keys(a)) expect(b[k]).toBe(a[k]);
    expect(a['_install-inputs/cluster1/helm-values-istiod.yaml']).toContain('registry.example.com/istio');
    expect(a['_install-inputs/cluster1/helm-values-istiod.yaml']).toContain('1.30.3-distroless');
  });
});

describe('bad install values are refused, naming the place, with a did-you-mean', () => {
  const cluster1 = (installValues: unknown) => JSON.stringify(JSON.parse(meshText([primary('cluster1', { installValues }), primary('cluster2')])));

  test('an unknown istiod chart key (Helm would ignore it)', () => {
    expectRejected(cluster1({ raw: { istiod: { pilot: { resourcess: { requests: { cpu: '1' } } } } } }), {
      cluster: 'cluster1', field: 'installValues.raw.istiod.pilot.resourcess', contains: ['did you mean "resources"?', 'silently ignore'],
    });
  });

  test('an unknown key nested in global, mesh-wide', () => {
    expectRejected(meshText([primary('cluster1'), primary('cluster2')], { installValues: { raw: { istiod: { global: { proxy: { holdApplicationUntilProxyStart: true } } } } } }), {
      field: 'installValues.raw.istiod.global.proxy.holdApplicationUntilProxyStart', contains: ['did you mean "holdApplicationUntilProxyStarts"?'],
    });
  });

  test('an unknown MeshConfig field', () => {
    expectRejected(cluster1({ raw: { istiod: { meshConfig: { accessLogFil: '/dev/stdout' } } } }), {
      cluster: 'cluster1', field: 'installValues.raw.istiod.meshConfig.accessLogFil', contains: ['is not a MeshConfig field', 'did you mean "accessLogFile"?'],
    });
    expectRejected(cluster1({ raw: { istiod: { meshConfig: { defaultConfig: { holdApplicationUntilProxyStart: true } } } } }), {
      cluster: 'cluster1', field: 'installValues.raw.istiod.meshConfig.defaultConfig.holdApplicationUntilProxyStart', contains: ['did you mean "holdApplicationUntilProxyStarts"?'],
    });
  });

  test('an unknown base chart key and an unknown chart', () => {
    expectRejected(cluster1({ raw: { base: { base: { enableCRDTemplate: false } } } }), {
      cluster: 'cluster1', field: 'installValues.raw.base.base.enableCRDTemplate', contains: ['did you mean "enableCRDTemplates"?'],
    });
    expectRejected(cluster1({ raw: { istio: {} } }), { cluster: 'cluster1', field: 'installValues.raw.istio', contains: ['did you mean "istiod"?'] });
  });

  test('a misspelled typed setting', () => {
    expectRejected(cluster1({ meshConfig: { accesLogFile: '/dev/stdout' } }), {
      cluster: 'cluster1', field: 'installValues.meshConfig.accesLogFile', contains: ['did you mean "accessLogFile"?'],
    });
    expectRejected(cluster1({ istiod: { replicas: 2 } }), { cluster: 'cluster1', field: 'installValues.istiod.replicas', contains: ['did you mean "replicaCount"?'] });
  });

  test('a value the model derives is refused, one source of truth per fact', () => {
    expectRejected(cluster1({ raw: { istiod: { global: { network: 'other' } } } }), {
      cluster: 'cluster1', field: 'installValues.raw.istiod.global.network', contains: ['derived from the cluster\'s network'],
    });
    const p = problemsOf(JSON.parse(meshText([primary('cluster1'), primary('cluster2')], {
      installValues: { raw: { istiod: { global: { meshID: 'x', multiCluster: { clusterName: 'y' } }, pilot: { env: { CLUSTER_ID: 'z' } }, meshConfig: { trustDomain: 'example.com' } }, base: { global: { istioNamespace: 'x' } } } },
    })));
    expect(p.map((x) => x.field).sort()).toEqual([
      'installValues.raw.base.global.istioNamespace',
      'installValues.raw.istiod.global.meshID',
      'installValues.raw.istiod.global.multiCluster.clusterName',
      'installValues.raw.istiod.meshConfig.trustDomain',
      'installValues.raw.istiod.pilot.env.CLUSTER_ID',
    ]);
    expect(p.every((x) => x.cluster === undefined)).toBe(true);
  });

  test('typed values are checked (image, counts, enums, quantities, scheduling)', () => {
    const p = problemsOf(JSON.parse(meshText([primary('cluster1', {
      installValues: {
        hub: 'registry.example.com/Istio images', tag: '-bad',
        istiod: { replicaCount: 0, autoscale: { min: 4, max: 2 }, resources: { requests: { cpu: 'lots' } }, nodeSelector: { 'bad key!': 'x' }, tolerations: [{ key: 'k', operator: 'Equal', effect: 'NoSchedul' }] },
        meshConfig: { accessLogEncoding: 'XML', outboundTrafficPolicy: { mode: 'REGISTRY' } },
      },
    }), primary('cluster2')])));
    const fields = p.filter((x) => x.cluster === 'cluster1').map((x) => x.field);
    expect(fields).toEqual(expect.arrayContaining([
      'installValues.hub', 'installValues.tag', 'installValues.istiod.replicaCount', 'installValues.istiod.autoscale',
      'installValues.istiod.resources.requests.cpu', 'installValues.istiod.nodeSelector', 'installValues.istiod.tolerations[0].effect',
      'installValues.meshConfig.accessLogEncoding', 'installValues.meshConfig.outboundTrafficPolicy.mode',
    ]));
    expect(p.find((x) => x.field === 'installValues.meshConfig.outboundTrafficPolicy.mode')!.fix).toContain('REGISTRY_ONLY');
    expect(p.find((x) => x.field === 'installValues.istiod.tolerations[0].effect')!.fix).toContain('NoSchedule');
  });

  test('with the Sail Operator, a chart value its Istio API cannot carry is refused (the API server would drop it)', () => {
    const sail = { argoCd: { repoURL: 'https://git.example.com/mesh.git', istioInstall: 'sailOperator' } };
    const values = { raw: { istiod: { pdb: { minAvailable: 2 }, global: { proxy: { variant: 'distroless' } } } } };
    const p = problemsOf(JSON.parse(meshText([primary('cluster1', { installValues: values }), primary('cluster2')], sail)));
    expect(p.map((x) => x.field).sort()).toEqual(['installValues.raw.istiod.global.proxy.variant', 'installValues.raw.istiod.pdb']);
    expect(p.find((x) => x.field === 'installValues.raw.istiod.pdb')!.message).toContain('spec.values.pilot.pdb');
    // With Helm the same values are fine: the chart knows them.
    expect(() => meshOf(JSON.parse(meshText([primary('cluster1', { installValues: values }), primary('cluster2')], { argoCd: { repoURL: 'https://git.example.com/mesh.git' } }))).build()).not.toThrow();
  });

  test('the topology schema refuses a misplaced installValues setting', () => {
    expectRejected(cluster1({ hubb: 'x' }), { cluster: 'cluster1', field: 'installValues.hubb' });
  });

  test('a cyclic raw value built through the API is a problem, not a crash', () => {
    const loop: any = { a: {} };
    loop.a.b = loop;
    const m = new Mesh(new App(), 'mesh', { meshId: 'mesh1', installValues: { raw: { istiod: { sidecarInjectorWebhook: { templates: loop } } } } });
    m.addCluster('cluster1', { network: m.addNetwork('network1') });
    const p = m.validate();
    expect(p.map((x) => x.field)).toContain('installValues.raw.istiod.sidecarInjectorWebhook.templates.a.b');
  });
});

describe('the chart key trees', () => {
  test('are current with the copied Istio 1.30.3 chart values (scripts/gen-chart-keys.js --check)', () => {
    expect(() => execFileSync(process.execPath, [path.join(PROJECT_ROOT, 'scripts', 'gen-chart-keys.js'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  test('know the keys of the charts\' values.yaml and the template-only ones, and MeshConfig\'s fields', () => {
    const { ISTIOD_CHART_KEYS, BASE_CHART_KEYS, MESH_CONFIG_KEYS } = require('../src/install-values/chart-keys');
    expect(ISTIOD_CHART_KEYS.resources).toBe(1);
    expect(ISTIOD_CHART_KEYS.global.hub).toBe(1);
    expect(ISTIOD_CHART_KEYS.global.proxy.holdApplicationUntilProxyStarts).toBe(1); // read only by the injection template
    expect(ISTIOD_CHART_KEYS.global.platform).toBe(1); // read by zzz_profile.yaml, not in values.yaml
    expect(ISTIOD_CHART_KEYS._internal_defaults_do_not_set).toBeUndefined();
    expect(BASE_CHART_KEYS.base.validationURL).toBe(1);
    expect(MESH_CONFIG_KEYS.outboundTrafficPolicy.mode).toBe(1);
    expect(MESH_CONFIG_KEYS.defaultConfig.holdApplicationUntilProxyStarts).toBe(1);
    // Every top-level MeshConfig field of Istio's config.proto is known (JSON names).
    const proto = fs.readFileSync(path.join(PROJECT_ROOT, 'scripts', 'istio-charts-1.30.3', 'template-references.txt'), 'utf8');
    expect(proto).toContain('istio-discovery:');
    expect(Object.keys(MESH_CONFIG_KEYS)).toEqual(expect.arrayContaining(['accessLogFile', 'accessLogEncoding', 'enableTracing', 'trustDomain', 'serviceSettings', 'extensionProviders']));
  });
});
