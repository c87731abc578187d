/**
 * The fault test of issue 9: kill the synth (`node lib/src/main.js`, a real process) at seeded random
 * points of a large run, several times over. After every kill the output is the complete old tree or the
 * complete new tree (or, when the kill fell between the two renames, missing with the old tree stranded
 * beside it, which the next run's opening restores), and the next successful run leaves no temporary tree.
 *
 * SIGTERM and SIGINT kill exactly like SIGKILL: Node.js runs no JavaScript signal handler while the
 * synchronous synth runs (a handler would only defer the signal to the end of the run), so the default
 * action is kept and cleaning up is the next run's recovery.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { benchTopology } from '../bench/topology';
import { MARKER_FILE, ownershipOf } from '../src/output/output-marker';
import { StagedTree } from '../src/output/writer';
import { MAIN, tmp, treeDigest } from './support/outdir';

/** mulberry32: a small seeded generator, so that a failure replays with the same delays. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Starts a synth; resolves with its exit code or signal, and how long it ran (ms). */
function synth(outdir: string, topology: string, killAfterMs?: number, signal: NodeJS.Signals = 'SIGKILL') {
  const started = Date.now();
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH, CDK8S_OUTDIR: outdir, MESH_TOPOLOGY: topology }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill(signal), killAfterMs);
  return new Promise<{ pid: number; code: number | null; signal: NodeJS.Signals | null; ms: number; stderr: string }>((resolve) => {
    child.on('exit', (code, sig) => {
      if (timer) clearTimeout(timer);
      resolve({ pid: child.pid!, code, signal: sig, ms: Date.now() - started, stderr });
    });
  });
}

const CLUSTERS = 40; // 40×39 remote secrets: past the writing thread's threshold, about a second per run

test('kill -9 (and SIGTERM, SIGINT) at random points: the old or the new tree, then no temporary tree', async () => {
  const dir = tmp('fault-');
  const inputs = path.join(dir, 'inputs');
  const parent = path.join(dir, 'out');
  fs.mkdirSync(inputs);
  fs.mkdirSync(parent);
  const outdir = path.join(parent, 'dist');
  const topologies = { A: path.join(inputs, 'a.json'), B: path.join(inputs, 'b.json') };
  fs.writeFileSync(topologies.A, JSON.stringify(benchTopology(CLUSTERS)));
  fs.writeFileSync(topologies.B, JSON.stringify({ ...benchTopology(CLUSTERS), meshID: 'bench-b' })); // every file differs
  // The old tree, written by an uninterrupted run (which also says how long a run takes here).
  const a = await synth(outdir, topologies.A);
  expect([a.code, a.stderr]).toEqual([0, expect.stringMatching(/^synthesized 40/)]);
  const digestA = treeDigest(outdir);
  const runMs = Math.max(a.ms, 500);
  // Every state seen after a kill, checked against the two complete trees once the new one is known.
  const seen: [string, string][] = [];

  const random = seeded(9);
  const signals: NodeJS.Signals[] = ['SIGKILL', 'SIGKILL', 'SIGTERM', 'SIGKILL', 'SIGINT', 'SIGKILL'];
  const log: string[] = [];
  for (const [i, signal] of signals.entries()) {
    const topology = i % 2 === 0 ? topologies.B : topologies.A;
    const delay = Math.round(random() * runMs);
    const r = await synth(outdir, topology, delay, signal);
    const temps = fs.readdirSync(parent).filter((n) => n !== 'dist');
    log.push(`kill ${i} (${signal} after ${delay} ms of ~${runMs}): ${r.signal ?? `exit ${r.code}`}, left ${fs.existsSync(outdir) ? 'dist' : 'no dist'} + [${temps.join(', ')}]`);
    const context = log.join('\n');
    expect(r.stderr).not.toMatch(/error/);
    if (fs.existsSync(outdir)) {
      seen.push([treeDigest(outdir), `the output after kill ${i}`]);
    } else {
      // Killed between the two renames: the old tree waits beside it, complete, for the next run.
      const previous = path.join(parent, `.dist.previous-${r.pid}`);
      if (!fs.existsSync(previous)) throw new Error(`no output and no previous tree:\n${context}`);
      seen.push([treeDigest(previous), `the stranded previous tree after kill ${i}`]);
    }
    // Nothing but our own names is ever left.
    for (const t of temps) expect(t).toMatch(new RegExp(`^\\.dist\\.(staging-${r.pid}|previous-${r.pid}|lock)$`));
    if (i % 2 === 1) {
      // Every other time, what the next synth does first (recovery) runs before the next kill.
      new StagedTree(outdir).abort();
      seen.push([treeDigest(outdir), `the output recovered after kill ${i}`]);
      expect(fs.readdirSync(parent)).toEqual(['dist']);
    }
  }
  // The next successful run: the new tree, and nothing else beside it.
  const last = await synth(outdir, topologies.B);
  expect(last.code).toBe(0);
  const digestB = treeDigest(outdir);
  expect(digestB).not.toBe(digestA);
  expect(ownershipOf(outdir)).toBe('complete');
  const incomplete = seen.filter(([d]) => d !== digestA && d !== digestB).map(([, what]) => what);
  if (incomplete.length > 0) throw new Error(`neither the old nor the new tree: ${incomplete.join(', ')}\n${log.join('\n')}`);
  expect(fs.readdirSync(parent)).toEqual(['dist']);
  expect(fs.readdirSync(outdir)).toContain(MARKER_FILE);
  expect(log).toHaveLength(signals.length);
}, 120_000);
