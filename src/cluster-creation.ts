import type { Cluster } from './cluster';
import type { Mesh } from './mesh';

/**
 * The cluster `Mesh.addCluster` is creating right now. A Cluster is a Chart: constructed directly (or as
 * a subclass) it compiles and joins the construct tree, but the mesh never learns of it, so it would be
 * validated by nobody and silently left out of the output. Its constructor therefore refuses to run
 * outside `addCluster`.
 */
let creating: { readonly mesh: Mesh; readonly name: string } | undefined;

/** Runs `create` (Mesh.createCluster) as the creation of cluster `name` of `mesh`. */
export function withClusterCreation(mesh: Mesh, name: string, create: () => Cluster): Cluster {
  const outer = creating;
  creating = { mesh, name };
  try {
    const cluster = create();
    if (cluster.mesh !== mesh || cluster.name !== name) {
      throw new Error(`cluster "${name}": createCluster() returned cluster "${cluster.name}"${cluster.mesh !== mesh ? ' of another mesh' : ''}; return new YourCluster(this, name, props) with the name and props it was given`);
    }
    return cluster;
  } finally {
    creating = outer;
  }
}

/** Throws unless `Mesh.addCluster` is creating exactly this cluster (see `creating`). */
export function checkClusterCreation(mesh: Mesh, name: string): void {
  if (creating && creating.mesh === mesh && creating.name === name) return;
  throw new Error(`cluster "${name}" was constructed directly; a cluster constructed outside Mesh.addCluster() is not part of the mesh and would never be rendered.`
    + ' Fix: declare it with mesh.addCluster(name, props); to use a subclass of Cluster, subclass Mesh and override createCluster(name, props) to return new YourCluster(this, name, props)');
}
