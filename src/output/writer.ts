import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { checkOutdirContent, checkOutdirLocation, resolveOutdir, ResolvedOutdir } from './outdir-guard';
import { OutdirLock } from './outdir-lock';
import { COMPLETE_MARKER, INCOMPLETE_MARKER, MARKER_FILE, removeOwnedTree } from './output-marker';
import { fileSystemProblem, isSystemError, OutdirSource, outdirProblem, translatingFsErrors } from './output-problem';
import type { OutputFile } from './render';
import { previousPathOf, Recovery, recoverStrandedTrees, stagingPathOf } from './stranded-trees';

/**
 * Files written on the main thread before a writing thread takes over. A small output (the default
 * topology) is done before a thread would have started; a large one (hundreds of clusters, tens of
 * thousands of files) spends about a third of its time in writes, which a thread overlaps with rendering.
 */
const FILES_BEFORE_WRITER_THREAD = 2000;
const BATCH = 500;

/** A thread that writes batches of files (write-worker.ts); `finish()` waits for it synchronously. */
class WriterThread {
  private readonly worker: Worker;
  private readonly state = new Int32Array(new SharedArrayBuffer(8));
  private readonly message = new Uint8Array(new SharedArrayBuffer(4096));

  constructor() {
    this.worker = new Worker(path.join(__dirname, 'write-worker.js'), { workerData: { state: this.state, message: this.message } });
  }

  /** Sends a batch as one string (paths and contents separated by NUL, which neither contains): one copy. */
  public post(batch: OutputFile[]): void {
    let packed = '';
    for (const f of batch) packed += f.path + '\0' + f.content + '\0';
    this.worker.postMessage(packed);
  }

  /** Waits until every posted file is written; throws the thread's error, if any (a system error keeps its code and path). */
  public finish(): void {
    this.worker.postMessage(null);
    while (Atomics.load(this.state, 0) === 0) Atomics.wait(this.state, 0, 0, 1000);
    void this.worker.terminate();
    if (Atomics.load(this.state, 1) === 1) {
      const text = Buffer.from(this.message).toString('utf8').replace(/\0+$/, '');
      let error: { message?: string; code?: string; path?: string; syscall?: string } = { message: text };
      try {
        error = JSON.parse(text);
      } catch {
        // a truncated report: keep the text
      }
      throw Object.assign(new Error(`writing the output failed: ${error.message}`), error.code ? { code: error.code, path: error.path, syscall: error.syscall } : {});
    }
  }
}

/** Options of StagedTree. */
export interface StagedTreeOptions {
  /** The setting that named the output directory, for messages. @default 'outdir' */
  readonly field?: string;
}

/**
 * An output tree written atomically into a directory this tool owns. Opening it:
 *
 * 1. resolves the output directory (a symbolic link is followed: its target is replaced, the link stays)
 *    and refuses the file-system root, the home directory, the working directory, this package's
 *    directory, and any parent of those;
 * 2. takes the lock beside it (another live synth: refused);
 * 3. recovers what killed synths left (see recoverStrandedTrees);
 * 4. refuses a file, or a non-empty directory we did not write (no marker, not an earlier output);
 * 5. creates the staging tree `.<outdir>.staging-<pid>` beside it, marker (incomplete) first.
 *
 * Files go to the staging tree as they come; `commit()` writes the complete marker last and swaps the
 * tree into place by two renames; `abort()` (or any failure) removes the staging tree and leaves the
 * output exactly as it was. Only trees carrying our marker are ever replaced or removed.
 */
export class StagedTree {
  /** The directory replaced (real path). */
  public readonly target: string;
  /** What the opening recovered from killed synths. */
  public readonly recovery: Recovery;
  private readonly source: OutdirSource;
  private readonly resolved: ResolvedOutdir;
  private readonly staging: string;
  private readonly previous: string;
  private readonly lock: OutdirLock;
  private readonly dirs = new Set<string>();
  private written = 0;
  private thread?: WriterThread;
  private batch: OutputFile[] = [];
  private open = true;

  constructor(outdir: string, options: StagedTreeOptions = {}) {
    this.source = { field: options.field ?? 'outdir', value: outdir };
    this.resolved = resolveOutdir(this.source);
    checkOutdirLocation(this.source, this.resolved);
    this.target = this.resolved.target;
    this.staging = stagingPathOf(this.target);
    this.previous = previousPathOf(this.target);
    const parent = path.dirname(this.target);
    this.fs('creating the parent of the output directory', () => fs.mkdirSync(parent, { recursive: true }));
    this.lock = OutdirLock.acquire(this.source, this.target);
    try {
      this.recovery = this.fs('recovering the temporary trees of an interrupted synth', () => recoverStrandedTrees(this.target));
      checkOutdirContent(this.source, this.resolved);
      this.fs('creating the staging tree', () => {
        fs.mkdirSync(this.staging);
        fs.writeFileSync(path.join(this.staging, MARKER_FILE), INCOMPLETE_MARKER);
      });
    } catch (e) {
      try {
        removeOwnedTree(this.staging); // only if we got as far as creating it (a foreign one stays)
      } catch {
        // absent, or removed by the next run
      }
      this.lock.release();
      throw e;
    }
  }

