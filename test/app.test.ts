import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROJECT_ROOT, snapshotDir } from './support/mesh';

const MAIN = path.join(PROJECT_ROOT, 'lib', 'src', 'main.js');

/** Runs the synth app the way `cdk8s synth` does: CDK8S_OUTDIR plus the app command. */
function runApp(outdir: string, topology?: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, CDK8S_OUTDIR: outdir };
  delete env.MESH_TOPOLOGY;
  if (topology) env.MESH_TOPOLOGY = topology;
  return spawnSync(process.execPath, [MAIN], { env, encoding: 'utf8' });
}


function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'synth-'));
}

describe('the synth app', () => {
  test('writes dist/cluster1 and dist/cluster2 with kustomizations and install inputs', () => {
    const out = path.join(tmp(), 'dist');
    const r = runApp(out);
    expect(r.status).toBe(0);
    const files = Object.keys(snapshotDir(out));
    expect(files).toEqual(expect.arrayContaining([
      'cluster1/kustomization.yaml', 'cluster2/kustomization.yaml',
      '_install-inputs/cluster1/helm-values-istiod.yaml', '_install-inputs/cluster2/istio-operator.yaml',
    ]));
  });

  test('re-synth is byte-identical (determinism)', () => {
    const a = path.join(tmp(), 'dist');
    const b = path.join(tmp(), 'dist');
    expect(runApp(a).status).toBe(0);
    const first = snapshotDir(a);
    expect(runApp(a).status).toBe(0);
    expect(runApp(b).status).toBe(0);
    expect(snapshotDir(a)).toEqual(first);
    expect(snapshotDir(b)).toEqual(first);
  });

  test('a failing topology leaves the previous output byte-identical and exits non-zero with the problems on stderr', () => {
    const dir = tmp();
    const out = path.join(dir, 'dist');
    expect(runApp(out).status).toBe(0);
    const before = snapshotDir(out);
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'meshID: mesh1\nclusters:\n  - clusterName: cluster1\n    network: network1\n    podSubnett: 10.0.0.0/16\n');
    const r = runApp(out, bad);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cluster "cluster1", field "podSubnett": is not a known field');
    expect(r.stderr).toContain('did you mean "podSubnet"?');
    expect(snapshotDir(out)).toEqual(before);
    expect(fs.readdirSync(dir).sort()).toEqual(['bad.yaml', 'dist']); // no staging leftovers
  });

  test('clusters removed from the topology disappear from the output', () => {
    const dir = tmp();
    const out = path.join(dir, 'dist');
    expect(runApp(out).status).toBe(0);
    // A file an earlier synth wrote inside a cluster directory (a file at the top level would be refused:
    // synth does not delete what it did not write, see test/outdir.test.ts).
    fs.writeFileSync(path.join(out, 'cluster1', 'stale-file.yaml'), 'kind: Stale\n');
    const one = path.join(dir, 'one.yaml');
    fs.writeFileSync(one, 'meshID: mesh1\nsecretStore: { name: mesh-secrets }\nclusters:\n  - clusterName: cluster1\n    network: network1\n');
    expect(runApp(out, one).status).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['.cdk8s-istio-multicluster', 'README.md', '_install-inputs', 'cluster1']);
    expect(fs.existsSync(path.join(out, 'cluster1', 'stale-file.yaml'))).toBe(false);
  });

  test('kubectl kustomize renders every object of each cluster directory (offline)', () => {
    const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
    if (kubectl.error) {
      throw new Error('kubectl is not installed: this test needs it to prove `kubectl apply -k dist/<cluster>` works. Install kubectl.');
    }
    const out = path.join(tmp(), 'dist');
    expect(runApp(out).status).toBe(0);
    for (const cluster of ['cluster1', 'cluster2']) {
      const rendered = execFileSync('kubectl', ['kustomize', path.join(out, cluster)], { encoding: 'utf8' });
      const objectFiles = Object.keys(snapshotDir(path.join(out, cluster))).filter((f) => !f.endsWith('kustomization.yaml'));
      const docs = rendered.split(/^---$/m).filter((d) => d.trim() !== '');
      expect(docs.length).toBe(objectFiles.length);
      // fifo order: the namespace comes first, workloads last
      expect(docs[0]).toMatch(/kind: Namespace/);
    }
  });
});
