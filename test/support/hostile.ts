/**
 * The harness of the hostile-input tests: runs the synth app in-process (runSynthApp, exactly what
 * `node lib/src/main.js` runs) against a previous output, and checks the promise every rejected input must
 * keep: a non-zero exit, a message naming the cluster/field with a fix, and the output byte-identical.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runSynthApp } from '../../src/synth-app';
import { snapshotDir } from './mesh';

/** The outcome of one run of the synth app. */
export interface SynthRun {
  readonly code: number;
  readonly stderr: string;
}

/** Runs the synth app in-process with the given environment (nothing is inherited from the test's own). */
export function runSynth(env: NodeJS.ProcessEnv, argv: string[] = []): SynthRun {
  let stderr = '';
  const code = runSynthApp({ env, argv, stderr: (t) => { stderr += t; } });
  return { code, stderr };
}

let template: string | undefined;

/** A fresh temporary directory holding `dist/`, a successful synth of the default topology. */
export function workspaceWithOutput(): { dir: string; outdir: string } {
  if (!template) {
    template = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-template-'));
    const r = runSynth({ CDK8S_OUTDIR: path.join(template, 'dist') });
    if (r.code !== 0) throw new Error(`the default topology failed to synthesize: ${r.stderr}`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
  fs.cpSync(path.join(template, 'dist'), path.join(dir, 'dist'), { recursive: true });
  return { dir, outdir: path.join(dir, 'dist') };
}

/** What a rejection must say. */
export interface ExpectedRejection {
  /** The cluster named, when the problem belongs to one. */
  readonly cluster?: string;
  /** The field named (exactly as in the message: `field "<field>"`). */
  readonly field: string;
  /** Text the message must contain besides (e.g. the value as written, or a hint). */
  readonly contains?: readonly string[];
}

/**
 * Synthesizes `topology` (file text, YAML or JSON) over a previous output and asserts that it is rejected:
 * exit code 1, the problem named (cluster and field) with a fix, the output byte-identical, and no
 * temporary tree left beside it. Returns stderr for further assertions.
 */
export function expectRejected(topology: string, expected: ExpectedRejection): string {
  const { dir, outdir } = workspaceWithOutput();
  const before = snapshotDir(outdir);
  const file = path.join(dir, 'topology.yaml');
  fs.writeFileSync(file, topology);
  const r = runSynth({ CDK8S_OUTDIR: outdir, MESH_TOPOLOGY: file });
  const where = expected.cluster !== undefined
    ? `cluster "${expected.cluster}", field "${expected.field}"`
    : `field "${expected.field}"`;
  const line = r.stderr.split('\n').find((l) => l.includes(where));
  if (r.code !== 1 || line === undefined || !line.includes('Fix: ')) {
    throw new Error(`expected exit 1 and a problem at ${where} with a fix, got exit ${r.code}:\n${r.stderr}`);
  }
  for (const text of expected.contains ?? []) {
    if (!r.stderr.includes(text)) throw new Error(`expected the message to contain ${JSON.stringify(text)}:\n${r.stderr}`);
  }
  expect(snapshotDir(outdir)).toEqual(before);
  expect(fs.readdirSync(dir).sort()).toEqual(['dist', 'topology.yaml']);
  return r.stderr;
}

/** Synthesizes `topology` into a fresh output directory and asserts it is accepted; returns the tree. */
export function expectAccepted(topology: string): Record<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-ok-'));
  const file = path.join(dir, 'topology.yaml');
  fs.writeFileSync(file, topology);
  const outdir = path.join(dir, 'dist');
  const r = runSynth({ CDK8S_OUTDIR: outdir, MESH_TOPOLOGY: file });
  if (r.code !== 0) throw new Error(`expected the topology to be accepted, got exit ${r.code}:\n${r.stderr}`);
  return snapshotDir(outdir);
}
