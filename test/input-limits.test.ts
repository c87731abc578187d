import { formatProblem, MAX_SHOWN_VALUE, showValue } from '../src/problem';
import { MAX_CLUSTERS } from '../src/topology/loader';
import { TOPOLOGY_LIMITS } from '../src/topology/topology-text';
import { expectAccepted, expectRejected, runSynth, workspaceWithOutput } from './support/hostile';
import { problemsOf, snapshotDir } from './support/mesh';

/**
 * Input limits: the worst input is rejected cheaply, with a message naming the limit and the position.
 * (The cost is measured in the benchmark, bench/; these tests assert the outcome only.)
 */

const mesh = (clusters: string) => `meshID: mesh1\nsecretStore: { name: mesh-secrets }\nclusters:\n${clusters}`;
const ONE_CLUSTER = '  - clusterName: cluster1\n    network: network1\n';

describe('alias expansion is capped', () => {
  // The "billion laughs": 9 aliases per level, 6 levels, in a few hundred bytes.
  const BOMB = [
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
    'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
    'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
    'meshID: *f',
    '',
  ].join('\n');

  test('an alias bomb is rejected at the alias that crosses the limit', () => {
    const stderr = expectRejected(BOMB, { field: 'MESH_TOPOLOGY', contains: [`more than ${TOPOLOGY_LIMITS.maxAliasValues} values`, 'topology.yaml, line 5, column'] });
    expect(stderr).toContain('resource-exhaustion');
  });

  test('clusters: *alias of a bomb is rejected the same way, before any validation', () => {
    const stderr = expectRejected(BOMB.replace('meshID: *f', 'meshID: mesh1\nclusters: *f'), { field: 'MESH_TOPOLOGY', contains: [`more than ${TOPOLOGY_LIMITS.maxAliasValues} values`] });
    expect(stderr.split('\n').filter((l) => /^\s+\d+\. /.test(l))).toHaveLength(1);
  });

  test('an alias inside its own anchor (a cycle) is rejected with its position', () => {
    expectRejected('meshID: mesh1\nclusters: &c [*c]\n', { field: 'MESH_TOPOLOGY', contains: ['alias *c', 'line 2, column 15', 'define &c before using it'] });
  });

  test('an alias to an anchor that does not exist is rejected', () => {
    expectRejected('meshID: *nothing\nclusters: []\n', { field: 'MESH_TOPOLOGY', contains: ['alias *nothing', 'line 1, column 9'] });
  });

  test('small aliases (shared settings) still work, and so do merge keys', () => {
    const tree = expectAccepted([
      'meshID: mesh1',
      'secretStore: { name: mesh-secrets }',
      'clusters:',
      '  - &c1 { clusterName: cluster1, network: network1, apiServer: "https://c1.example.com:6443" }',
      '  - <<: *c1',
      '    clusterName: cluster2',
      '    apiServer: "https://c2.example.com:6443"',
      '',
    ].join('\n'));
    expect(Object.keys(tree)).toEqual(expect.arrayContaining(['cluster1/kustomization.yaml', 'cluster2/kustomization.yaml']));
  });
});

describe('nesting depth is capped', () => {
  test('thousands of [ are rejected with a position, not a stack overflow', () => {
    // The 33rd "[" (column 41) is the first level too many.
    const stderr = expectRejected(`meshID: ${'['.repeat(100_000)}${']'.repeat(100_000)}\nclusters: []\n`, {
      field: 'MESH_TOPOLOGY', contains: [`more than ${TOPOLOGY_LIMITS.maxDepth} levels deep`, 'line 1, column 41'],
    });
    expect(stderr).not.toMatch(/call stack/i);
  });

  test('deep block nesting is rejected the same way', () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n');
    expectRejected(`${lines} 1\n`, { field: 'MESH_TOPOLOGY', contains: [`more than ${TOPOLOGY_LIMITS.maxDepth} levels deep`, 'line 33, column 33'] });
  });

  test('aliases cannot nest deeper than the limit either', () => {
    // Each level is an alias of the one before, wrapped once more: the text is shallow, the value is not.
    const levels = ['l0: &l0 [x]', ...Array.from({ length: 40 }, (_, i) => `l${i + 1}: &l${i + 1} [*l${i}]`)];
    expectRejected(`${levels.join('\n')}\nmeshID: mesh1\nclusters: []\n`, { field: 'MESH_TOPOLOGY', contains: [`more than ${TOPOLOGY_LIMITS.maxDepth} levels deep`] });
  });
});

