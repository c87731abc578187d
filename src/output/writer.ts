import * as fs from 'fs';
import * as path from 'path';
import type { OutputFile } from './render';

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

  /** Writes one file into the staging tree. */
  public write(f: OutputFile): void {
    const file = path.join(this.staging, f.path);
    if (!file.startsWith(this.staging + path.sep)) throw new Error(`refusing to write outside the output directory: ${f.path}`);
    const dir = path.dirname(file);
    if (!this.dirs.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      this.dirs.add(dir);
    }
    fs.writeFileSync(file, f.content);
  }

  /** Replaces `outdir` with the staging tree. */
  public commit(): void {
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
