import { App } from 'cdk8s';
import { EastWestGatewayOptions, Mesh } from '../src';
import { expectRejected } from './support/hostile';
import { find, fixtureDocs, meshOf, objectsByCluster, outputTree, problemsOf, withoutSyncWave } from './support/mesh';
import { expectValid } from './support/schema-validator';
import { meshText, primary } from './support/topologies';

/**
 * East-west gateway options, rendered as Istio 1.30.3's gateway chart renders the values of the same
 * names (charts/gateway/templates/deployment.yaml, hpa.yaml, _helpers.tpl "gateway.resources"). The
 * expected objects are the chart's default rendering (test/fixtures/istio) changed as those templates
 * change it for the value.
 */
const chart = fixtureDocs('istio', 'gateway-chart-networkGateway-network1.yaml');
const chartDoc = (kind: string) => JSON.parse(JSON.stringify(chart.find((d) => d.kind === kind)));

const topology = (eastWestGateway: EastWestGatewayOptions) => ({
  meshID: 'mesh1', secretStore: { name: 'mesh-secrets' },
  clusters: [
    { clusterName: 'cluster1', network: 'network1', apiServer: 'https://cluster1.example.com', eastWestGateway },
    { clusterName: 'cluster2', network: 'network2', apiServer: 'https://cluster2.example.com' },
  ],
});
const gatewayOf = (options: EastWestGatewayOptions) => {
  const objects = objectsByCluster(meshOf(topology(options))).cluster1.filter((o) => o.metadata.name === 'istio-eastwestgateway');
  return {
    objects,
    deployment: withoutSyncWave(objects.find((o) => o.kind === 'Deployment')),
    hpa: objects.find((o) => o.kind === 'HorizontalPodAutoscaler'),
  };
};

describe('east-west gateway options render as the gateway chart renders them', () => {
  test('replicas: `replicas` on the Deployment and no HPA (autoscaling.enabled: false, replicaCount)', () => {
    const g = gatewayOf({ replicas: 3 });
    expect(g.hpa).toBeUndefined();
    expect(g.deployment.spec.replicas).toBe(3);
    // Otherwise the chart's Deployment, unchanged.
    const { replicas, ...spec } = g.deployment.spec;
    const expected = chartDoc('Deployment');
    expect(replicas).toBe(3);
    expect(spec.template).toEqual(expect.objectContaining({ spec: expect.objectContaining({ containers: [expect.objectContaining({ resources: expected.spec.template.spec.containers[0].resources })] }) }));
    expect(g.objects.map((o) => o.kind)).toEqual(chart.map((d) => d.kind).filter((k) => k !== 'HorizontalPodAutoscaler'));
    expectValid(g.objects);
  });

  test('autoscaling: the HPA\'s bounds and metrics (cpu, then memory when set)', () => {
    const g = gatewayOf({ autoscaling: { minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 60, targetMemoryUtilizationPercentage: 75 } });
    const expected = chartDoc('HorizontalPodAutoscaler');
    expected.spec.minReplicas = 2;
    expected.spec.maxReplicas = 10;
    expected.spec.metrics = [
      { type: 'Resource', resource: { name: 'cpu', target: { averageUtilization: 60, type: 'Utilization' } } },
      { type: 'Resource', resource: { name: 'memory', target: { averageUtilization: 75, type: 'Utilization' } } },
    ];
    expect(withoutSyncWave(g.hpa).spec).toEqual(expected.spec);
    expect(g.deployment.spec.replicas).toBeUndefined();
    expectValid(g.objects);
  });

  test('resources merge over the chart\'s defaults as Helm merges values (limits, then requests, names sorted)', () => {
    const g = gatewayOf({ resources: { requests: { cpu: '500m', 'ephemeral-storage': '1Gi' }, limits: { memory: '2Gi' } } });
    const resources = g.deployment.spec.template.spec.containers[0].resources;
    expect(resources).toEqual({
      limits: { cpu: '2000m', memory: '2Gi' },
      requests: { cpu: '500m', 'ephemeral-storage': '1Gi', memory: '128Mi' },
    });
    expect(Object.keys(resources)).toEqual(['limits', 'requests']);
    expect(Object.keys(resources.requests)).toEqual(['cpu', 'ephemeral-storage', 'memory']);
    // A number stays a number, as `{{ $value }}` writes it.
    expect(gatewayOf({ resources: { limits: { cpu: 4 } } }).deployment.spec.template.spec.containers[0].resources.limits.cpu).toBe(4);
  });

  test('nodeSelector, tolerations, affinity and topologySpreadConstraints go to the pod spec verbatim', () => {
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'node.example.com/pool', operator: 'In', values: ['edge'] }] }] } } };
    const tolerations = [{ key: 'dedicated', operator: 'Equal' as const, value: 'gateways', effect: 'NoSchedule' as const }];
    const spread = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' as const, labelSelector: { matchLabels: { app: 'istio-eastwestgateway' } } }];
    const g = gatewayOf({ nodeSelector: { 'kubernetes.io/os': 'linux' }, tolerations, affinity, topologySpreadConstraints: spread });
    const pod = g.deployment.spec.template.spec;
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(pod.tolerations).toEqual(tolerations);
    expect(pod.affinity).toEqual(affinity);
    expect(pod.topologySpreadConstraints).toEqual(spread);
    // Nothing else of the chart's pod spec changed.
    const expected = chartDoc('Deployment').spec.template.spec;
    for (const k of Object.keys(expected)) expect(pod[k]).toEqual(expected[k]);
    expectValid(g.objects);
  });

  test('without options the gateway is exactly the chart\'s default rendering (the fixture test stays the reference)', () => {
    const g = gatewayOf({});
    expect(g.deployment.spec.replicas).toBeUndefined();
    expect(g.deployment.spec.template.spec.nodeSelector).toBeUndefined();
    expect(g.deployment.spec.template.spec.containers[0].resources).toEqual(chartDoc('Deployment').spec.template.spec.containers[0].resources);
    expect(withoutSyncWave(g.hpa).spec).toEqual(chartDoc('HorizontalPodAutoscaler').spec);
  });

  test('the topology file and the TypeScript API give the same output, byte for byte', () => {
    const options: EastWestGatewayOptions = {
      address: '192.0.2.10', replicas: 2, resources: { requests: { cpu: '1' } },
      nodeSelector: { 'kubernetes.io/os': 'linux' }, tolerations: [{ operator: 'Exists' }],
    };
    const file = meshOf(topology(options));
    const m = new Mesh(new App(), 'mesh', { meshId: 'mesh1', secretStore: { name: 'mesh-secrets' } });
    m.addCluster('cluster1', { network: m.addNetwork('network1'), apiServer: 'https://cluster1.example.com', eastWestGateway: options });
    m.addCluster('cluster2', { network: m.addNetwork('network2'), apiServer: 'https://cluster2.example.com' });
    const a = outputTree(file);
    const b = outputTree(m);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const k of Object.keys(a)) expect(b[k]).toBe(a[k]);
    expect(a['cluster1/40-gateways/deployment_istio-system_istio-eastwestgateway.yaml']).toMatch(/replicas: 2/);
    expect(a['cluster1/40-gateways/horizontalpodautoscaler_istio-system_istio-eastwestgateway.yaml']).toBeUndefined();
  });
});