  private fs<T>(doing: string, fn: () => T, file?: string): T {
    return translatingFsErrors(this.source, doing, this.target, fn, file);
  }

  /** Writes one file into the staging tree (on a writing thread once the output is large). */
  public write(f: OutputFile): void {
    const file = path.join(this.staging, f.path);
    if (!file.startsWith(this.staging + path.sep)) throw new Error(`refusing to write outside the output directory: ${f.path}`);
    if (file === path.join(this.staging, MARKER_FILE)) throw new Error(`refusing to write ${f.path}: the name is reserved for the output's marker`);
    if (++this.written > FILES_BEFORE_WRITER_THREAD) {
      this.thread ??= new WriterThread();
      this.batch.push({ path: file, content: f.content });
      if (this.batch.length >= BATCH) this.flush();
      return;
    }
    this.fs('writing the staging tree', () => {
      const dir = path.dirname(file);
      if (!this.dirs.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        this.dirs.add(dir);
      }
      fs.writeFileSync(file, f.content);
    }, file);
  }

  /** Waits for the writing thread, if any. */
  private settle(): void {
    if (!this.thread) return;
    this.flush();
    const thread = this.thread;
    this.thread = undefined;
    this.fs('writing the staging tree', () => thread.finish());
  }

  private flush(): void {
    if (this.batch.length > 0) this.thread!.post(this.batch);
    this.batch = [];
  }

  /** Replaces the output directory with the staging tree. */
  public commit(): void {
    if (!this.open) throw new Error('the staged tree was already committed or aborted');
    try {
      this.settle();
      // The complete marker is the last write, by rename: a staging tree carrying it is complete.
      this.fs('completing the staging tree', () => {
        const temp = path.join(this.staging, `${MARKER_FILE}.tmp`);
        fs.writeFileSync(temp, COMPLETE_MARKER);
        fs.renameSync(temp, path.join(this.staging, MARKER_FILE));
      });
      if (!this.lock.held()) {
        throw outdirProblem(this.source, `the lock of ${this.target} was taken by another process during the synth`,
          'make sure only one synth writes this output directory at a time, and run synth again');
      }
      // Checked again: something not ours may have appeared at the target while we rendered.
      checkOutdirContent(this.source, this.resolved);
    } catch (e) {
      this.abort();
      throw e;
    }
    // The old tree moves aside first, so the target is missing only between two renames (a kill there
    // is repaired by the next run: recoverStrandedTrees).
    let hadPrevious = false;
    try {
      hadPrevious = fs.existsSync(this.target);
      if (hadPrevious) fs.renameSync(this.target, this.previous);
      fs.renameSync(this.staging, this.target);
    } catch (e) {
      try {
        if (hadPrevious && !fs.existsSync(this.target) && fs.existsSync(this.previous)) fs.renameSync(this.previous, this.target);
      } catch {
        // left for the next run's recovery
      }
      this.abort();
      throw isSystemError(e) ? fileSystemProblem(e, this.source, 'swapping the new tree into place', this.target) : e;
    }
    this.open = false;
    try {
      if (hadPrevious) removeOwnedTree(this.previous);
    } catch {
      // the new output is in place; the old tree is removed by the next run (recoverStrandedTrees)
    } finally {
      this.lock.release();
    }
  }

  /** Drops the staging tree (best effort: what stays is removed by the next run) and releases the lock. */
  public abort(): void {
    if (!this.open) return;
    this.open = false;
    try {
      this.settle();
    } catch {
      // the tree is dropped anyway
    }
    try {
      removeOwnedTree(this.staging);
    } catch {
      // removed by the next run
    }
    this.lock.release();
  }
}

/** Writes a complete output tree atomically (see StagedTree). */
export function writeTreeAtomically(outdir: string, files: readonly OutputFile[], options?: StagedTreeOptions): void {
  writeStaged(outdir, (write) => files.forEach(write), options);
}

/** Runs `produce`, which writes files through `write`, and swaps the result in only if it succeeds. */
export function writeStaged(outdir: string, produce: (write: (f: OutputFile) => void) => void, options?: StagedTreeOptions): void {
  const tree = new StagedTree(outdir, options);
  try {
    produce((f) => tree.write(f));
  } catch (e) {
    tree.abort();
    throw e;
  }
  tree.commit();
}
