import type { Mesh } from './mesh';
import { renderMesh } from './output/render';
import { writeTreeAtomically } from './output/writer';

/** Options of {@link synthesizeMesh}. */
export interface SynthesizeOptions {
  /** The output directory, replaced as a whole. */
  readonly outdir: string;
}

/**
 * Validates the mesh, renders every cluster directory in memory and swaps the result into `outdir`.
 * On any error nothing is written and `outdir` stays as it was.
 */
export function synthesizeMesh(mesh: Mesh, options: SynthesizeOptions): void {
  const files = renderMesh(mesh);
  writeTreeAtomically(options.outdir, files);
}
