import * as fs from 'fs';
import * as path from 'path';
import type { OutputFile } from './render';

/**
 * Writes a complete output tree atomically: every file goes to a temporary sibling of `outdir`, which
 * then replaces `outdir` by rename. A failure before the swap removes the temporary tree and leaves
 * `outdir` exactly as it was; clusters that left the topology disappear with the old tree. Only
 * `outdir` itself and the temporary siblings this function creates are ever removed.
 */
export function writeTreeAtomically(outdir: string, files: readonly OutputFile[]): void {
  const target = path.resolve(outdir);
  const parent = path.dirname(target);
  const base = path.basename(target);
  const staging = path.join(parent, `.${base}.staging-${process.pid}`);
  const previous = path.join(parent, `.${base}.previous-${process.pid}`);

  fs.mkdirSync(parent, { recursive: true });
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    const dirs = new Set<string>();
    for (const f of files) {
      const file = path.join(staging, f.path);
      if (!file.startsWith(staging + path.sep)) throw new Error(`refusing to write outside the output directory: ${f.path}`);
      const dir = path.dirname(file);
      if (!dirs.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        dirs.add(dir);
      }
      fs.writeFileSync(file, f.content);
    }
    fs.mkdirSync(staging, { recursive: true });
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }

  // Swap: the old tree moves aside first, so the target is missing only between two renames.
  const hadPrevious = fs.existsSync(target);
  if (hadPrevious) fs.renameSync(target, previous);
  try {
    fs.renameSync(staging, target);
  } catch (e) {
    if (hadPrevious) fs.renameSync(previous, target);
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  if (hadPrevious) fs.rmSync(previous, { recursive: true, force: true });
}
