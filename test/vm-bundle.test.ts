import * as fs from 'fs';
import * as path from 'path';
import { workloadEntryConfigure } from '../src/vm/bootstrap-bundle';
import { goYamlKeyLess, goYamlString, istioShellQuote } from '../src/vm/istioctl-format';
import { parseYamlDocuments } from '../src/output/yaml';

// Goldens of istioctl's own test (istio/istio@1.30.3 istioctl/pkg/workload/testdata/vmconfig/ipv4/), copied into the project.
const GOLDEN = path.join(__dirname, '..', '..', 'test', 'fixtures', 'istio', 'istioctl-workload-testdata');
const golden = (f: string) => fs.readFileSync(path.join(GOLDEN, f), 'utf8');

describe('workloadEntryConfigure reproduces istioctl x workload entry configure', () => {
  // The golden run's inputs: workloadgroup.yaml, meshconfig.yaml (the istio-rev-1 ConfigMap), --revision rev-1,
  // --internalIP 10.10.10.10, --ingressIP 10.10.10.11, --clusterID Kubernetes.
  const files = workloadEntryConfigure({
    name: 'foo', namespace: 'bar', serviceAccount: 'vm-serviceaccount', labels: {}, ports: {}, network: '',
    probe: { httpGet: { port: 8080 } }, clusterId: 'Kubernetes', trustDomain: '', revision: 'rev-1', istioNamespace: 'istio-system',
    meshDefaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'false', PROXY_CONFIG_ANNOT_VALUE: 'foo', CLUSTER_MESH_CONFIG_VALUE: 'foo' } },
    annotationProxyMetadata: { PROXY_CONFIG_ANNOT_VALUE: 'bar' },
    internalIp: '10.10.10.10', ingressIp: '10.10.10.11', autoRegister: false,
  });

  test('cluster.env is byte-identical to cluster.env.golden', () => {
    expect(files['cluster.env']).toBe(golden('cluster.env.golden'));
  });
  test('mesh.yaml is byte-identical to mesh.yaml.golden', () => {
    expect(files['mesh.yaml']).toBe(golden('mesh.yaml.golden'));
  });
  test('hosts is byte-identical to hosts.golden', () => {
    expect(files.hosts).toBe(golden('hosts.golden'));
  });
  test('the golden inputs in the fixtures are the ones reproduced', () => {
    const [wg] = parseYamlDocuments(golden('workloadgroup.yaml')) as any[];
    expect([wg.metadata.name, wg.metadata.namespace, wg.spec.template.serviceAccount, wg.spec.probe.httpGet.port]).toEqual(['foo', 'bar', 'vm-serviceaccount', 8080]);
    const [mc] = parseYamlDocuments(golden('meshconfig.yaml')) as any[];
    expect(mc.defaultConfig.proxyMetadata).toEqual({ ISTIO_META_DNS_CAPTURE: 'false', PROXY_CONFIG_ANNOT_VALUE: 'foo', CLUSTER_MESH_CONFIG_VALUE: 'foo' });
  });
});

describe('workloadEntryConfigure on a mesh VM group', () => {
  const base = {
    name: 'hello-vm', namespace: 'vm-namespace', serviceAccount: 'vm-sa', labels: { app: 'hello-vm', version: 'v1' },
    ports: { http: 8080, 'grpc-api': 9090 }, network: 'vm-network', clusterId: 'cluster1', trustDomain: 'cluster.local',
    revision: '', istioNamespace: 'istio-system', meshDefaultConfig: { discoveryAddress: 'istiod.istio-system.svc:15012', meshId: 'mesh1' },
    autoRegister: true,
  };
  test('autoregistration, ports, labels and mesh ID land where istioctl puts them', () => {
    const f = workloadEntryConfigure(base);
    const env = f['cluster.env'];
    expect(env).toContain("ISTIO_META_AUTO_REGISTER_GROUP='hello-vm'\n");
    expect(env).toContain("ISTIO_INBOUND_PORTS='9090,8080'\n");
    expect(env).toContain(`ISTIO_META_POD_PORTS='[{"name":"grpc-api","containerPort":9090,"protocol":""},{"name":"http","containerPort":8080,"protocol":""}]'\n`);
    expect(env).toContain("CANONICAL_REVISION='v1'\n");
    expect(env).toContain("ISTIO_META_MESH_ID='mesh1'\n");
    expect(env).toContain("ISTIO_META_NETWORK='vm-network'\n");
    expect(env).not.toContain('CA_ADDR');
    expect(env).not.toContain('ISTIO_SVC_IP');
    expect(f.hosts).toBe('');
    const [mesh] = parseYamlDocuments(f['mesh.yaml']) as any[];
    expect(mesh.defaultConfig.meshId).toBe('mesh1');
    expect(mesh.defaultConfig.discoveryAddress).toBe('istiod.istio-system.svc:15012');
    expect(JSON.parse(mesh.defaultConfig.proxyMetadata.ISTIO_METAJSON_LABELS)).toEqual({
      app: 'hello-vm', version: 'v1', 'service.istio.io/canonical-name': 'hello-vm', 'service.istio.io/canonical-revision': 'v1',
    });
  });
  test('cluster.env lines are sorted bytewise (Go sort.Strings)', () => {
    const lines = workloadEntryConfigure(base)['cluster.env'].trimEnd().split('\n');
    expect([...lines].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))).toEqual(lines);
  });
});

describe('istioctl formats', () => {
  test('shell quoting follows istio\'s pattern (class of backslash, w and @%+=:,./-)', () => {
    expect(istioShellQuote('')).toBe("''");
    expect(istioShellQuote('latest')).toBe("'latest'");
    expect(istioShellQuote('w')).toBe('w');
    expect(istioShellQuote("it's")).toBe(`'it'"'"'s'`);
  });
  test('go-yaml v2 key order puts "_" before letters and numbers by value', () => {
    expect(goYamlKeyLess('ISTIO_META_WORKLOAD_NAME', 'ISTIO_METAJSON_LABELS')).toBe(true);
    expect(goYamlKeyLess('a2', 'a10')).toBe(true);
    expect(goYamlKeyLess('b', 'a')).toBe(false);
  });
  test('go-yaml v2 scalar styles: double quotes for other types, single quotes for indicators', () => {
    expect(goYamlString('true')).toBe('"true"');
    expect(goYamlString('')).toBe('""');
    expect(goYamlString('8080')).toBe('"8080"');
    expect(goYamlString('{"a":"b"}')).toBe(`'{"a":"b"}'`);
    expect(goYamlString('istiod.istio-system.svc:15012')).toBe('istiod.istio-system.svc:15012');
    expect(goYamlString('10.10.10.10')).toBe('10.10.10.10');
    expect(() => goYamlString('a\nb')).toThrow(/printable ASCII/);
  });
});
