import type { Mesh } from './mesh';
import { OutputDirectoryError } from './output/output-problem';
import { renderMeshTo } from './output/render';
import { StagedTree } from './output/writer';
import { MeshValidationError } from './problem';

/** Options of {@link synthesizeMesh}. */
export interface SynthesizeOptions {
  /**
   * The output directory, replaced as a whole: a new or empty directory, or one this tool wrote (it
   * carries the `.cdk8s-istio-multicluster` marker). A symbolic link is followed (its target is replaced).
   */
  readonly outdir: string;
  /** The setting that named `outdir`, for messages (the synth app passes `CDK8S_OUTDIR`). @default 'outdir' */
  readonly outdirField?: string;
}

/**
 * Validates the mesh, renders every cluster directory into a staging tree next to `outdir` (one cluster
 * at a time, so memory stays flat) and swaps the result into `outdir` (see StagedTree for what is refused
 * and recovered). On any error the staging tree is removed and `outdir` stays exactly as it was. When the
 * output directory is refused, the mesh is still validated, so that every problem is reported at once.
 */
export function synthesizeMesh(mesh: Mesh, options: SynthesizeOptions): void {
  let tree: StagedTree;
  try {
    tree = new StagedTree(options.outdir, { field: options.outdirField });
  } catch (e) {
    if (!(e instanceof OutputDirectoryError)) throw e;
    try {
      renderMeshTo(mesh, () => undefined);
    } catch (meshError) {
      if (meshError instanceof MeshValidationError) {
        throw new MeshValidationError([...e.problems, ...meshError.problems], 'the output directory and the mesh');
      }
    }
    throw e;
  }
  try {
    renderMeshTo(mesh, (f) => tree.write(f));
  } catch (e) {
    tree.abort();
    throw e;
  }
  tree.commit();
}
