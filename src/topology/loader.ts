import * as fs from 'fs';
import * as jsyaml from 'js-yaml';
import { Construct } from 'constructs';
import { ControlPlane } from '../control-plane';
import { Mesh } from '../mesh';
import { Network } from '../network';
import { MeshValidationError, Problem, throwIfProblems } from '../problem';
import { RemoteSecretDelivery } from '../remote-secret';
import { SecretStoreKind } from '../secret-store';
import { IssuerKind, TrustSource } from '../trust';
import { checkSchema } from './schema-check';
import * as SCHEMA from './topology.schema.json';

/** One cluster entry of a topology file (see topology.schema.json for each field). */
export interface TopologyCluster {
  readonly kind?: 'Kubernetes';
  readonly clusterName: string;
  readonly network: string;
  readonly primaryClusterName?: string;
  readonly configClusterName?: string;
  readonly podSubnet?: string;
  readonly svcSubnet?: string;
  readonly apiServer?: string;
  readonly tlsServerName?: string;
  readonly region?: string;
  readonly zone?: string;
  readonly eastWestGateway?: {
    readonly enabled?: boolean;
    readonly address?: string;
    readonly serviceAnnotations?: { [key: string]: string };
  };
  readonly verificationWorkloads?: { readonly namespace?: string; readonly helloworldVersion?: string };
  readonly meta?: Record<string, unknown>;
}

/** A topology file: a mesh, or (Istio's format) a bare array of clusters. */
export interface TopologyDocument {
  readonly meshID: string;
  readonly trustDomain?: string;
  readonly secretStore?: { readonly name: string; readonly kind?: 'ClusterSecretStore' | 'SecretStore'; readonly keyPrefix?: string };
  readonly trust?: {
    readonly source?: 'externalSecrets' | 'certManager';
    readonly issuer?: { readonly name: string; readonly kind?: 'ClusterIssuer' | 'Issuer' };
    readonly duration?: string;
  };
  readonly remoteSecrets?: { readonly delivery?: 'labelledSecrets' | 'kubeconfigDirectory' };
  readonly strictMtls?: boolean;
  readonly clusters: TopologyCluster[];
}

/** Maps the file's `trust` section to a TrustSource, or a problem. */
function trustSource(trust: TopologyDocument['trust']): TrustSource | Problem {
  if (!trust || (trust.source ?? 'externalSecrets') === 'externalSecrets') {
    if (trust?.issuer || trust?.duration) {
      return { field: 'trust.issuer', message: 'is only used with source certManager', fix: 'remove trust.issuer/trust.duration or set trust.source: certManager' };
    }
    return TrustSource.externalSecrets();
  }
  if (!trust.issuer) {
    return { field: 'trust.issuer', message: 'is required with source certManager', allowed: '{ name, kind: ClusterIssuer | Issuer }', fix: 'name the cert-manager issuer that holds the mesh root, e.g. issuer: { name: mesh-root }' };
  }
  return TrustSource.certManager({
    issuerName: trust.issuer.name,
    issuerKind: trust.issuer.kind === 'Issuer' ? IssuerKind.ISSUER : IssuerKind.CLUSTER_ISSUER,
    duration: trust.duration,
  });
}

/** meshID used for Istio's own topology files, which have none (the value of Istio's docs). */
export const DEFAULT_MESH_ID = 'mesh1';

/** Reads and parses a topology file (YAML or JSON). Throws a MeshValidationError on a parse error. */
export function readTopologyFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new MeshValidationError([{ field: 'MESH_TOPOLOGY', value: file, message: `cannot be read (${(e as Error).message})`, fix: 'point MESH_TOPOLOGY at an existing YAML or JSON topology file' }], file);
  }
  try {
    return jsyaml.load(text); // JSON is YAML, so one parser reads both
  } catch (e) {
    throw new MeshValidationError([{ field: 'MESH_TOPOLOGY', value: file, message: `is not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}`, fix: 'fix the syntax at the position given' }], file);
  }
}

/** Turns a schema path into the cluster it is about and the field in topology vocabulary. */
function locate(data: unknown, path: (string | number)[]): { cluster?: string; field: string } {
  const clustersAt = Array.isArray(data) ? 0 : path[0] === 'clusters' ? 1 : -1;
  if (clustersAt >= 0 && typeof path[clustersAt] === 'number') {
    const list = (Array.isArray(data) ? data : (data as any).clusters) as any[];
    const entry = list[path[clustersAt] as number];
    const name = entry && typeof entry.clusterName === 'string' ? entry.clusterName : `#${(path[clustersAt] as number) + 1}`;
    const rest = path.slice(clustersAt + 1).join('.');
    return { cluster: name, field: rest || 'clusters' };
  }
  return { field: path.join('.') || '(top level)' };
}