describe('size limits', () => {
  test('a file over the size limit is rejected before it is read', () => {
    const padding = `# ${'x'.repeat(1022)}\n`.repeat(Math.ceil(TOPOLOGY_LIMITS.maxBytes / 1024) + 1);
    expectRejected(`${padding}${mesh(ONE_CLUSTER)}`, { field: 'MESH_TOPOLOGY', contains: [`larger than ${TOPOLOGY_LIMITS.maxBytes} bytes`] });
  });

  test(`more than ${MAX_CLUSTERS} clusters are rejected with the count`, () => {
    const clusters = Array.from({ length: MAX_CLUSTERS + 1 }, (_, i) => `  - { clusterName: c${i}, network: n }\n`).join('');
    expectRejected(mesh(clusters), { field: 'clusters', contains: [`(got ${MAX_CLUSTERS + 1})`, `at most ${MAX_CLUSTERS} clusters`, 'split the mesh'] });
  });

  test('a topology that is not a regular file (a device that never ends) is refused', () => {
    const { outdir } = workspaceWithOutput();
    const before = snapshotDir(outdir);
    const r = runSynth({ CDK8S_OUTDIR: outdir, MESH_TOPOLOGY: '/dev/zero' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('field "MESH_TOPOLOGY": cannot be read (it is not a regular file) (got "/dev/zero")');
    expect(snapshotDir(outdir)).toEqual(before);
  });
});

describe('problems show huge values cut, and cyclic values safely', () => {
  test('a megabyte meshID is shown truncated', () => {
    const long = 'm'.repeat(1_000_000);
    const stderr = expectRejected(mesh(ONE_CLUSTER).replace('meshID: mesh1', `meshID: ${long}`), { field: 'meshID', contains: ['… (truncated)'] });
    expect(stderr.length).toBeLessThan(20_000);
  });

  test('a huge list where a string belongs is shown truncated', () => {
    const list = `[${Array.from({ length: 50_000 }, (_, i) => `item${i}`).join(', ')}]`;
    const stderr = expectRejected(mesh(ONE_CLUSTER).replace('meshID: mesh1', `meshID: ${list}`), { field: 'meshID', contains: ['must be a string', '… (truncated)'] });
    expect(stderr.length).toBeLessThan(20_000);
  });

  test('formatProblem never throws on a cyclic value, and cuts at MAX_SHOWN_VALUE', () => {
    const cyclic: any = { name: 'a', list: [] };
    cyclic.list.push(cyclic);
    expect(formatProblem({ field: 'f', value: cyclic, message: 'is odd', fix: 'fix it' })).toContain('(got {"name":"a","list":[[circular]]})');
    const shown = showValue(Array.from({ length: 1000 }, (_, i) => ({ i })));
    expect(shown.endsWith('… (truncated)')).toBe(true);
    expect(shown.length).toBe(MAX_SHOWN_VALUE + '… (truncated)'.length);
  });
});

describe('validation stays linear: one problem per overlapping range, not one per pair', () => {
  test('200 clusters on one network with the same pod range give 199 overlap problems', () => {
    const clusters = Array.from({ length: 200 }, (_, i) => ({
      clusterName: `c${i}`, network: 'n', podSubnet: '10.0.0.0/16', apiServer: `https://c${i}.example.com:6443`,
    }));
    const overlaps = problemsOf({ meshID: 'm', secretStore: { name: 's' }, clusters }).filter((p) => p.field === 'podSubnet');
    expect(overlaps).toHaveLength(199);
    expect(overlaps[0]).toMatchObject({ cluster: 'c1', value: '10.0.0.0/16', message: expect.stringContaining('of cluster "c0"') });
  });

  test('an overlap is found whatever the declaration order (a wide range declared last)', () => {
    const p = problemsOf({
      meshID: 'm', secretStore: { name: 's' },
      clusters: [
        { clusterName: 'a', network: 'n', podSubnet: '10.1.0.0/16', apiServer: 'https://a.example.com' },
        { clusterName: 'b', network: 'n', podSubnet: '10.2.0.0/16', apiServer: 'https://b.example.com' },
        { clusterName: 'c', network: 'n', podSubnet: '10.0.0.0/8', apiServer: 'https://c.example.com' },
      ],
    }).filter((x) => x.field === 'podSubnet');
    // As the pairwise check reported it: the later-declared range of each overlapping pair.
    expect(p.map((x) => [x.cluster, x.message.match(/of cluster "(\w)"/)?.[1]])).toEqual([['c', 'a'], ['c', 'b']]);
  });

  test('the list of clusters in a message is capped', () => {
    const clusters = Array.from({ length: 30 }, (_, i) => ({
      clusterName: `c${i}`, network: 'n', apiServer: `https://c${i}.example.com`, ...(i === 0 ? {} : { podSubnet: `10.${i}.0.0/16` }),
    }));
    const missing = problemsOf({ meshID: 'm', secretStore: { name: 's' }, clusters }).find((p) => p.cluster === 'c0' && p.field === 'podSubnet');
    expect(missing?.message).toContain('and 19 more');
  });
});
