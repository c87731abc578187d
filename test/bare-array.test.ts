import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { USAGE } from '../src/command-line';
import { runSynth, workspaceWithOutput } from './support/hostile';
import { fixturePath, snapshotDir } from './support/mesh';

/**
 * Istio's bare-array topology files (prow/config/topology/*.json): the mesh-level settings the array
 * cannot carry come from the synth app's command-line options, or from a small wrapper document that
 * names the array with `clustersFrom` (what `cdk8s synth` users use: it passes no arguments).
 */

const ARRAY = fixturePath('hostile', 'bare-array', 'multicluster.json');
const WRAPPER = fixturePath('hostile', 'bare-array', 'mesh.yaml');

/** Synthesizes into a fresh directory; returns the run and the tree written. */
function synthFresh(env: NodeJS.ProcessEnv, argv: string[] = []) {
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bare-array-')), 'dist');
  const r = runSynth({ ...env, CDK8S_OUTDIR: outdir }, argv);
  return { ...r, tree: fs.existsSync(outdir) ? snapshotDir(outdir) : {} };
}

/** Runs over a previous output and asserts the rejection: exit 1, the field named with a fix, output unchanged. */
function expectRejectedRun(env: NodeJS.ProcessEnv, argv: string[], field: string, contains: string[]): string {
  const { outdir } = workspaceWithOutput();
  const before = snapshotDir(outdir);
  const r = runSynth({ ...env, CDK8S_OUTDIR: outdir }, argv);
  expect(r.code).toBe(1);
  const line = r.stderr.split('\n').find((l) => l.includes(`field "${field}"`));
  expect(line).toContain('Fix: ');
  for (const text of contains) expect(r.stderr).toContain(text);
  expect(snapshotDir(outdir)).toEqual(before);
  return r.stderr;
}

