import { Construct } from 'constructs';
import type { Mesh } from './mesh';
import { MeshValidationError } from './problem';
import { DEFAULT_TOPOLOGY } from './topology/default-topology';
import { loadTopologyFile, meshFromTopology, TopologySettings } from './topology/loader';

/** The environment variable naming the topology file. */
export const TOPOLOGY_ENV = 'MESH_TOPOLOGY';

/**
 * The mesh the command-line tools work on: the topology file named by MESH_TOPOLOGY, else the default.
 * `settings` (command-line options) complete a topology file; they are refused without one.
 */
export function meshFromEnvironment(scope: Construct, env: NodeJS.ProcessEnv = process.env, settings: TopologySettings = {}): Mesh {
  const file = env[TOPOLOGY_ENV];
  // Set but empty is a mistake (an unset CI variable, a typo in a script): synthesizing the default mesh
  // over the user's output instead would replace their manifests with the example's.
  if (file === '') {
    throw new MeshValidationError([{
      field: TOPOLOGY_ENV, value: '', message: 'is set but empty',
      fix: `name the topology file (${TOPOLOGY_ENV}=path/to/mesh.yaml), or unset ${TOPOLOGY_ENV} to synthesize the default mesh`,
    }], 'the environment');
  }
  if (file === undefined) {
    const given = Object.keys(settings);
    if (given.length > 0) {
      throw new MeshValidationError([{
        field: TOPOLOGY_ENV, message: `is not set, but command-line options (${given.join(', ')}) complete a topology file`,
        fix: `name the topology file with ${TOPOLOGY_ENV}, or drop the options`,
      }], 'the environment');
    }
    return meshFromTopology(scope, 'mesh', DEFAULT_TOPOLOGY, 'the default topology');
  }
  return loadTopologyFile(scope, 'mesh', file, { settings });
}
