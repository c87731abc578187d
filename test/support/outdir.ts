/**
 * Helpers of the output-directory tests (outdir, recovery, lock, fault): a sandboxed copy of the built
 * app, child-process runs of `node lib/src/main.js`, tree digests.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROJECT_ROOT } from './mesh';

/** The built synth app of this worktree. */
export const MAIN = path.join(PROJECT_ROOT, 'lib', 'src', 'main.js');

/** A fresh temporary directory. */
export function tmp(prefix = 'outdir-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * A copy of the built app in a temporary "project" (lib/, package.json, node_modules linked), so that
 * the cases that point the output at the project, the working directory or home could only ever damage
 * temporary directories (lib/imports and node_modules are links: snapshots do not follow them), even if the guard under test were broken.
 */
export function sandboxProject(): { root: string; main: string } {
  const root = path.join(tmp('sandbox-'), 'project');
  fs.mkdirSync(root);
  fs.cpSync(path.join(PROJECT_ROOT, 'lib', 'src'), path.join(root, 'lib', 'src'), { recursive: true });
  fs.symlinkSync(path.join(PROJECT_ROOT, 'lib', 'imports'), path.join(root, 'lib', 'imports'));
  fs.cpSync(path.join(PROJECT_ROOT, 'package.json'), path.join(root, 'package.json'));
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  // The writer checks every object against the CRD schemas of crds/ (src/output/manifest-schema.ts).
  fs.symlinkSync(path.join(PROJECT_ROOT, 'crds'), path.join(root, 'crds'));
  return { root, main: path.join(root, 'lib', 'src', 'main.js') };
}

/** Runs `node <main>` with exactly this environment (PATH aside) in `cwd`. */
export function runChild(main: string, env: NodeJS.ProcessEnv, cwd: string): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [main], { env: { PATH: process.env.PATH, ...env }, cwd, encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr };
}

/**
 * Every entry below `dir` (directories, files, symbolic links: not followed) with file contents, as one
 * map; used to show that a refused run left pre-existing content byte-identical.
 */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      const rel = path.relative(dir, p);
      if (e.isSymbolicLink()) out[rel] = `-> ${fs.readlinkSync(p)}`;
      else if (e.isDirectory()) {
        out[rel + '/'] = '';
        walk(p);
      } else out[rel] = fs.readFileSync(p, 'latin1');
    }
  };
  walk(dir);
  return out;
}

/** A digest of snapshotTree (large trees compare quickly). */
export function treeDigest(dir: string): string {
  const h = crypto.createHash('sha256');
  for (const [k, v] of Object.entries(snapshotTree(dir))) h.update(k).update('\0').update(v).update('\0');
  return h.digest('hex');
}

/** The pid of a process that has exited (a finished child). */
export function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
  return r.pid!;
}

/** A small valid topology that differs from the default (one cluster). */
export const ONE_CLUSTER = 'meshID: mesh1\nsecretStore: { name: mesh-secrets }\nclusters:\n  - clusterName: cluster1\n    network: network1\n';
