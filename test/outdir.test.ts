/**
 * What synth refuses as output directory, and what it follows or accepts (issue 9: `CDK8S_OUTDIR=.`
 * deleted the working directory, a file outdir was deleted, a symlinked dist was replaced). Every refusal:
 * exit 1, a problem naming CDK8S_OUTDIR with a fix, and the pre-existing content byte-identical.
 * The cases aimed at the working directory, home or the project run a sandboxed copy of the app in a
 * child process, so that a broken guard could only damage temporary directories.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_TOPOLOGY } from '../src';
import { k8s } from '../src/k8s';
import { forbiddenLocation } from '../src/output/outdir-guard';
import { COMPLETE_MARKER, MARKER_FILE } from '../src/output/output-marker';
import { runSynth, workspaceWithOutput } from './support/hostile';
import { MeshValidationError } from '../src/problem';
import { synthesizeMesh } from '../src/synth';
import { meshOf, snapshotDir } from './support/mesh';
import { ONE_CLUSTER, runChild, sandboxProject, snapshotTree, tmp } from './support/outdir';

/** Asserts a refusal: exit 1, the CDK8S_OUTDIR problem with its fix, the message parts. */
function expectRefused(r: { code: number | null; stderr: string }, ...parts: (string | RegExp)[]): void {
  expect(r.code).toBe(1);
  const line = r.stderr.split('\n').find((l) => l.includes('field "CDK8S_OUTDIR"'));
  if (line === undefined || !line.includes(' Fix: ')) throw new Error(`expected a CDK8S_OUTDIR problem with a fix:\n${r.stderr}`);
  for (const p of parts) expect(line).toMatch(p);
}

describe('output directories synth refuses by location (child process, sandboxed project)', () => {
  let sandbox: { root: string; main: string };
  let base: string;
  let work: string;
  let home: string;
  beforeAll(() => {
    sandbox = sandboxProject();
    base = tmp('outdir-places-');
    work = path.join(base, 'work');
    home = path.join(base, 'users', 'me');
    for (const d of [work, home]) {
      fs.mkdirSync(d, { recursive: true });
      fs.writeFileSync(path.join(d, 'mine.txt'), 'not an output\n');
    }
    fs.mkdirSync(path.join(work, 'src'));
    fs.writeFileSync(path.join(work, 'src', 'app.ts'), 'export {};\n');
  });

  // [name, CDK8S_OUTDIR (relative to the working directory, or a function of the sandbox), message]
  const cases: [string, () => string, () => string, RegExp][] = [
    ['"." (the working directory)', () => '.', () => work, /is the current working directory; synth replaces its output directory as a whole/],
    ['the working directory by absolute path', () => work, () => work, /is the current working directory/],
    ['"./" with a trailing slash', () => './', () => work, /is the current working directory/],
    ['".." (a parent of the working directory)', () => '..', () => base, /is a parent of the current working directory/],
    ['the home directory', () => home, () => home, /is your home directory/],
    ['a parent of the home directory', () => path.dirname(home), () => path.dirname(home), /is a parent of your home directory/],
    ['the project directory', () => sandbox.root, () => sandbox.root, /is the project directory of cdk8s-istio-multicluster/],
    ['a parent of the project directory', () => path.dirname(sandbox.root), () => path.dirname(sandbox.root), /is a parent of the project directory/],
  ];

  test.each(cases)('%s', (_name, outdir, watched, message) => {
    const before = snapshotTree(watched());
    const r = runChild(sandbox.main, { CDK8S_OUTDIR: outdir(), HOME: home }, work);
    expectRefused(r, message, /Fix: set CDK8S_OUTDIR to a dedicated output directory/);
    expect(snapshotTree(watched())).toEqual(before);
    expect(fs.readdirSync(base).sort()).toEqual(['users', 'work']);
  });

  test('the file-system root (the guard is checked in-process first, so a broken one never reaches the run)', () => {
    expect(forbiddenLocation('/')).toBe('the root of the file system');
    const r = runChild(sandbox.main, { CDK8S_OUTDIR: '/', HOME: home }, work);
    expectRefused(r, /\/ is the root of the file system/, /\(got "\/"\)/);
  });

  test('a symbolic link to the working directory is followed and refused, naming the link', () => {
    fs.symlinkSync(work, path.join(home, 'link-to-work'));
    const before = snapshotTree(work);
    const r = runChild(sandbox.main, { CDK8S_OUTDIR: path.join(home, 'link-to-work'), HOME: home }, work);
    expectRefused(r, /through the symbolic link .*link-to-work\) is the current working directory/);
    expect(snapshotTree(work)).toEqual(before);
    fs.unlinkSync(path.join(home, 'link-to-work'));
  });
});