/**
 * Builds a Mesh from topology data through the same constructs a TypeScript user calls. Every problem
 * (schema, references, and the mesh's own validation) is reported at once in one MeshValidationError.
 *
 * @param source names the input in error messages (e.g. the file path)
 */
export function meshFromTopology(scope: Construct, id: string, data: unknown, source = 'the topology'): Mesh {
  const schemaProblems: Problem[] = checkSchema(data, SCHEMA as any).map((i) => ({
    ...locate(data, i.path), value: i.value, message: i.message, allowed: i.allowed, fix: i.fix,
  }));
  throwIfProblems(schemaProblems, source);

  const doc: TopologyDocument = Array.isArray(data)
    ? { meshID: DEFAULT_MESH_ID, clusters: data as TopologyCluster[] }
    : data as TopologyDocument;

  const problems: Problem[] = [];
  const trust = trustSource(doc.trust);
  if (!(trust instanceof TrustSource)) problems.push(trust);
  const mesh = new Mesh(scope, id, {
    meshId: doc.meshID,
    trustDomain: doc.trustDomain,
    secretStore: doc.secretStore && {
      name: doc.secretStore.name,
      kind: doc.secretStore.kind === 'SecretStore' ? SecretStoreKind.SECRET_STORE : SecretStoreKind.CLUSTER_SECRET_STORE,
      keyPrefix: doc.secretStore.keyPrefix,
    },
    trust: trust instanceof TrustSource ? trust : undefined,
    remoteSecretDelivery: doc.remoteSecrets?.delivery === 'kubeconfigDirectory'
      ? RemoteSecretDelivery.KUBECONFIG_DIRECTORY : RemoteSecretDelivery.LABELLED_SECRETS,
    strictMtls: doc.strictMtls,
  });
  const names = new Set(doc.clusters.map((c) => c.clusterName));
  const networks = new Map<string, Network>();
  const seen = new Set<string>();

  for (const c of doc.clusters) {
    const cluster = c.clusterName;
    if (seen.has(cluster)) {
      problems.push({
        cluster, field: 'clusterName', value: cluster,
        message: `is declared more than once; cluster names are Istio cluster IDs, and two clusters named "${cluster}" would collide on the remote secret istio-remote-secret-${cluster} and its data key`,
        fix: 'give every cluster of the mesh a unique clusterName',
      });
      continue;
    }
    seen.add(cluster);
    const primary = c.primaryClusterName;
    if (primary !== undefined && primary !== cluster) {
      problems.push({
        cluster, field: 'primaryClusterName', value: primary,
        message: names.has(primary)
          ? `makes this a remote cluster of "${primary}"; the primary-remote model is not available in this version`
          : `names a cluster that is not in the topology (known: ${[...names].join(', ')})`,
        fix: names.has(primary) ? 'declare the cluster as a primary (omit primaryClusterName) until primary-remote support lands' : 'name a declared cluster, or omit the field to make this cluster a primary',
      });
      continue;
    }
    if (c.configClusterName !== undefined && c.configClusterName !== cluster) {
      problems.push({
        cluster, field: 'configClusterName', value: c.configClusterName,
        message: 'declares an external control plane; that model is not available in this version',
        fix: 'omit configClusterName (or set it to the cluster itself)',
      });
      continue;
    }
    let network = networks.get(c.network);
    if (!network) {
      network = mesh.addNetwork(c.network);
      networks.set(c.network, network);
    }
    const added = mesh.addCluster(cluster, {
      network,
      controlPlane: ControlPlane.primary(),
      podSubnet: c.podSubnet,
      svcSubnet: c.svcSubnet,
      apiServer: c.apiServer,
      tlsServerName: c.tlsServerName,
      region: c.region,
      zone: c.zone,
      eastWestGateway: c.eastWestGateway,
    });
    if (c.verificationWorkloads) added.addVerificationWorkloads(c.verificationWorkloads);
  }

  throwIfProblems([...problems, ...mesh.validate()], source);
  return mesh;
}

/** Reads a topology file and builds its Mesh (see meshFromTopology). */
export function loadTopologyFile(scope: Construct, id: string, file: string): Mesh {
  return meshFromTopology(scope, id, readTopologyFile(file), file);
}
