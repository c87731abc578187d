import { expectAccepted, expectRejected, runSynth, workspaceWithOutput } from './support/hostile';
import { snapshotDir } from './support/mesh';

/**
 * Messages about the topology file itself and about values YAML changed: each names the file position or
 * the cluster/field, shows the value as the user wrote it, and says how to fix it.
 */

const HEAD = 'meshID: mesh1\nsecretStore: { name: mesh-secrets }\n';
const cluster = (extra = '', name = 'cluster1') => `  - clusterName: ${name}\n    network: network1\n    apiServer: "https://${name}.example.com:6443"\n${extra}`;

describe('the file itself', () => {
  test('an empty file says the file is empty (not got "undefined")', () => {
    const stderr = expectRejected('', { field: 'MESH_TOPOLOGY', contains: ['is empty', 'write a topology'] });
    expect(stderr).not.toContain('undefined');
  });

  test('a file of comments only is empty too', () => {
    expectRejected('# nothing here yet\n\n', { field: 'MESH_TOPOLOGY', contains: ['is empty'] });
  });

  test('a YAML syntax error gives the file, line and column', () => {
    expectRejected(`${HEAD}clusters:\n  - clusterName: [cluster1\n    network: network1\n`, {
      field: 'MESH_TOPOLOGY', contains: ['is not valid YAML/JSON', 'topology.yaml, line 5, column', 'fix the syntax at the line and column given'],
    });
  });

  test('a JSON syntax error gives the line and column', () => {
    expectRejected('{\n  "meshID": "mesh1",,\n  "clusters": []\n}\n', { field: 'MESH_TOPOLOGY', contains: ['Unexpected , in flow map', 'line 2, column 21'] });
  });

  test('a key given twice is an error at its position', () => {
    expectRejected(`${HEAD}meshID: mesh2\nclusters:\n${cluster()}`, { field: 'MESH_TOPOLOGY', contains: ['Map keys must be unique', 'line 3, column 1'] });
  });

  test('two YAML documents in one file are refused', () => {
    expectRejected(`${HEAD}clusters:\n${cluster()}---\n${HEAD}clusters:\n${cluster()}`, { field: 'MESH_TOPOLOGY', contains: ['holds 2 YAML documents'] });
  });

  test('MESH_TOPOLOGY set but empty is an error, not the default mesh over the output', () => {
    const { outdir } = workspaceWithOutput();
    const before = snapshotDir(outdir);
    const r = runSynth({ CDK8S_OUTDIR: outdir, MESH_TOPOLOGY: '' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('field "MESH_TOPOLOGY": is set but empty (got ""). Fix: name the topology file');
    expect(snapshotDir(outdir)).toEqual(before);
  });
});

describe('values YAML read as another type: the value as written, and "quote it"', () => {
  test.each([
    ['1.0', 'the number 1'],
    ['0x1f', 'the number 31'],
    ['1e3', 'the number 1000'],
    ['true', 'the boolean true'],
    ['~', 'null (no value)'],
    ['null', 'null (no value)'],
  ])('helloworldVersion: %s', (written, readAs) => {
    expectRejected(`${HEAD}clusters:\n${cluster(`    verificationWorkloads: { helloworldVersion: ${written} }\n`)}`, {
      cluster: 'cluster1', field: 'verificationWorkloads.helloworldVersion',
      contains: [`must be a string, but YAML read ${written} as ${readAs}`, `Fix: quote it: "${written}"`],
    });
  });

  test('an empty value says so', () => {
    expectRejected(`${HEAD}clusters:\n${cluster('    region:\n')}`, { cluster: 'cluster1', field: 'region', contains: ['has no value', 'write the value after the colon'] });
  });

  test('a number as meshID, in a JSON file, is shown as written', () => {
    expectRejected('{"meshID": 1.50, "secretStore": {"name": "s"}, "clusters": [{"clusterName": "c1", "network": "n1"}]}', {
      field: 'meshID', contains: ['YAML read 1.50 as the number 1.5', 'quote it: "1.50"'],
    });
  });

  test('yes/no/on/off stay strings (YAML 1.2) and are accepted where a string belongs', () => {
    const tree = expectAccepted(`${HEAD}clusters:\n${cluster('    region: on\n    zone: no\n')}`);
    expect(Object.keys(tree)).toContain('cluster1/kustomization.yaml');
  });
});

describe('names of JavaScript object members are data, not the schema or the prototype', () => {
  test('a field named constructor is unknown', () => {
    expectRejected(`${HEAD}clusters:\n${cluster('    constructor: 1\n')}`, { cluster: 'cluster1', field: 'constructor', contains: ['is not a known field'] });
  });

  test('toString at the top level is unknown', () => {
    expectRejected(`${HEAD}toString: x\nclusters:\n${cluster()}`, { field: 'toString', contains: ['is not a known field'] });
  });

  test('serviceAnnotations: {constructor: 5} is a type error, not a crash', () => {
    expectRejected(`${HEAD}clusters:\n${cluster('    eastWestGateway: { serviceAnnotations: { constructor: 5 } }\n')}`, {
      cluster: 'cluster1', field: 'eastWestGateway.serviceAnnotations.constructor', contains: ['YAML read 5 as the number 5', 'quote it: "5"'],
    });
  });

  test('a __proto__ key never reaches an object', () => {
    expectRejected(`${HEAD}clusters:\n${cluster('    eastWestGateway: { serviceAnnotations: { __proto__: { polluted: "yes" } } }\n')}`, {
      field: 'MESH_TOPOLOGY', contains: ['has the key "__proto__"', 'line 7, column 46'],
    });
    expect(({} as any).polluted).toBeUndefined();
  });

  test('a cluster named constructor is a problem, not a crash of the constructs library', () => {
    expectRejected(`${HEAD}clusters:\n${cluster('', 'constructor')}`, { cluster: 'constructor', field: 'clusterName', contains: ['choose another clusterName'] });
  });

  test('a cluster named like a network construct is a problem, not a crash', () => {
    expectRejected(`${HEAD}clusters:\n${cluster()}  - clusterName: network-network1\n    network: network2\n`, {
      cluster: 'network-network1', field: 'clusterName', contains: ['collides with the construct of network "network1"', 'rename the cluster or the network'],
    });
  });
});

describe('references and control planes: every problem of every cluster in one synth', () => {
  test('an unknown configClusterName names the value and says no such cluster exists', () => {
    expectRejected(`${HEAD}clusters:\n${cluster('    configClusterName: confg\n    externalIstiod: { address: 203.0.113.9 }\n', 'external')}${cluster('    primaryClusterName: external\n', 'config')}`, {
      cluster: 'external', field: 'configClusterName', contains: ['(got "confg")', 'names "confg", a cluster that is not in the topology (its clusters: "external", "config")'],
    });
  });

  test('an invalid cluster name does not also blame meshID', () => {
    const stderr = expectRejected(`${HEAD}argoCd: { repoURL: "https://git.example.com/mesh.git" }\nclusters:\n${cluster('', 'Cluster_1')}`, {
      cluster: 'Cluster_1', field: 'clusterName', contains: ['(got "Cluster_1")'],
    });
    expect(stderr).not.toContain('field "meshID"');
  });

  test('a meshID that cannot name Argo CD Applications is still blamed', () => {
    expectRejected(`meshID: Mesh_1\nsecretStore: { name: s }\nargoCd: { repoURL: "https://git.example.com/mesh.git" }\nclusters:\n${cluster()}`, {
      field: 'meshID', contains: ['cannot name Argo CD Applications'],
    });
  });

  test('external control plane without its address: the other clusters\' problems appear in the same synth', () => {
    const stderr = expectRejected([
      HEAD.trimEnd(),
      'clusters:',
      '  - { clusterName: external, network: n1, configClusterName: config, apiServer: "https://e.example.com" }',
      '  - { clusterName: config, network: n1, primaryClusterName: external, configClusterName: config, podSubnet: 10.0.0.0/33, apiServer: "https://c.example.com" }',
      '  - { clusterName: remote2, network: n1, primaryClusterName: external, tlsServerName: "Bad Name", apiServer: "https://r.example.com" }',
      '',
    ].join('\n'), { cluster: 'external', field: 'externalIstiod.address', contains: ['cluster "config", field "podSubnet"', 'cluster "remote2", field "tlsServerName"'] });
    // The placeholder standing in for the missing address is never mentioned.
    expect(stderr).not.toContain('external-istiod.invalid');
  });

  test('a remote naming an unknown primary is still validated (its own fields and its network)', () => {
    const stderr = expectRejected(`${HEAD}clusters:\n${cluster('    podSubnet: 10.0.0.0/16\n    eastWestGateway: { address: 192.0.2.1 }\n')}${cluster('    primaryClusterName: clustr1\n    podSubnet: 10.0.1.0/24\n    region: "bad region!"\n', 'remote1')}`, {
      cluster: 'remote1', field: 'primaryClusterName', contains: ['names "clustr1", a cluster that is not in the topology'],
    });
    expect(stderr).toContain('cluster "remote1", field "podSubnet": overlaps podSubnet 10.0.0.0/16 of cluster "cluster1"');
    expect(stderr).toContain('cluster "remote1", field "region"');
  });
});
