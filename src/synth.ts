import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Mesh } from './mesh';
import { OutputDirectoryError } from './output/output-problem';
import { renderMeshTo, RenderOptions } from './output/render';
import { StagedTree } from './output/writer';
import { MeshValidationError } from './problem';

/** Options of {@link synthesizeMesh} and {@link synthesizeApp}. */
export interface SynthesizeOptions {
  /**
   * The output directory, replaced as a whole: a new or empty directory, or one this tool wrote (it
   * carries the `.cdk8s-istio-multicluster` marker). A symbolic link is followed (its target is replaced).
   */
  readonly outdir: string;
  /** The setting that named `outdir`, for messages (the synth app passes `CDK8S_OUTDIR`). @default 'outdir' */
  readonly outdirField?: string;
  /**
   * Whether every object is checked against the pinned schemas before anything is written. Turned off
   * only to measure its cost (bench/).
   * @default true
   */
  readonly checkSchemas?: boolean;
}

/**
 * Validates the mesh, renders every cluster directory into a staging tree next to `outdir` (one cluster
 * at a time, so memory stays flat) and swaps the result into `outdir` (see StagedTree for what is refused
 * and recovered). On any error the staging tree is removed and `outdir` stays exactly as it was. When the
 * output directory is refused, the mesh is still validated, so that every problem is reported at once.
 * For scripts; an app uses MeshApp (or synthesizeApp), which writes the same tree plus the app's own charts.
 */
export function synthesizeMesh(mesh: Mesh, options: SynthesizeOptions): void {
  synthesize(mesh, { checkSchemas: options.checkSchemas }, options);
}

/**
 * Synthesizes a whole app: its mesh exactly as synthesizeMesh writes it, plus every chart of the app
 * that is not part of the mesh as `_charts/<chart>.k8s.yaml`, through the same validation (the whole app
 * tree, once), schema check, secret guard and atomic writer. This is what `MeshApp.synth()` runs.
 *
 * One mesh per app for now: the README's commands and the Argo CD Applications' paths name the
 * clusters' directories at the top of the output. Several meshes (federation) will each get a folder
 * of their own; the app already collects them as a list.
 */
export function synthesizeApp(app: IConstruct, options: SynthesizeOptions): void {
  const meshes = app.node.findAll().filter((c): c is Mesh => Mesh.isMesh(c));
  if (meshes.length !== 1) {
    throw new MeshValidationError([meshes.length === 0 ? {
      field: 'app', message: 'contains no Mesh',
      fix: 'add the mesh to the app (e.g. loadTopologyFile(app, \'mesh\', \'mesh.yaml\')), or use cdk8s\'s App when there is no mesh',
    } : {
      field: 'app', value: meshes.map((m) => m.node.path), message: `contains ${meshes.length} meshes; one app synthesizes one mesh for now`,
      allowed: 'one Mesh per app',
      fix: 'put each mesh in an app of its own with its own output directory (or call synthesizeMesh(mesh, { outdir }) for each from a script)',
    }], 'the app');
  }
  const inMesh = (c: IConstruct) => c.node.scopes.some((s) => Mesh.isMesh(s));
  const charts = app.node.findAll().filter((c): c is Chart => Chart.isChart(c) && !inMesh(c));
  synthesize(meshes[0], { charts, root: app, checkSchemas: options.checkSchemas }, options);
}

function synthesize(mesh: Mesh, render: RenderOptions, options: SynthesizeOptions): void {
  let tree: StagedTree;
  try {
    tree = new StagedTree(options.outdir, { field: options.outdirField });
  } catch (e) {
    if (!(e instanceof OutputDirectoryError)) throw e;
    try {
      renderMeshTo(mesh, () => undefined, render);
    } catch (meshError) {
      if (meshError instanceof MeshValidationError) {
        throw new MeshValidationError([...e.problems, ...meshError.problems], 'the output directory and the mesh');
      }
    }
    throw e;
  }
  try {
    renderMeshTo(mesh, (f) => tree.write(f), render);
  } catch (e) {
    tree.abort();
    throw e;
  }
  tree.commit();
}
