import * as fs from 'fs';
import * as path from 'path';
import { parentPort, workerData } from 'worker_threads';

/**
 * The file-writing thread of a large synth (see StagedTree): receives batches of files (packed into one
 * string: path, NUL, content, NUL, ...) and writes them
 * while the main thread renders the next clusters. Reports completion through shared memory, so the
 * main thread can wait for it synchronously: state[0] = 1 when done, state[1] = 1 on error, the error
 * in `message` (UTF-8 JSON: message, and for a system error its code, path and syscall, so that the
 * main thread can say which file failed and why; zero-padded).
 */

const { state, message } = workerData as { state: Int32Array; message: Uint8Array };
const dirs = new Set<string>();

function finish(error?: unknown): void {
  if (error !== undefined) {
    const e = error as NodeJS.ErrnoException;
    const report = { message: String(e?.message ?? error), code: e?.code, path: e?.path, syscall: e?.syscall };
    let text = Buffer.from(JSON.stringify(report));
    // Too long for the buffer (a very long path): keep what identifies the error.
    if (text.length > message.length) text = Buffer.from(JSON.stringify({ ...report, message: report.code ?? 'write failed', path: report.path?.slice(0, 1024) }));
    text = text.subarray(0, message.length);
    message.set(text);
    Atomics.store(state, 1, 1);
  }
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
}

let failed = false;
parentPort!.on('message', (packed: string | null) => {
  if (packed === null) {
    // After a failure the report is already out (and must not be overwritten).
    if (!failed) finish();
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
      try {
        fs.writeFileSync(file, parts[i + 1]);
      } catch (e) {
        // A failed write(2) (ENOSPC, EIO...) carries no path: name the file.
        (e as NodeJS.ErrnoException).path ??= file;
        throw e;
      }
    }
  } catch (e) {
    failed = true;
    finish(e);
  }
});
