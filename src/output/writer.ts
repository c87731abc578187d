import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { OutputFile } from './render';

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

  /** Waits until every posted file is written; throws the thread's error, if any. */
  public finish(): void {
    this.worker.postMessage(null);
    while (Atomics.load(this.state, 0) === 0) Atomics.wait(this.state, 0, 0, 1000);
    void this.worker.terminate();
    if (Atomics.load(this.state, 1) === 1) {
      throw new Error(`writing the output failed: ${Buffer.from(this.message).toString('utf8').replace(/\0+$/, '')}`);
    }
  }
}

/**
 * An output tree written atomically: files go to a temporary sibling of `outdir` as they come, and
 * `commit()` swaps the complete tree into place by rename; `abort()` (or any failure) removes the
 * temporary tree and leaves `outdir` exactly as it was. Clusters that left the topology disappear with
 * the old tree. Only `outdir` itself and the temporary siblings this class creates are ever removed.
 */
export class StagedTree {
  private readonly target: string;
  private readonly staging: string;
  private readonly previous: string;
  private readonly dirs = new Set<string>();
  private written = 0;
  private thread?: WriterThread;
  private batch: OutputFile[] = [];

  constructor(outdir: string) {
    this.target = path.resolve(outdir);
    const parent = path.dirname(this.target);
    const base = path.basename(this.target);
    this.staging = path.join(parent, `.${base}.staging-${process.pid}`);
    this.previous = path.join(parent, `.${base}.previous-${process.pid}`);
    fs.mkdirSync(parent, { recursive: true });
    fs.rmSync(this.staging, { recursive: true, force: true });
    fs.mkdirSync(this.staging);
  }

  /** Writes one file into the staging tree (on a writing thread once the output is large). */
  public write(f: OutputFile): void {
    const file = path.join(this.staging, f.path);
    if (!file.startsWith(this.staging + path.sep)) throw new Error(`refusing to write outside the output directory: ${f.path}`);
    if (++this.written > FILES_BEFORE_WRITER_THREAD) {
      this.thread ??= new WriterThread();
      this.batch.push({ path: file, content: f.content });
      if (this.batch.length >= BATCH) this.flush();
      return;
    }
    const dir = path.dirname(file);
    if (!this.dirs.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      this.dirs.add(dir);
    }
    fs.writeFileSync(file, f.content);
  }

  /** Waits for the writing thread, if any. */
  private settle(): void {
    if (!this.thread) return;
    this.flush();
    const thread = this.thread;
    this.thread = undefined;
    thread.finish();
  }

  private flush(): void {
    if (this.batch.length > 0) this.thread!.post(this.batch);
    this.batch = [];
  }

  /** Replaces `outdir` with the staging tree. */
  public commit(): void {
    try {
      this.settle();
    } catch (e) {
      this.abort();
      throw e;
    }
    // The old tree moves aside first, so the target is missing only between two renames.
    const hadPrevious = fs.existsSync(this.target);
    if (hadPrevious) fs.renameSync(this.target, this.previous);
    try {
      fs.renameSync(this.staging, this.target);
    } catch (e) {
      if (hadPrevious) fs.renameSync(this.previous, this.target);
      this.abort();
      throw e;
    }
    if (hadPrevious) fs.rmSync(this.previous, { recursive: true, force: true });
  }

  /** Drops the staging tree. */
  public abort(): void {
    try {
      this.settle();
    } catch {
      // the tree is dropped anyway
    }
    fs.rmSync(this.staging, { recursive: true, force: true });
  }
}

/** Writes a complete output tree atomically (see StagedTree). */
export function writeTreeAtomically(outdir: string, files: readonly OutputFile[]): void {
  writeStaged(outdir, (write) => files.forEach(write));
}

/** Runs `produce`, which writes files through `write`, and swaps the result in only if it succeeds. */
export function writeStaged(outdir: string, produce: (write: (f: OutputFile) => void) => void): void {
  const tree = new StagedTree(outdir);
  try {
    produce((f) => tree.write(f));
  } catch (e) {
    tree.abort();
    throw e;
  }
  tree.commit();
}
