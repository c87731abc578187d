import * as fs from 'fs';
import * as path from 'path';
import { isProcessAlive } from './outdir-lock';
import { ownershipOf, removeOwnedTree } from './output-marker';

/** The temporary trees of a synth into `target`: `.<base>.staging-<pid>` and `.<base>.previous-<pid>`, beside it. */
export function stagingPathOf(target: string, pid = process.pid): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.staging-${pid}`);
}

/** See stagingPathOf. */
export function previousPathOf(target: string, pid = process.pid): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.previous-${pid}`);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface StrandedTree {
  readonly kind: 'staging' | 'previous';
  readonly pid: number;
  readonly dir: string;
  readonly ownership: ReturnType<typeof ownershipOf>;
}

/** What recovery did, for the user. */
export interface Recovery {
  /** The temporary tree moved into place because the output directory was missing. */
  readonly restored?: string;
  /** Temporary trees removed. */
  readonly removed: string[];
}

/**
 * Recovers from synths that were killed (SIGKILL, power loss, a signal: Node.js runs no handler while the
 * synchronous synth runs) and left temporary trees beside `target`. Must run under the output's lock.
 *
 * - If `target` is missing and a synth died between its two renames, the tree it was swapping in is
 *   restored when complete (its marker says so: it is written last), else the previous tree it had moved
 *   aside; either is a complete output.
 * - Every other temporary tree of a process that is gone (or of our own pid, reused) is removed.
 *
 * Only directories whose name matches the exact temporary-name pattern AND that carry our marker (or are
 * empty, or an output of an earlier version) are touched; trees of live processes are left alone.
 */
export function recoverStrandedTrees(target: string): Recovery {
  const parent = path.dirname(target);
  const pattern = new RegExp(`^\\.${escapeRegExp(path.basename(target))}\\.(staging|previous)-([1-9][0-9]{0,9})$`);
  const stranded: StrandedTree[] = [];
  for (const name of fs.readdirSync(parent)) {
    const m = pattern.exec(name);
    if (!m) continue;
    const pid = Number(m[2]);
    if (pid !== process.pid && isProcessAlive(pid)) continue;
    const dir = path.join(parent, name);
    const ownership = ownershipOf(dir);
    if (ownership === 'foreign') continue;
    stranded.push({ kind: m[1] as StrandedTree['kind'], pid, dir, ownership });
  }
  stranded.sort((a, b) => a.pid - b.pid || (a.kind < b.kind ? -1 : 1));
  let restored: string | undefined;
  if (!fs.existsSync(target) && !isSymlink(target)) {
    const previous = stranded.filter((t) => t.kind === 'previous' && t.ownership !== 'incomplete' && t.ownership !== 'empty');
    const completeStaging = (pid: number) => stranded.find((t) => t.kind === 'staging' && t.pid === pid && t.ownership === 'complete');
    const choice = previous.map((p) => completeStaging(p.pid) ?? p)[0]
      ?? stranded.find((t) => t.kind === 'staging' && t.ownership === 'complete');
    if (choice) {
      fs.renameSync(choice.dir, target);
      restored = choice.dir;
    }
  }
  const removed: string[] = [];
  for (const t of stranded) {
    if (t.dir !== restored && removeOwnedTree(t.dir)) removed.push(t.dir);
  }
  return { ...(restored ? { restored } : {}), removed };
}

function isSymlink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
