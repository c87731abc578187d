import * as fs from 'fs';
import * as path from 'path';
import { parentPort, workerData } from 'worker_threads';

/**
 * The file-writing thread of a large synth (see StagedTree): receives batches of files (packed into one
 * string: path, NUL, content, NUL, ...) and writes them
 * while the main thread renders the next clusters. Reports completion through shared memory, so the
 * main thread can wait for it synchronously: state[0] = 1 when done, state[1] = 1 on error, the error
 * message in `message` (UTF-8, zero-padded).
 */

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
parentPort!.on('message', (packed: string | null) => {
  if (packed === null) {
    finish(failed ? 'write failed' : undefined);
    return;
  }
  if (failed) return;
  try {
    // path NUL content NUL path NUL content NUL ...
    const parts = packed.split('\0');
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const file = parts[i];
      const dir = path.dirname(file);
      if (!dirs.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        dirs.add(dir);
      }
      fs.writeFileSync(file, parts[i + 1]);
    }
  } catch (e) {
    failed = true;
    finish(e);
  }
});
