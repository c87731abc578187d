import * as fs from 'fs';
import * as path from 'path';
import { parentPort, workerData } from 'worker_threads';

/**
 * The file-writing thread of a large synth (see StagedTree): receives batches of files and writes them
 * while the main thread renders the next clusters. Reports completion through shared memory, so the
 * main thread can wait for it synchronously: state[0] = 1 when done, state[1] = 1 on error, the error
 * message in `message` (UTF-8, zero-padded).
 */
interface Batch { readonly path: string; readonly content: string }

const { state, message } = workerData as { state: Int32Array; message: Uint8Array };
const dirs = new Set<string>();

function finish(error?: unknown): void {
  if (error !== undefined) {
    const text = Buffer.from(String((error as Error)?.message ?? error)).subarray(0, message.length);
    message.set(text);
    Atomics.store(state, 1, 1);
  }
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
}

let failed = false;
parentPort!.on('message', (batch: Batch[] | null) => {
  if (batch === null) {
    finish(failed ? 'write failed' : undefined);
    return;
  }
  if (failed) return;
  try {
    for (const f of batch) {
      const dir = path.dirname(f.path);
      if (!dirs.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        dirs.add(dir);
      }
      fs.writeFileSync(f.path, f.content);
    }
  } catch (e) {
    failed = true;
    finish(e);
  }
});
