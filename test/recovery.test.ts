/**
 * Recovery of what killed synths leave beside the output (issue 9: a crash between the two renames left
 * no dist/ and the next run did not recover the stranded tree; `.dist.staging-*` / `.dist.previous-*`
 * were never cleaned). Each case builds the stranded state a kill leaves, then opens the next run's tree
 * (StagedTree: what every synth does first) or runs the whole synth app, and checks what is restored,
 * what is removed, and that anything not ours stays byte-identical.
 */
import * as fs from 'fs';
import * as path from 'path';
import { COMPLETE_MARKER, INCOMPLETE_MARKER, MARKER_FILE } from '../src/output/output-marker';
import { StagedTree } from '../src/output/writer';
import { runSynth, workspaceWithOutput } from './support/hostile';
import { deadPid, ONE_CLUSTER, snapshotTree, tmp } from './support/outdir';

let oneClusterTree: string;
beforeAll(() => {
  const dir = tmp('recovery-b-');
  fs.writeFileSync(path.join(dir, 'one.yaml'), ONE_CLUSTER);
  const r = runSynth({ CDK8S_OUTDIR: path.join(dir, 'dist'), MESH_TOPOLOGY: path.join(dir, 'one.yaml') });
  if (r.code !== 0) throw new Error(r.stderr);
  oneClusterTree = path.join(dir, 'dist');
});

/** A workspace whose dist/ is the default output (tree A), and the one-cluster output (tree B) to place. */
function workspace() {
  const { dir, outdir } = workspaceWithOutput();
  const a = snapshotTree(outdir);
  const b = snapshotTree(oneClusterTree);
  const place = (name: string, tree: 'A' | 'B', marker?: string) => {
    fs.cpSync(tree === 'A' ? outdir : oneClusterTree, path.join(dir, name), { recursive: true });
    if (marker !== undefined) fs.writeFileSync(path.join(dir, name, MARKER_FILE), marker);
  };
  /** What the next synth does first: open the tree (lock, recovery, checks); then give up. */
  const nextRunOpens = () => new StagedTree(outdir).abort();
  return { dir, outdir, a, b, place, nextRunOpens };
}

describe('a synth killed between its two renames (no output directory)', () => {
  test('the previous tree is restored when the new one was not complete', () => {
    const w = workspace();
    const pid = deadPid();
    fs.renameSync(w.outdir, path.join(w.dir, `.dist.previous-${pid}`));
    w.place(`.dist.staging-${pid}`, 'B', INCOMPLETE_MARKER);
    w.nextRunOpens();
    expect(snapshotTree(w.outdir)).toEqual(w.a);
    expect(fs.readdirSync(w.dir)).toEqual(['dist']);
  });

  test('the new tree is swapped in when it was complete (its marker is written last)', () => {
    const w = workspace();
    const pid = deadPid();
    fs.renameSync(w.outdir, path.join(w.dir, `.dist.previous-${pid}`));
    w.place(`.dist.staging-${pid}`, 'B');
    w.nextRunOpens();
    expect(snapshotTree(w.outdir)).toEqual(w.b);
    expect(fs.readdirSync(w.dir)).toEqual(['dist']);
  });

  test('a complete staged tree of a first synth (no previous) is swapped in', () => {
    const w = workspace();
    fs.rmSync(w.outdir, { recursive: true });
    w.place(`.dist.staging-${deadPid()}`, 'B');
    w.nextRunOpens();
    expect(snapshotTree(w.outdir)).toEqual(w.b);
  });

  test('a previous tree whose removal was cut short is never restored as the output', () => {
    const w = workspace();
    const previous = `.dist.previous-${deadPid()}`;
    // What removal leaves when killed: the marker turned incomplete first, part of the tree gone.
    w.place(previous, 'A', INCOMPLETE_MARKER);
    fs.rmSync(w.outdir, { recursive: true }); // and the output deleted by hand after the kill
    fs.rmSync(path.join(w.dir, previous, 'cluster1'), { recursive: true });
    w.nextRunOpens();
    expect(fs.readdirSync(w.dir)).toEqual([]);
  });

  test('through the synth app: the stranded previous tree is back even when this synth is refused', () => {
    const w = workspace();
    fs.renameSync(w.outdir, path.join(w.dir, `.dist.previous-${deadPid()}`));
    fs.writeFileSync(path.join(w.dir, 'clusters.yaml'), 'meshID: mesh1\nclusters: 5\n');
    // A topology error is found before the output is opened: no recovery, nothing touched.
    expect(runSynth({ CDK8S_OUTDIR: w.outdir, MESH_TOPOLOGY: path.join(w.dir, 'clusters.yaml') }).code).toBe(1);
    expect(fs.existsSync(w.outdir)).toBe(false);
    // The next good synth recovers, then replaces.
    fs.writeFileSync(path.join(w.dir, 'one.yaml'), ONE_CLUSTER);
    const r = runSynth({ CDK8S_OUTDIR: w.outdir, MESH_TOPOLOGY: path.join(w.dir, 'one.yaml') });
    expect(r.code).toBe(0);
    expect(snapshotTree(w.outdir)).toEqual(w.b);
    expect(fs.readdirSync(w.dir).sort()).toEqual(['clusters.yaml', 'dist', 'one.yaml']);
  });
});

