import type { Mesh } from './mesh';
import { renderMeshTo } from './output/render';
import { writeStaged } from './output/writer';

/** Options of {@link synthesizeMesh}. */
export interface SynthesizeOptions {
  /** The output directory, replaced as a whole. */
  readonly outdir: string;
}

/**
 * Validates the mesh, renders every cluster directory into a staging tree next to `outdir` (one cluster
 * at a time, so memory stays flat) and swaps the result into `outdir`. On any error the staging tree is
 * removed and `outdir` stays exactly as it was.
 */
export function synthesizeMesh(mesh: Mesh, options: SynthesizeOptions): void {
  writeStaged(options.outdir, (write) => renderMeshTo(mesh, write));
}