describe('output directories synth refuses by content', () => {
  test('a file: kept, byte-identical', () => {
    const dir = tmp();
    const file = path.join(dir, 'dist');
    fs.writeFileSync(file, 'my notes\n');
    const r = runSynth({ CDK8S_OUTDIR: file });
    expectRefused(r, /dist is a file, not a directory/, /Fix: rename or remove the file/);
    expect(fs.readFileSync(file, 'utf8')).toBe('my notes\n');
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });

  test('a non-empty directory synth did not write: listed in the message, byte-identical', () => {
    const dir = tmp();
    const out = path.join(dir, 'docs');
    fs.mkdirSync(path.join(out, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(out, 'index.md'), '# docs\n');
    fs.writeFileSync(path.join(out, 'sub', 'a.yaml'), 'a: 1\n');
    const before = snapshotTree(dir);
    const r = runSynth({ CDK8S_OUTDIR: out });
    expectRefused(r, /docs is a non-empty directory that synth did not write \(no \.cdk8s-istio-multicluster marker/,
      /would delete index\.md, sub/, /delete it \(rm -r .*docs\) and run synth again/);
    expect(snapshotTree(dir)).toEqual(before);
  });

  test('an earlier output a user added a file to (no marker) is not taken for ours', () => {
    const { dir, outdir } = workspaceWithOutput();
    fs.rmSync(path.join(outdir, MARKER_FILE));
    fs.writeFileSync(path.join(outdir, 'notes.txt'), 'mine\n');
    const before = snapshotTree(dir);
    expectRefused(runSynth({ CDK8S_OUTDIR: outdir }), /non-empty directory that synth did not write/, /\(6 entries; not from synth: notes\.txt\)/);
    expect(snapshotTree(dir)).toEqual(before);
  });

  test('an output of synth with a file dropped at its top level (e.g. the topology): refused, byte-identical', () => {
    const { dir, outdir } = workspaceWithOutput();
    fs.writeFileSync(path.join(outdir, 'topology.yaml'), ONE_CLUSTER);
    fs.symlinkSync('/etc/hostname', path.join(outdir, 'link'));
    const before = snapshotTree(dir);
    const r = runSynth({ CDK8S_OUTDIR: outdir, MESH_TOPOLOGY: path.join(outdir, 'topology.yaml') });
    expectRefused(r, /dist is an output of synth, but link, topology\.yaml at its top level did not come from synth/,
      /Fix: move them out of .*dist \(keep your files, and the topology, outside the output directory\)/);
    expect(snapshotTree(dir)).toEqual(before);
  });

  test('a marker that is not ours (another tool\'s file of the same name) does not make the directory ours', () => {
    const dir = tmp();
    const out = path.join(dir, 'dist');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, MARKER_FILE), 'tool: something-else\n');
    fs.writeFileSync(path.join(out, 'data.bin'), 'precious\n');
    const before = snapshotTree(dir);
    expectRefused(runSynth({ CDK8S_OUTDIR: out }), /did not write/);
    expect(snapshotTree(dir)).toEqual(before);
  });

  test('refused output directory and a mesh the renderer rejects: every problem at once, nothing written', () => {
    const dir = tmp();
    const file = path.join(dir, 'dist');
    fs.writeFileSync(file, 'a file\n');
    const mesh = meshOf(DEFAULT_TOPOLOGY);
    new k8s.KubeSecret(mesh.cluster('cluster1')!, 'Leak', { metadata: { name: 'leak', namespace: 'default' }, stringData: { password: 'hunter2' } });
    let error: unknown;
    try {
      synthesizeMesh(mesh, { outdir: file, outdirField: 'CDK8S_OUTDIR' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MeshValidationError);
    const problems = (error as MeshValidationError).problems;
    expect(problems.map((p) => [p.cluster, p.field])).toEqual([[undefined, 'CDK8S_OUTDIR'], ['cluster1', 'Secret/leak stringData']]);
    expect((error as Error).message).toMatch(/^2 problem\(s\) in the output directory and the mesh; nothing was written/);
    expect(fs.readdirSync(dir)).toEqual(['dist']);
    expect(fs.readFileSync(file, 'utf8')).toBe('a file\n');
  });
});

describe('output directories synth accepts', () => {
  test('a new directory (parents created) gets the marker, deterministic', () => {
    const out = path.join(tmp(), 'a', 'b', 'dist');
    expect(runSynth({ CDK8S_OUTDIR: out }).code).toBe(0);
    expect(fs.readFileSync(path.join(out, MARKER_FILE), 'utf8')).toBe(COMPLETE_MARKER);
    expect(COMPLETE_MARKER).toBe('# cdk8s-istio-multicluster writes this directory and replaces it as a whole on every synth: do not add files here.\n'
      + 'tool: cdk8s-istio-multicluster\noutputFormat: 1\n');
    expect(fs.readdirSync(path.dirname(out))).toEqual(['dist']);
  });

  test('an empty directory', () => {
    const out = path.join(tmp(), 'dist');
    fs.mkdirSync(out);
    expect(runSynth({ CDK8S_OUTDIR: out }).code).toBe(0);
    expect(fs.readdirSync(out)).toContain('cluster1');
  });

  test('an output of an earlier version (no marker, our layout) is replaced and gets the marker', () => {
    const { outdir } = workspaceWithOutput();
    fs.rmSync(path.join(outdir, MARKER_FILE));
    fs.mkdirSync(path.join(outdir, 'cluster-gone'));
    fs.writeFileSync(path.join(outdir, 'cluster-gone', 'kustomization.yaml'), '# Generated by cdk8s-istio-multicluster from the mesh topology. Do not edit: change the topology and re-synth.\nresources: []\n');
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'one.yaml'), ONE_CLUSTER);
    const r = runSynth({ CDK8S_OUTDIR: outdir, MESH_TOPOLOGY: path.join(dir, 'one.yaml') });
    expect(r.stderr).toBe(`synthesized 1 cluster(s) of mesh "mesh1" into ${outdir}/\n`);
    expect(fs.readdirSync(outdir).sort()).toEqual([MARKER_FILE, 'README.md', '_install-inputs', 'cluster1']);
  });

  test('the committed dist/ of this repository is ours (marker committed)', () => {
    const committed = path.join(__dirname, '..', '..', 'dist', MARKER_FILE);
    expect(fs.readFileSync(committed, 'utf8')).toBe(COMPLETE_MARKER);
  });
});