describe('bad gateway options are refused, naming the cluster and the field', () => {
  const text = (eastWestGateway: Record<string, unknown>) => meshText([primary('cluster1', { eastWestGateway }), primary('cluster2', { network: 'network2' })]);

  test('replicas below 1', () => {
    expectRejected(text({ replicas: 0 }), { cluster: 'cluster1', field: 'eastWestGateway.replicas', contains: ['at least 1'] });
  });

  test('minReplicas above maxReplicas, and replicas with autoscaling', () => {
    expectRejected(text({ autoscaling: { minReplicas: 6 } }), { cluster: 'cluster1', field: 'eastWestGateway.autoscaling', contains: ['minReplicas 6 above maxReplicas 5'] });
    expectRejected(text({ replicas: 2, autoscaling: { maxReplicas: 4 } }), { cluster: 'cluster1', field: 'eastWestGateway.replicas', contains: ['together with autoscaling'] });
  });

  test('a resource value that is not a quantity', () => {
    expectRejected(text({ resources: { limits: { memory: '1 GB' } } }), { cluster: 'cluster1', field: 'eastWestGateway.resources.limits.memory', contains: ['"1 GB"', 'not a Kubernetes quantity'] });
  });

  test('a misspelled resources group', () => {
    expectRejected(text({ resources: { request: { cpu: '1' } } }), { cluster: 'cluster1', field: 'eastWestGateway.resources.request', contains: ['did you mean "requests"?'] });
  });

  test('a nodeSelector key or value that is not a label', () => {
    expectRejected(text({ nodeSelector: { 'pool name': 'edge' } }), { cluster: 'cluster1', field: 'eastWestGateway.nodeSelector', contains: ['"pool name"'] });
    expectRejected(text({ nodeSelector: { pool: 'edge nodes' } }), { cluster: 'cluster1', field: 'eastWestGateway.nodeSelector.pool', contains: ['"edge nodes"'] });
  });

  test('toleration operator and effect outside the enums, with a did-you-mean', () => {
    expectRejected(text({ tolerations: [{ key: 'dedicated', operator: 'Exist' }] }), { cluster: 'cluster1', field: 'eastWestGateway.tolerations[0].operator', contains: ['Fix: use Exists'] });
    expectRejected(text({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gw', effect: 'noschedule' }] }), { cluster: 'cluster1', field: 'eastWestGateway.tolerations[0].effect', contains: ['Fix: use NoSchedule'] });
    expectRejected(text({ tolerations: [{ key: 'dedicated', effects: 'NoSchedule' }] }), { cluster: 'cluster1', field: 'eastWestGateway.tolerations[0].effects', contains: ['did you mean "effect"?'] });
  });

  test('all problems at once', () => {
    const p = problemsOf(JSON.parse(text({
      replicas: 0, resources: { requests: { cpu: 'x' } }, tolerations: [{ operator: 'Exists', value: 'v' }],
      affinity: { nodeAfinity: {} }, topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'Never' }],
    })));
    expect(p.filter((x) => x.cluster === 'cluster1').map((x) => x.field)).toEqual(expect.arrayContaining([
      'eastWestGateway.replicas', 'eastWestGateway.resources.requests.cpu', 'eastWestGateway.tolerations[0].value',
      'eastWestGateway.affinity.nodeAfinity', 'eastWestGateway.topologySpreadConstraints[0].maxSkew', 'eastWestGateway.topologySpreadConstraints[0].whenUnsatisfiable',
    ]));
    expect(p.find((x) => x.field === 'eastWestGateway.affinity.nodeAfinity')!.fix).toContain('nodeAffinity');
  });

  test('the topology schema refuses an unknown autoscaling key', () => {
    expectRejected(text({ autoscaling: { max: 3 } }), { cluster: 'cluster1', field: 'eastWestGateway.autoscaling.max' });
  });
});

test('the objects of a fully optioned gateway are schema-valid', () => {
  const objects = objectsByCluster(meshOf(topology({
    autoscaling: { minReplicas: 2, maxReplicas: 6, targetMemoryUtilizationPercentage: 70 },
    resources: { requests: { cpu: '250m', memory: 256 * 1024 * 1024 } },
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' }],
  })));
  expectValid(objects.cluster1);
  expect(find(objects.cluster1, 'Deployment', 'istio-eastwestgateway').spec.template.spec.tolerations[0].tolerationSeconds).toBe(300);
});

describe('the application ingress gateway takes the same options, per cluster (ingressGateway)', () => {
  const yaml = require('js-yaml');
  const fs = require('fs');
  const path = require('path');
  const { PROJECT_ROOT } = require('./support/mesh');
  const example = () => yaml.load(fs.readFileSync(path.join(PROJECT_ROOT, 'examples', 'bookinfo-routing-authorization.yaml'), 'utf8'));

  test('replicas, resources and tolerations reach istio-ingressgateway where an application has an ingress', () => {
    const t = example();
    const withIngress = t.applications.find((a: any) => a.ingress).ingress.clusters[0];
    const c = t.clusters.find((x: any) => x.clusterName === withIngress);
    c.ingressGateway = { replicas: 2, resources: { requests: { cpu: '300m' } }, tolerations: [{ key: 'edge', operator: 'Exists', effect: 'NoSchedule' }] };
    const objects = objectsByCluster(meshOf(t))[withIngress].filter((o) => o.metadata.name === 'istio-ingressgateway');
    const deployment = objects.find((o) => o.kind === 'Deployment');
    expect(deployment.spec.replicas).toBe(2);
    expect(objects.some((o) => o.kind === 'HorizontalPodAutoscaler')).toBe(false);
    expect(deployment.spec.template.spec.containers[0].resources.requests).toEqual({ cpu: '300m', memory: '128Mi' });
    expect(deployment.spec.template.spec.tolerations).toEqual([{ key: 'edge', operator: 'Exists', effect: 'NoSchedule' }]);
    expectValid(objects);
  });

  test('options on a cluster without an application ingress are refused (they would apply to nothing)', () => {
    const t = example();
    const ingressClusters = t.applications.filter((a: any) => a.ingress).flatMap((a: any) => a.ingress.clusters);
    const other = t.clusters.find((x: any) => !ingressClusters.includes(x.clusterName));
    if (!other) throw new Error('the example needs a cluster without ingress');
    other.ingressGateway = { replicas: 2 };
    const p = problemsOf(t);
    expect(p.find((x) => x.field === 'ingressGateway' && x.cluster === other.clusterName)!.message).toContain('no application has an ingress in this cluster');
  });

  test('bad options are refused naming the cluster and field', () => {
    const t = example();
    const withIngress = t.applications.find((a: any) => a.ingress).ingress.clusters[0];
    t.clusters.find((x: any) => x.clusterName === withIngress).ingressGateway = { autoscaling: { minReplicas: 3, maxReplicas: 2 } };
    expectRejected(JSON.stringify(t), { cluster: withIngress, field: 'ingressGateway.autoscaling', contains: ['minReplicas 3 above maxReplicas 2'] });
  });
});
