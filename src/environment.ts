import { Construct } from 'constructs';
import type { Mesh } from './mesh';
import { DEFAULT_TOPOLOGY } from './topology/default-topology';
import { loadTopologyFile, meshFromTopology } from './topology/loader';

/** The environment variable naming the topology file. */
export const TOPOLOGY_ENV = 'MESH_TOPOLOGY';

/** The mesh the command-line tools work on: the topology file named by MESH_TOPOLOGY, else the default. */
export function meshFromEnvironment(scope: Construct, env: NodeJS.ProcessEnv = process.env): Mesh {
  const file = env[TOPOLOGY_ENV];
  return file
    ? loadTopologyFile(scope, 'mesh', file)
    : meshFromTopology(scope, 'mesh', DEFAULT_TOPOLOGY, 'the default topology');
}