describe('stale temporary trees beside an existing output are removed', () => {
  test('an interrupted staging tree and a previous tree whose removal was cut short', () => {
    const w = workspace();
    w.place(`.dist.staging-${deadPid()}`, 'B', INCOMPLETE_MARKER);
    const previous = `.dist.previous-${deadPid()}`;
    w.place(previous, 'A');
    // Removal goes marker-last: a kill leaves the marker and part of the tree.
    fs.rmSync(path.join(w.dir, previous, 'cluster1'), { recursive: true });
    fs.rmSync(path.join(w.dir, previous, 'README.md'));
    w.nextRunOpens();
    expect(snapshotTree(w.outdir)).toEqual(w.a);
    expect(fs.readdirSync(w.dir)).toEqual(['dist']);
  });

  test('a staging tree killed while creating it: empty, or holding only the start of its marker', () => {
    const w = workspace();
    fs.mkdirSync(path.join(w.dir, `.dist.staging-${deadPid()}`));
    const partial = path.join(w.dir, `.dist.staging-${deadPid()}`);
    fs.mkdirSync(partial);
    fs.writeFileSync(path.join(partial, MARKER_FILE), INCOMPLETE_MARKER.slice(0, 20));
    w.nextRunOpens();
    expect(fs.readdirSync(w.dir)).toEqual(['dist']);
  });

  test('a tree of our own pid (pids are reused, e.g. in containers) is stale', () => {
    const w = workspace();
    w.place(`.dist.staging-${process.pid}`, 'B', INCOMPLETE_MARKER);
    w.place(`.dist.previous-${process.pid}`, 'A', COMPLETE_MARKER);
    w.nextRunOpens();
    expect(fs.readdirSync(w.dir)).toEqual(['dist']);
  });

  test('the next successful synth leaves only the output', () => {
    const w = workspace();
    for (let i = 0; i < 3; i++) w.place(`.dist.staging-${deadPid()}`, 'B', INCOMPLETE_MARKER);
    w.place(`.dist.previous-${deadPid()}`, 'A');
    fs.writeFileSync(path.join(w.dir, `.dist.lock`), `pid: ${deadPid()}\n`);
    expect(runSynth({ CDK8S_OUTDIR: w.outdir }).code).toBe(0);
    expect(fs.readdirSync(w.dir)).toEqual(['dist']);
    expect(snapshotTree(w.outdir)).toEqual(w.a);
  });
});

describe('never removed: anything not matching the exact temporary name AND carrying our marker', () => {
  test('look-alikes stay byte-identical', () => {
    const w = workspace();
    const dead = deadPid();
    const user = path.join(w.dir, `.dist.staging-${dead}`); // our name, not our tree
    fs.mkdirSync(user);
    fs.writeFileSync(path.join(user, 'thesis.tex'), 'precious\n');
    fs.mkdirSync(path.join(w.dir, 'elsewhere'));
    w.place('elsewhere/tree', 'A');
    fs.symlinkSync(path.join(w.dir, 'elsewhere', 'tree'), path.join(w.dir, `.dist.previous-${dead}`)); // a link to one of ours
    w.place('.dist.staging-abc', 'A'); // not a pid
    w.place(`.dist.staging-0${dead}`, 'A'); // not the exact form
    w.place(`.dist.staging-${dead}.bak`, 'A');
    w.place(`.other.staging-${dead}`, 'A'); // another output's
    w.place(`dist.staging-${dead}`, 'A'); // no leading dot
    w.place(`.dist.previous-${process.ppid}`, 'A'); // a live process's
    const before = snapshotTree(w.dir);
    w.nextRunOpens();
    expect(snapshotTree(w.dir)).toEqual(before);
  });

  test('with no output directory, a look-alike is not restored in its place', () => {
    const w = workspace();
    fs.rmSync(w.outdir, { recursive: true });
    const user = path.join(w.dir, `.dist.previous-${deadPid()}`);
    fs.mkdirSync(user);
    fs.writeFileSync(path.join(user, 'notes.md'), 'mine\n');
    const before = snapshotTree(w.dir);
    w.nextRunOpens();
    expect(snapshotTree(w.dir)).toEqual(before);
  });
});
