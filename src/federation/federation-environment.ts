import { Construct } from 'constructs';
import { TOPOLOGY_ENV } from '../environment';
import { MeshValidationError } from '../problem';
import { federationFromTopology, isFederationDocument } from '../topology/federation-loader';
import type { TopologySettings } from '../topology/loader';
import { readTopologyText } from '../topology/topology-text';
import type { Federation } from './federation';

/**
 * The federation of the topology file named by MESH_TOPOLOGY when it has the several-meshes form (`meshes:`),
 * else undefined (the single-mesh path handles the file, the default and every environment problem).
 */
export function federationFromEnvironment(scope: Construct, env: NodeJS.ProcessEnv, settings: TopologySettings = {}): Federation | undefined {
  const file = env[TOPOLOGY_ENV];
  if (!file) return undefined;
  const text = readTopologyText(file);
  if (!isFederationDocument(text.data)) return undefined;
  const given = Object.keys(settings);
  if (given.length > 0) {
    throw new MeshValidationError([{
      field: 'meshes', message: `the file declares several meshes, and command-line options (${given.join(', ')}) complete one mesh`,
      fix: 'write the settings into each mesh of the file, or drop the options',
    }], file);
  }
  return federationFromTopology(scope, 'federation', text.data, file, text.sourceOf);
}
