import { Problem } from '../src';
import { meshOf, problemsOf } from './support/mesh';

const base = (clusters: any[], extra: any = {}) => ({ meshID: 'mesh1', secretStore: { name: 'mesh-secrets' }, ...extra, clusters });
const c = (name: string, network: string, more: any = {}) => ({ clusterName: name, network, apiServer: `https://${name.toLowerCase().replace(/_/g, '-')}.example.com:6443`, ...more });


function expectProblem(topology: unknown, expected: Partial<Omit<Problem, 'message'>> & { message: RegExp }) {
  const problems = problemsOf(topology);
  const { message, ...rest } = expected;
  const hit = problems.find((p) => message.test(p.message) && Object.entries(rest).every(([k, v]) => (p as any)[k] === v));
  if (!hit) throw new Error(`no problem matching ${JSON.stringify({ ...rest, message: String(message) })} in:\n${JSON.stringify(problems, null, 1)}`);
  expect(hit.fix.length).toBeGreaterThan(5); // every problem says how to fix it
  return hit;
}

describe('validation: every problem names the cluster/field, the value and the fix', () => {
  test('invalid cluster name', () => {
    const p = expectProblem(base([c('Cluster_1', 'n1')]), { cluster: 'Cluster_1', field: 'clusterName', message: /DNS-1123 label/ });
    expect(p.fix).toContain('"cluster-1"');
  });

  test('duplicate cluster name', () => {
    expectProblem(base([c('cluster1', 'n1'), c('cluster1', 'n1')]), { cluster: 'cluster1', field: 'clusterName', message: /more than once/ });
  });

  test('invalid network name', () => {
    expectProblem(base([c('cluster1', 'net work')]), { field: 'network', value: 'net work', message: /not a valid network name/ });
  });

  test('invalid CIDR', () => {
    expectProblem(base([c('cluster1', 'n1', { podSubnet: '10.0.0.0/33' })]), { cluster: 'cluster1', field: 'podSubnet', value: '10.0.0.0/33', message: /not a valid CIDR/ });
  });

  test('overlapping pod CIDRs on one network', () => {
    expectProblem(base([c('a', 'n1', { podSubnet: '10.0.0.0/16' }), c('b', 'n1', { podSubnet: '10.0.128.0/17' })]),
      { cluster: 'b', field: 'podSubnet', message: /overlaps podSubnet 10\.0\.0\.0\/16 of cluster "a" on the same network "n1"/ });
  });

  test('a pod range overlapping another cluster\'s service range on one network', () => {
    expectProblem(base([c('a', 'n1', { svcSubnet: '10.96.0.0/12' }), c('b', 'n1', { podSubnet: '10.100.0.0/16' })]),
      { cluster: 'b', field: 'podSubnet', message: /overlaps svcSubnet/ });
  });

  test('overlapping CIDRs on different networks are fine', () => {
    expect(() => meshOf(base([c('a', 'n1', { podSubnet: '10.0.0.0/16' }), c('b', 'n2', { podSubnet: '10.0.0.0/16' })])).build()).not.toThrow();
  });

  test('IPv6 ranges are checked too', () => {
    expectProblem(base([c('a', 'n1', { podSubnet: 'fd00:10::/56' }), c('b', 'n1', { podSubnet: 'fd00:10:0:1::/64' })]),
      { cluster: 'b', field: 'podSubnet', message: /overlaps/ });
  });

  test('a network whose clusters declare ranges inconsistently', () => {
    expectProblem(base([c('a', 'n1', { podSubnet: '10.0.0.0/16' }), c('b', 'n1')]),
      { cluster: 'b', field: 'podSubnet', message: /missing while "a" on the same network "n1" declare/ });
  });

  test('a network without any east-west gateway on a multi-network mesh', () => {
    expectProblem(base([c('a', 'n1'), c('b', 'n2', { eastWestGateway: { enabled: false } })]),
      { cluster: 'b', field: 'eastWestGateway.enabled', message: /network "n2" has no east-west gateway/ });
  });

  test('invalid meshID', () => {
    expectProblem(base([c('a', 'n1')], { meshID: 'mesh 1' }), { field: 'meshID', value: 'mesh 1', message: /not a valid mesh ID/ });
  });

  test('invalid trust domain', () => {
    expectProblem(base([c('a', 'n1')], { trustDomain: 'Cluster.Local' }), { field: 'trustDomain', message: /SPIFFE trust domain/ });
  });

  test('API server that is not an https URL', () => {
    expectProblem(base([c('a', 'n1', { apiServer: 'http://a.example.com' })]), { cluster: 'a', field: 'apiServer', message: /not an https URL/ });
  });

  test('API server on localhost', () => {
    expectProblem(base([c('a', 'n1', { apiServer: 'https://127.0.0.1:6443' })]), { cluster: 'a', field: 'apiServer', message: /local machine/ });
  });

  test('gateway address that is neither IP nor DNS name', () => {
    expectProblem(base([c('a', 'n1', { eastWestGateway: { address: 'not an address' } })]), { cluster: 'a', field: 'eastWestGateway.address', message: /neither an IP/ });
  });

  test('gateway address on a disabled gateway', () => {
    expectProblem(base([c('a', 'n1', { eastWestGateway: { enabled: false, address: '192.0.2.1' } })]), { cluster: 'a', field: 'eastWestGateway.address', message: /disabled/ });
  });

  test('invalid region label value', () => {
    expectProblem(base([c('a', 'n1', { region: 'us east' })]), { cluster: 'a', field: 'region', message: /label value/ });
  });

  test('unknown field, with did-you-mean', () => {
    const p = expectProblem(base([c('a', 'n1', { podSubnt: '10.0.0.0/16' })]), { cluster: 'a', field: 'podSubnt', message: /not a known field/ });
    expect(p.fix).toBe('did you mean "podSubnet"?');
  });

  test('unknown top-level field', () => {
    const p = expectProblem(base([c('a', 'n1')], { meshId: 'x' }), { field: 'meshId', message: /not a known field/ });
    expect(p.fix).toBe('did you mean "meshID"?');
  });

  test('missing required field names the cluster', () => {
    expectProblem(base([{ clusterName: 'a' }]), { cluster: 'a', field: 'network', message: /required but missing/ });
  });

  test('wrong type', () => {
    expectProblem(base([c('a', 'n1', { eastWestGateway: { enabled: 'yes' } })]), { cluster: 'a', field: 'eastWestGateway.enabled', message: /must be a boolean/ });
  });

  test('primaryClusterName naming an unknown cluster', () => {
    expectProblem(base([c('a', 'n1', { primaryClusterName: 'nope' })]), { cluster: 'a', field: 'primaryClusterName', message: /not in the topology/ });
  });

  test('all problems are reported at once, and the error message lists each', () => {
    const topology = base([c('a', 'n1', { podSubnet: 'bad' }), c('B', 'n1', { apiServer: 'ftp://x' })]);
    const problems = problemsOf(topology);
    expect(problems.map((p) => `${p.cluster}:${p.field}`).sort()).toEqual(['B:apiServer', 'B:clusterName', 'B:podSubnet', 'a:podSubnet']);
    try {
      meshOf(topology);
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toMatch(/^4 problem\(s\) in the topology; nothing was written/);
      expect(msg).toContain('cluster "a", field "podSubnet": is not a valid CIDR: it is not address/prefix-length (got "bad"). Allowed:');
    }
  });
});
