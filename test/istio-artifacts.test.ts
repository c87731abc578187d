import { DEFAULT_TOPOLOGY } from '../src';
import { find, fixtureDocs, meshOf, objectsByCluster, withoutSyncWave } from './support/mesh';

/**
 * Equality with what Istio itself ships (test/fixtures/istio, copied from istio/istio@1.30.3; see the
 * README there). Only documented, deliberate differences are normalized away.
 */
const objects = objectsByCluster(meshOf(DEFAULT_TOPOLOGY));

/** Our labels in place of Helm's release bookkeeping (see EastWestGateway's class doc). */
function normalizeHelmRendering(doc: any): any {
  const copy = JSON.parse(JSON.stringify(doc));
  const fixLabels = (labels: any) => {
    if (!labels) return;
    expect(labels['app.kubernetes.io/managed-by']).toBe('Helm');
    labels['app.kubernetes.io/managed-by'] = 'cdk8s-istio-multicluster';
    delete labels['helm.sh/chart'];
  };
  fixLabels(copy.metadata.labels);
  fixLabels(copy.spec?.template?.metadata?.labels);
  if (copy.metadata.annotations && Object.keys(copy.metadata.annotations).length === 0) delete copy.metadata.annotations;
  return copy;
}

describe("east-west gateway = Istio's gateway chart with networkGateway (helm template, 1.30.3)", () => {
  const chart = fixtureDocs('istio', 'gateway-chart-networkGateway-network1.yaml');

  test('the same six objects, in Helm install order', () => {
    const ours = objects.cluster1.filter((o) => o.metadata.name === 'istio-eastwestgateway');
    expect(ours.map((o) => o.kind)).toEqual(chart.map((d) => d.kind));
  });

  test.each(chart.map((d) => [d.kind, d]))('%s equals the chart rendering', (kind, doc) => {
    const ours = withoutSyncWave(find(objects.cluster1, kind as string, 'istio-eastwestgateway', 'istio-system'));
    expect(ours).toEqual(normalizeHelmRendering(doc));
  });

  test('the network, labels and ports agree with gen-eastwest-gateway.sh --network network1 (IstioOperator path)', () => {
    const [iop] = fixtureDocs('istio', 'gen-eastwest-gateway.network1.iop.yaml');
    const gw = iop.spec.components.ingressGateways[0];
    const deploy = find(objects.cluster1, 'Deployment', 'istio-eastwestgateway');
    const svc = find(objects.cluster1, 'Service', 'istio-eastwestgateway');
    expect(gw.name).toBe(deploy.metadata.name);
    expect(deploy.spec.template.metadata.labels).toMatchObject(gw.label);
    expect(svc.metadata.labels).toMatchObject(gw.label);
    expect(deploy.spec.template.spec.containers[0].env).toEqual(gw.k8s.env);
    expect(svc.spec.ports.map((p: any) => ({ name: p.name, port: p.port, targetPort: p.targetPort }))).toEqual(gw.k8s.service.ports);
    expect(deploy.spec.template.metadata.annotations['inject.istio.io/templates']).toBe(iop.spec.values.gateways['istio-ingressgateway'].injectionTemplate);
  });

  test('cluster2 differs from cluster1 only in the network', () => {
    for (const doc of chart) {
      const c1 = JSON.stringify(find(objects.cluster1, doc.kind, 'istio-eastwestgateway'));
      const c2 = JSON.stringify(find(objects.cluster2, doc.kind, 'istio-eastwestgateway'));
      expect(c2).toBe(c1.replace(/network1/g, 'network2'));
    }
  });
});

describe('cross-network-gateway = samples/multicluster/expose-services.yaml applied with -n istio-system', () => {
  test.each(['cluster1', 'cluster2'])('%s', (cluster) => {
    const [sample] = fixtureDocs('istio', 'expose-services.yaml');
    const ours = withoutSyncWave(find(objects[cluster], 'Gateway', 'cross-network-gateway'));
    expect(ours).toEqual({ ...sample, metadata: { ...sample.metadata, namespace: 'istio-system' } });
  });
});

describe('verification workloads = samples/helloworld/helloworld.yaml and samples/curl/curl.yaml in namespace sample', () => {
  const inSample = (doc: any) => ({ ...doc, metadata: { ...doc.metadata, namespace: 'sample' } });
  const helloworld = fixtureDocs('istio', 'helloworld.yaml');
  const curl = fixtureDocs('istio', 'curl.yaml');

  test.each([['cluster1', 'helloworld-v1'], ['cluster2', 'helloworld-v2']])('%s runs the helloworld Service and %s, exactly as the sample', (cluster, deployment) => {
    for (const name of ['helloworld', deployment]) {
      const doc = helloworld.find((d) => d.metadata.name === name);
      expect(withoutSyncWave(find(objects[cluster], doc.kind, name, 'sample'))).toEqual(inSample(doc));
    }
    const other = deployment === 'helloworld-v1' ? 'helloworld-v2' : 'helloworld-v1';
    expect(objects[cluster].some((o) => o.metadata.name === other)).toBe(false);
  });

  test.each(['cluster1', 'cluster2'])('%s runs curl exactly as the sample', (cluster) => {
    for (const doc of curl) {
      expect(withoutSyncWave(find(objects[cluster], doc.kind, doc.metadata.name, 'sample'))).toEqual(inSample(doc));
    }
  });

  test.each(['cluster1', 'cluster2'])('%s: namespace sample has sidecar injection enabled', (cluster) => {
    expect(find(objects[cluster], 'Namespace', 'sample').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
  });
});
