/**
 * The lock against concurrent synths into one output directory (issue 9: two synths at once raced
 * silently). A live holder: exit 1 naming its pid and the fix, output byte-identical; a holder that is
 * gone (killed synth): taken over.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { benchTopology } from '../bench/topology';
import { COMPLETE_MARKER, MARKER_FILE } from '../src/output/output-marker';
import { runSynth, workspaceWithOutput } from './support/hostile';
import { deadPid, MAIN, snapshotTree, treeDigest } from './support/outdir';

function expectLockRefused(stderr: string, pid: number, lock: string): void {
  expect(stderr).toContain(`field "CDK8S_OUTDIR": another synth (pid ${pid}) is writing `);
  expect(stderr).toContain(`Fix: wait for it to finish and run synth again; if no synth is running (pid ${pid} is another program), delete ${lock}`);
}

describe('the output lock', () => {
  test('a live holder: refused, naming the pid and the fix; output and lock untouched', () => {
    const { dir, outdir } = workspaceWithOutput();
    const lock = path.join(dir, '.dist.lock');
    fs.writeFileSync(lock, `pid: ${process.ppid}\n`);
    const before = snapshotTree(dir);
    const r = runSynth({ CDK8S_OUTDIR: outdir });
    expect(r.code).toBe(1);
    expectLockRefused(r.stderr, process.ppid, lock);
    expect(snapshotTree(dir)).toEqual(before);
  });

  test.each([
    ['a killed synth', () => `pid: ${deadPid()}\n`, 0],
    ['our own pid (reused)', () => `pid: ${process.pid}\n`, 0],
    ['a lock killed before its pid was written (empty, old)', () => '', 60],
  ])('a stale lock of %s is taken over and released', (_name, content, ageSeconds) => {
    const { dir, outdir } = workspaceWithOutput();
    const lock = path.join(dir, '.dist.lock');
    fs.writeFileSync(lock, content());
    const old = Date.now() / 1000 - ageSeconds;
    fs.utimesSync(lock, old, old);
    const r = runSynth({ CDK8S_OUTDIR: outdir });
    expect(r.stderr).toMatch(/^synthesized 2 cluster/);
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });

  test('a lock being created (no pid yet, just made): waited for, then refused with the fix', () => {
    const { dir, outdir } = workspaceWithOutput();
    const lock = path.join(dir, '.dist.lock');
    fs.writeFileSync(lock, '');
    const before = snapshotTree(dir);
    const r = runSynth({ CDK8S_OUTDIR: outdir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the lock ${lock} is being taken by another synth that has not written its pid yet`);
    expect(r.stderr).toContain(`if no synth is running, delete ${lock}`);
    expect(snapshotTree(dir)).toEqual(before);
  });

  test('two synths at once: the second is refused naming the first, the first completes', async () => {
    const { dir, outdir } = workspaceWithOutput();
    const topology = path.join(dir, 'big.json');
    fs.writeFileSync(topology, JSON.stringify(benchTopology(30)));
    const lock = path.join(dir, '.dist.lock');
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH, CDK8S_OUTDIR: outdir, MESH_TOPOLOGY: topology }, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    const holder = () => (fs.existsSync(lock) ? fs.readFileSync(lock, 'utf8') : '');
    // (created, then its pid written: wait for both)
    while (!holder().includes('pid: ') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(holder()).toContain(`pid: ${child.pid}`);
    const before = treeDigest(outdir);
    const second = runSynth({ CDK8S_OUTDIR: outdir });
    expect(second.code).toBe(1);
    expectLockRefused(second.stderr, child.pid!, lock);
    // The refused synth touched nothing: the output is still the old tree while the first one writes.
    if (fs.existsSync(path.join(outdir, 'cluster30'))) throw new Error('the first synth finished before the second started: make its topology larger');
    expect(treeDigest(outdir)).toBe(before);
    expect(await exited).toBe(0);
    expect(fs.readFileSync(path.join(outdir, MARKER_FILE), 'utf8')).toBe(COMPLETE_MARKER);
    expect(fs.readdirSync(outdir).filter((f) => f.startsWith('cluster')).length).toBe(30);
    expect(fs.readdirSync(dir).sort()).toEqual(['big.json', 'dist']);
  }, 60_000);
});
