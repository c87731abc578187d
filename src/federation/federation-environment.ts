import * as fs from 'fs';
import { Construct } from 'constructs';
import { TOPOLOGY_ENV } from '../environment';
import { MeshValidationError } from '../problem';
import { federationFromTopology, isFederationDocument } from '../topology/federation-loader';
import type { TopologySettings } from '../topology/loader';
import { readTopologyText, TOPOLOGY_LIMITS } from '../topology/topology-text';
import type { Federation } from './federation';

/**
 * The federation of the topology file named by MESH_TOPOLOGY when it has the several-meshes form (`meshes:`),
 * else undefined (the single-mesh path handles the file, the default and every environment problem).
 */
export function federationFromEnvironment(scope: Construct, env: NodeJS.ProcessEnv, settings: TopologySettings = {}): Federation | undefined {
  const file = env[TOPOLOGY_ENV];
  if (!file || !mayDeclareMeshes(file)) return undefined;
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

/**
 * A cheap look at the raw text before parsing: a single-mesh file (up to thousands of clusters) must not be
 * parsed twice. Only a file with a `meshes` key at the start of a line (YAML) or a `"meshes"` key (JSON)
 * is parsed here; anything unreadable or over the size limit is left to the single-mesh path, which
 * reports it.
 */
function mayDeclareMeshes(file: string): boolean {
  try {
    // stat, not open: a FIFO would block, a device never ends; both are the single-mesh path's to report.
    const stat = fs.statSync(file);
    if (!stat.isFile() || stat.size > TOPOLOGY_LIMITS.maxBytes) return false;
    const text = fs.readFileSync(file, 'utf8');
    return /^["']?meshes["']?\s*:/m.test(text) || /"meshes"\s*:/.test(text);
  } catch {
    return false;
  }
}
