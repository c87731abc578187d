import * as fs from 'fs';
import * as path from 'path';
import { OutdirSource, outdirProblem, translatingFsErrors } from './output-problem';
import { toYaml } from './yaml';

/** The lock file of an output directory: beside it, so that it survives the swap of the directory. */
export function lockPathOf(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.lock`);
}

/** Whether a process with this pid exists (EPERM: it exists, under another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock file older than this with no readable pid was left by a kill between its creation and first write. */
const UNREADABLE_LOCK_GRACE_MS = 5000;

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The pid in a lock file; null when it cannot be read (yet); undefined when the file is gone. */
function holderOf(file: string): { pid: number | null; ageMs: number } | undefined {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const ageMs = Date.now() - fs.statSync(file).mtimeMs;
    const m = /^pid: ([0-9]+)$/m.exec(text);
    return { pid: m ? Number(m[1]) : null, ageMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * An exclusive lock on one output directory, so that two synths into it cannot interleave their swaps.
 * Taken by exclusive creation of `.<outdir>.lock` beside it, holding our pid. A lock whose process is
 * gone (a synth killed by a signal) is taken over; a live holder is an error naming its pid. Synchronous,
 * like the writer.
 */
export class OutdirLock {
  /** Takes the lock of `target` or throws a problem naming the holder. */
  public static acquire(source: OutdirSource, target: string): OutdirLock {
    const file = lockPathOf(target);
    const content = '# A synth of cdk8s-istio-multicluster is writing the directory beside this file; removed when it finishes.\n'
      + toYaml({ pid: process.pid });
    return translatingFsErrors(source, 'taking the lock of the output directory', target, () => {
      for (let attempt = 0; attempt < 50; attempt++) {
        try {
          const fd = fs.openSync(file, 'wx');
          try {
            fs.writeSync(fd, content);
          } finally {
            fs.closeSync(fd);
          }
          return new OutdirLock(file);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        }
        const holder = holderOf(file);
        if (holder === undefined) continue; // released meanwhile
        if (holder.pid === null && holder.ageMs < UNREADABLE_LOCK_GRACE_MS) {
          sleep(20); // being created by another synth: look again
          continue;
        }
        if (holder.pid !== null && holder.pid !== process.pid && isProcessAlive(holder.pid)) {
          throw outdirProblem(source,
            `another synth (pid ${holder.pid}) is writing ${target} (lock ${file})`,
            `wait for it to finish and run synth again; if no synth is running (pid ${holder.pid} is another program), delete ${file}`);
        }
        OutdirLock.takeOver(file, holder.pid);
      }
      throw outdirProblem(source, `the lock ${file} is being taken by another synth that has not written its pid yet`,
        `wait for the other synth to finish and run synth again; if no synth is running, delete ${file}`);
    });
  }

  /**
   * Removes a stale lock (of `stalePid`) without removing a fresh one another synth took meanwhile: the
   * lock is renamed to a name of our own first (only one process wins a rename), then checked.
   */
  private static takeOver(file: string, stalePid: number | null): void {
    const mine = `${file}.stale-${process.pid}`;
    try {
      fs.renameSync(file, mine);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    const taken = holderOf(mine);
    if (taken !== undefined && taken.pid !== stalePid) {
      // A fresh lock of another synth: put it back (link fails if yet another one exists, which then holds).
      try {
        fs.linkSync(mine, file);
      } catch {
        // the holder's commit check (OutdirLock.check) sees that it lost the lock
      }
    }
    fs.rmSync(mine, { force: true });
  }

  private constructor(private readonly file: string) {}

  /** Whether we still hold the lock (checked again just before the swap). */
  public held(): boolean {
    return holderOf(this.file)?.pid === process.pid;
  }

  /** Releases the lock, if still ours. */
  public release(): void {
    try {
      if (this.held()) fs.rmSync(this.file, { force: true });
    } catch {
      // best effort: a lock left behind is taken over by the next synth (its pid is gone)
    }
  }
}