/** A directory holding a copy of the bare array and a wrapper with the given text (and extra files). */
function wrapperDir(wrapper: string, files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrapper-'));
  fs.copyFileSync(ARRAY, path.join(dir, 'multicluster.json'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  fs.writeFileSync(path.join(dir, 'mesh.yaml'), wrapper);
  return path.join(dir, 'mesh.yaml');
}

describe('a bare array of clusters', () => {
  test('alone, it is rejected for its missing secretStore, with a fix that a bare array can follow', () => {
    expectRejectedRun({ MESH_TOPOLOGY: ARRAY }, [], 'secretStore', ['pass --secret-store <store name> to the synth app', 'clustersFrom']);
  });

  test('with --secret-store it synthesizes, as mesh "mesh1" by default', () => {
    const r = synthFresh({ MESH_TOPOLOGY: ARRAY }, ['--secret-store', 'mesh-secrets']);
    expect(r.stderr).toBe(`synthesized 3 cluster(s) of mesh "mesh1" into ${r.stderr.split(' into ')[1].trimEnd()}\n`);
    expect(r.code).toBe(0);
    expect(Object.keys(r.tree)).toEqual(expect.arrayContaining(['primary/kustomization.yaml', 'remote/kustomization.yaml', 'cross-network-primary/kustomization.yaml']));
  });

  test('--mesh-id, --trust-domain and --secret-store-kind (also as --name=value) reach the output', () => {
    const r = synthFresh({ MESH_TOPOLOGY: ARRAY }, ['--mesh-id=mesh7', '--trust-domain', 'mesh7.example.com', '--secret-store', 'store7', '--secret-store-kind', 'SecretStore']);
    expect(r.code).toBe(0);
    const all = Object.values(r.tree).join('\n');
    expect(all).toContain('meshID: mesh7');
    expect(all).toContain('trustDomain: mesh7.example.com');
    expect(all).toMatch(/kind: SecretStore\n\s+name: store7/);
  });

  test('the wrapper document (clustersFrom) gives the same output as the options', () => {
    const viaOptions = synthFresh({ MESH_TOPOLOGY: ARRAY }, ['--mesh-id', 'mesh1', '--secret-store', 'mesh-secrets']);
    const viaWrapper = synthFresh({ MESH_TOPOLOGY: WRAPPER });
    expect(viaWrapper.code).toBe(0);
    expect(viaWrapper.tree).toEqual(viaOptions.tree);
  });

  test('a problem inside the referenced array names its cluster and shows the value as written', () => {
    const bad = JSON.parse(fs.readFileSync(ARRAY, 'utf8'));
    bad[1].region = 12.0;
    const file = wrapperDir('meshID: mesh1\nsecretStore: { name: s }\nclustersFrom: clusters/bad.json\n', { 'clusters/bad.json': JSON.stringify(bad, null, 2).replace('"region": 12', '"region": 12.0') });
    expectRejectedRun({ MESH_TOPOLOGY: file }, [], 'region', ['cluster "remote", field "region"', 'YAML read 12.0 as the number 12', 'quote it: "12.0"']);
  });
});

describe('clustersFrom is validated', () => {
  test.each([
    ['a parent directory', 'clustersFrom: ../multicluster.json', 'leaves the directory of the topology file'],
    ['an absolute path', 'clustersFrom: /etc/hostname', 'leaves the directory of the topology file'],
    ['a missing file', 'clustersFrom: nothing.json', 'names a file that does not exist'],
    ['a file that is not an array', 'clustersFrom: mesh.yaml', 'does not hold a list of clusters'],
    ['a number', 'clustersFrom: 7', 'must name a file'],
    ['clusters as well', 'clustersFrom: multicluster.json\nclusters: []', 'is given together with clusters'],
  ])('%s is refused', (_name, line, message) => {
    const file = wrapperDir(`meshID: mesh1\nsecretStore: { name: s }\n${line}\n`);
    expectRejectedRun({ MESH_TOPOLOGY: file }, [], 'clustersFrom', [message]);
  });

  test('a symbolic link leading out of the directory is refused', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'outside-'));
    fs.copyFileSync(ARRAY, path.join(outside, 'clusters.json'));
    const file = wrapperDir('meshID: mesh1\nsecretStore: { name: s }\nclustersFrom: link.json\n');
    fs.symlinkSync(path.join(outside, 'clusters.json'), path.join(path.dirname(file), 'link.json'));
    expectRejectedRun({ MESH_TOPOLOGY: file }, [], 'clustersFrom', ['leads out of the directory of the topology file through a symbolic link']);
  });

  test('limits apply to the referenced file too, naming it and clustersFrom', () => {
    const file = wrapperDir('meshID: mesh1\nsecretStore: { name: s }\nclustersFrom: deep.json\n', { 'deep.json': `${'['.repeat(50)}${']'.repeat(50)}` });
    expectRejectedRun({ MESH_TOPOLOGY: file }, [], 'clustersFrom', ['deep.json, line 1, column 33', 'levels deep']);
  });
});

describe('the command line', () => {
  test('an unknown option is an error with did-you-mean', () => {
    expectRejectedRun({ MESH_TOPOLOGY: ARRAY }, ['--secret-stor', 'mesh-secrets'], '--secret-stor', ['is not an option of the synth app', 'did you mean "--secret-store"?']);
  });

  test('an option without its value, and an invalid kind, are errors, all reported at once', () => {
    const stderr = expectRejectedRun({ MESH_TOPOLOGY: ARRAY }, ['--secret-store-kind', 'Vault', '--mesh-id'], '--mesh-id', ['needs a value']);
    expect(stderr).toContain('field "--secret-store-kind": is not a store kind (got "Vault")');
    expect(stderr).toContain('3 problem(s) in the command line');
  });

  test('a setting that contradicts the topology file is an error', () => {
    expectRejectedRun({ MESH_TOPOLOGY: WRAPPER }, ['--mesh-id', 'other'], 'meshID', ['is set in the topology and differently on the command line ("other") (got "mesh1")']);
  });

  test('options without MESH_TOPOLOGY are an error (the default mesh is not completed by options)', () => {
    expectRejectedRun({}, ['--mesh-id', 'mesh2'], 'MESH_TOPOLOGY', ['is not set, but command-line options (meshID)']);
  });

  test('--help prints the usage, exits 0 and writes nothing', () => {
    const { outdir } = workspaceWithOutput();
    const before = snapshotDir(outdir);
    const r = runSynth({ CDK8S_OUTDIR: outdir, MESH_TOPOLOGY: ARRAY }, ['--help']);
    expect(r).toEqual({ code: 0, stderr: USAGE });
    expect(USAGE).toContain('--secret-store <name>');
    expect(snapshotDir(outdir)).toEqual(before);
  });
});