describe('a symbolic link as output directory is followed: its target is replaced, the link stays', () => {
  test('an existing output behind a link', () => {
    const dir = tmp();
    const volume = path.join(dir, 'volume');
    fs.mkdirSync(volume);
    expect(runSynth({ CDK8S_OUTDIR: path.join(volume, 'mesh-out') }).code).toBe(0);
    const link = path.join(dir, 'project', 'dist');
    fs.mkdirSync(path.dirname(link));
    fs.symlinkSync(path.join('..', 'volume', 'mesh-out'), link);
    fs.writeFileSync(path.join(dir, 'one.yaml'), ONE_CLUSTER);
    expect(runSynth({ CDK8S_OUTDIR: link, MESH_TOPOLOGY: path.join(dir, 'one.yaml') }).code).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(link)).toBe(path.join('..', 'volume', 'mesh-out'));
    // The target holds the new output (cluster2 gone), no stale copy anywhere, no temp tree, no lock.
    expect(fs.readdirSync(path.join(volume, 'mesh-out')).sort()).toEqual([MARKER_FILE, 'README.md', '_install-inputs', 'cluster1']);
    expect(fs.readdirSync(volume)).toEqual(['mesh-out']);
    expect(fs.readdirSync(path.dirname(link))).toEqual(['dist']);
  });

  test('a dangling link whose directory exists: the target is created', () => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, 'volume'));
    fs.symlinkSync(path.join(dir, 'volume', 'out'), path.join(dir, 'dist'));
    expect(runSynth({ CDK8S_OUTDIR: path.join(dir, 'dist') }).code).toBe(0);
    expect(snapshotDir(path.join(dir, 'dist'))['cluster1/kustomization.yaml']).toBeDefined();
    expect(fs.lstatSync(path.join(dir, 'dist')).isSymbolicLink()).toBe(true);
  });

  test('a dangling link into a missing directory is refused', () => {
    const dir = tmp();
    fs.symlinkSync(path.join(dir, 'nowhere', 'out'), path.join(dir, 'dist'));
    expectRefused(runSynth({ CDK8S_OUTDIR: path.join(dir, 'dist') }), /is a symbolic link to .*nowhere\/out, whose directory .*nowhere does not exist/,
      /Fix: create .*nowhere, or point the link at an existing place/);
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });

  test('a link loop is refused with a readable message', () => {
    const dir = tmp();
    fs.symlinkSync(path.join(dir, 'b'), path.join(dir, 'a'));
    fs.symlinkSync(path.join(dir, 'a'), path.join(dir, 'b'));
    expectRefused(runSynth({ CDK8S_OUTDIR: path.join(dir, 'a') }), /too many symbolic links \(a link loop\) \(ELOOP\)/, /Fix: fix the symbolic links/);
  });

  test('a link to a non-empty directory synth did not write is refused, naming both', () => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, 'photos'));
    fs.writeFileSync(path.join(dir, 'photos', 'cat.jpg'), 'meow');
    fs.symlinkSync(path.join(dir, 'photos'), path.join(dir, 'dist'));
    const before = snapshotTree(dir);
    expectRefused(runSynth({ CDK8S_OUTDIR: path.join(dir, 'dist') }), /photos \(the target of the symbolic link .*dist\) is a non-empty directory that synth did not write/);
    expect(snapshotTree(dir)).toEqual(before);
  });
});
