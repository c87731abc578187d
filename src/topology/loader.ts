import * as fs from 'fs';
import { Construct } from 'constructs';
import { ArgoCdProps, IstioInstallMethod } from '../argocd';
import type { Cluster } from '../cluster';
import { ControlPlane, ControlPlaneModel } from '../control-plane';
import { Mesh } from '../mesh';
import { Network } from '../network';
import { MeshValidationError, Problem, throwIfProblems } from '../problem';
import { RemoteSecretDelivery } from '../remote-secret';
import { SecretStoreKind } from '../secret-store';
import { IssuerKind, TrustSource } from '../trust';
import { addTopologyApplications, locateApplicationPath, TopologyApplication } from './applications-loader';
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
  readonly externalIstiod?: { readonly address: string; readonly tlsCredentialName?: string; readonly namespace?: string };
  readonly argoCdDestination?: { readonly name?: string; readonly server?: string };
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
  readonly argoCd?: Omit<ArgoCdProps, 'istioInstall'> & { readonly istioInstall?: 'helm' | 'sailOperator' };
  readonly clusters: TopologyCluster[];
  readonly applications?: readonly TopologyApplication[];
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
    const jsyaml: typeof import('js-yaml') = require('js-yaml'); // loaded on first use (start-up time)
    return jsyaml.load(text); // JSON is YAML, so one parser reads both
  } catch (e) {
    throw new MeshValidationError([{ field: 'MESH_TOPOLOGY', value: file, message: `is not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}`, fix: 'fix the syntax at the position given' }], file);
  }
}

/** Turns a schema path into the cluster it is about and the field in topology vocabulary. */
function locate(data: unknown, path: (string | number)[]): { cluster?: string; field: string } {
  if (path[0] === 'applications' && !Array.isArray(data)) return { field: locateApplicationPath(data, path) };
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
    argoCd: doc.argoCd && {
      ...doc.argoCd,
      istioInstall: doc.argoCd.istioInstall === 'sailOperator' ? IstioInstallMethod.SAIL_OPERATOR : IstioInstallMethod.HELM,
    },
  });
  const byName = new Map<string, TopologyCluster>();
  for (const c of doc.clusters) {
    if (byName.has(c.clusterName)) {
      problems.push({
        cluster: c.clusterName, field: 'clusterName', value: c.clusterName,
        message: `is declared more than once; cluster names are Istio cluster IDs, and two clusters named "${c.clusterName}" would collide on the remote secret istio-remote-secret-${c.clusterName} and its data key`,
        fix: 'give every cluster of the mesh a unique clusterName',
      });
    } else {
      byName.set(c.clusterName, c);
    }
  }

  // Istio's topology vocabulary: primaryClusterName names the cluster whose istiod serves this one, and
  // configClusterName the cluster holding the mesh config. A cluster serving itself is a primary, unless
  // its config lives in another cluster: then it hosts an external control plane.
  const modelOf = (c: TopologyCluster) => {
    const self = c.clusterName;
    if ((c.primaryClusterName ?? self) !== self) return ControlPlaneModel.REMOTE;
    return (c.configClusterName ?? self) !== self ? ControlPlaneModel.EXTERNAL : ControlPlaneModel.PRIMARY;
  };
  // Clusters that serve others first, so that remotes can name them.
  const ordered = [...byName.values()].sort((x, y) => Number(modelOf(x) === ControlPlaneModel.REMOTE) - Number(modelOf(y) === ControlPlaneModel.REMOTE));
  const networks = new Map<string, Network>();
  const added = new Map<string, Cluster>();

  for (const c of ordered) {
    const cluster = c.clusterName;
    const model = modelOf(c);
    let controlPlane: ControlPlane;
    if (model === ControlPlaneModel.REMOTE) {
      const primary = c.primaryClusterName!;
      const servedBy = added.get(primary);
      if (!servedBy) {
        const entry = byName.get(primary);
        // A serving cluster that could not be declared has its own problem reported already.
        if (entry && modelOf(entry) !== ControlPlaneModel.REMOTE) continue;
        problems.push({
          cluster, field: 'primaryClusterName', value: primary,
          message: entry
            ? `names "${primary}", which is itself a remote cluster (of "${entry.primaryClusterName}"); a remote must name the cluster whose istiod serves it, and chains or cycles of remotes are not possible`
            : `names a cluster that is not in the topology (known: ${[...byName.keys()].join(', ')})`,
          fix: entry ? `name the primary (or external control plane) that serves "${primary}"` : 'name a declared cluster, or omit the field to make this cluster a primary',
        });
        continue;
      }
      const external = servedBy.controlPlane.model === ControlPlaneModel.EXTERNAL;
      const config = c.configClusterName;
      if (!external && config !== undefined && config !== primary) {
        problems.push({
          cluster, field: 'configClusterName', value: config,
          message: `must be the primary "${primary}" (or omitted) for a remote of a primary: the primary's istiod reads the mesh config from its own cluster`,
          fix: 'omit configClusterName',
        });
        continue;
      }
      controlPlane = ControlPlane.remote(servedBy, { configCluster: external && config === cluster });
    } else if (model === ControlPlaneModel.EXTERNAL) {
      if (!c.externalIstiod) {
        problems.push({
          cluster, field: 'externalIstiod.address',
          message: `is missing: this cluster hosts an external control plane (configClusterName "${c.configClusterName}"), and its remotes need the external istiod's address at install time (injectionURL, validationURL or remotePilotAddress); the docs read it from the ingress gateway's LoadBalancer, which GitOps cannot`,
          allowed: 'a DNS name with a TLS certificate (production) or a static IP',
          fix: 'add externalIstiod: { address: <DNS name or IP>, tlsCredentialName: <TLS Secret in istio-system> }',
        });
        continue;
      }
      controlPlane = ControlPlane.external({
        address: c.externalIstiod.address, tlsCredentialName: c.externalIstiod.tlsCredentialName, namespace: c.externalIstiod.namespace,
      });
    } else {
      controlPlane = ControlPlane.primary();
    }
    if (c.externalIstiod && model !== ControlPlaneModel.EXTERNAL) {
      problems.push({
        cluster, field: 'externalIstiod', message: 'is only for a cluster hosting an external control plane',
        fix: 'remove it, or set configClusterName to the remote that holds the mesh config to make this cluster an external control plane',
      });
    }
    let network = networks.get(c.network);
    if (!network) {
      network = mesh.addNetwork(c.network);
      networks.set(c.network, network);
    }
    const cl = mesh.addCluster(cluster, {
      network,
      controlPlane,
      podSubnet: c.podSubnet,
      svcSubnet: c.svcSubnet,
      apiServer: c.apiServer,
      tlsServerName: c.tlsServerName,
      region: c.region,
      zone: c.zone,
      eastWestGateway: c.eastWestGateway,
      argoCdDestination: c.argoCdDestination,
    });
    if (c.verificationWorkloads) cl.addVerificationWorkloads(c.verificationWorkloads);
    added.set(cluster, cl);
  }

  addTopologyApplications(mesh, doc.applications, problems);

  // When declarations were already rejected, "the mesh has no cluster" would only restate them.
  const meshProblems = mesh.validate().filter((p) => !(problems.length > 0 && p.field === 'clusters'));
  throwIfProblems([...problems, ...meshProblems], source);
  return mesh;
}

/** Reads a topology file and builds its Mesh (see meshFromTopology). */
export function loadTopologyFile(scope: Construct, id: string, file: string): Mesh {
  return meshFromTopology(scope, id, readTopologyFile(file), file);
}
