import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { workloadEntryConfigure } from '../src/vm/bootstrap-bundle';
import { finishVmScript, shellQuote } from '../src/vm/finish-vm-script';
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

describe('the finish-vm.sh template', () => {
  const props = { group: 'hello-vm', cluster: 'Kubernetes', namespace: 'vm-namespace', serviceAccount: 'vm-sa', istioNamespace: 'istio-system', istiodHost: 'istiod.istio-system.svc' };

  test('is valid bash (bash -n) and sets every value once, single-quoted', () => {
    const script = finishVmScript(props);
    const r = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(script).toContain("\nSERVICE_ACCOUNT='vm-sa'\n");
    expect(script).toContain("\nCLUSTER='Kubernetes'\n");
    // Values appear only in their assignment; commands use the variables.
    expect(script.split('vm-sa').length - 1).toBe(1);
  });

  test('runs end to end against a stand-in kubectl and writes root-cert.pem and istio-token with mode 0600 only to the target', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finish-vm-'));
    const bundle = path.join(dir, 'bundle');
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bundle);
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bundle, 'finish-vm.sh'), finishVmScript(props));
    for (const f of ['cluster.env', 'mesh.yaml']) fs.writeFileSync(path.join(bundle, f), `${f}\n`);
    fs.writeFileSync(path.join(bundle, 'hosts'), '');
    // The stand-in kubectl logs its arguments and answers like the API server would.
    fs.writeFileSync(path.join(bin, 'kubectl'), `#!/bin/sh\necho "$@" >> "${dir}/calls"\ncase "$*" in *"create token"*) echo fake-token;; *configmap*) echo fake-ca;; *service*) echo 192.0.2.99;; esac\n`, { mode: 0o755 });
    const target = path.join(dir, 'target');
    const r = spawnSync('bash', [path.join(bundle, 'finish-vm.sh'), 'ctx', target], { encoding: 'utf8', env: { PATH: `${bin}:${process.env.PATH}` } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.readdirSync(target).sort()).toEqual(['cluster.env', 'hosts', 'istio-token', 'mesh.yaml', 'root-cert.pem']);
    for (const f of ['istio-token', 'root-cert.pem']) expect(fs.statSync(path.join(target, f)).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(target, 'hosts'), 'utf8')).toBe('192.0.2.99 istiod.istio-system.svc\n');
    const calls = fs.readFileSync(path.join(dir, 'calls'), 'utf8');
    expect(calls).toContain('--context ctx -n vm-namespace create token vm-sa --audience istio-ca --duration 3600s');
    expect(fs.readdirSync(bundle).sort()).toEqual(['cluster.env', 'finish-vm.sh', 'hosts', 'mesh.yaml']);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test.each([
    ['serviceAccount', "vm'; rm -rf / #"],
    ['namespace', '$(reboot)'],
    ['group', 'a`id`'],
    ['cluster', 'K8s; id'],
    ['istiodHost', 'istiod istio-system'],
  ])('refuses a %s that is not of its kind (%s)', (key, value) => {
    expect(() => finishVmScript({ ...props, [key]: value })).toThrow(/finish-vm.sh/);
  });

  test('shellQuote quotes a single quote so that the shell reads the value back', () => {
    const value = "it's $HOME `id`";
    const r = spawnSync('bash', ['-c', `printf %s ${shellQuote(value)}`], { encoding: 'utf8' });
    expect(r.stdout).toBe(value);
  });
});
