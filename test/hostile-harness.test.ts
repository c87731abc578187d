import { expectAccepted, expectRejected } from './support/hostile';

describe('the hostile-input harness', () => {
  test('rejects an unknown field, naming the cluster and field, and keeps the output', () => {
    const stderr = expectRejected('meshID: mesh1\nclusters:\n  - clusterName: cluster1\n    network: network1\n    podSubnett: 10.0.0.0/16\n', { cluster: 'cluster1', field: 'podSubnett' });
    expect(stderr).toContain('did you mean "podSubnet"?');
  });

  test('fails loudly when a topology it expects to be rejected is accepted', () => {
    expect(() => expectRejected('meshID: mesh1\nsecretStore: { name: s }\nclusters:\n  - clusterName: cluster1\n    network: network1\n', { field: 'meshID' })).toThrow(/expected exit 1/);
  });

  test('accepts a valid one-cluster topology', () => {
    const tree = expectAccepted('meshID: mesh1\nsecretStore: { name: s }\nclusters:\n  - clusterName: cluster1\n    network: network1\n');
    expect(Object.keys(tree)).toContain('cluster1/kustomization.yaml');
  });
});
