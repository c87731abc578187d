import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import { ArgoCdProps, IstioInstallMethod } from '../argocd';
import { PrerequisiteInstall } from '../argocd-prerequisites';
import type { Cluster } from '../cluster';
import { ControlPlane, ControlPlaneModel } from '../control-plane';
import { Mesh, MeshProps } from '../mesh';
import { Network } from '../network';
import { MeshValidationError, Problem, throwIfProblems } from '../problem';
import { RemoteSecretDelivery } from '../remote-secret';
import { SecretStoreKind } from '../secret-store';
import { IssuerKind, TrustSource } from '../trust';
import type { EastWestGatewayOptions } from '../east-west-gateway';
import type { GatewayDeploymentOptions } from '../gateway-chart';
import type { InstallValues } from '../install-values/install-values';
import type { TenancyProps } from '../tenancy/mesh-tenancy';
import { addTopologyTenants, TopologyTenant } from './tenants-loader';
import { addTopologyApplications, locateApplicationPath, TopologyApplication } from './applications-loader';
import { addTopologyVmGroups, TopologyVmGroup } from './vm-groups-loader';
import { addTopologyRevisions, dataPlaneModeOf, meshAmbientProps, TopologyRevisions } from './revisions-loader';
import { checkSchema } from './schema-check';
import { readTopologyText, TopologyText } from './topology-text';
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
  readonly eastWestGateway?: EastWestGatewayOptions;
  readonly installValues?: InstallValues;
  readonly ingressGateway?: GatewayDeploymentOptions;
  readonly externalIstiod?: { readonly address: string; readonly tlsCredentialName?: string; readonly namespace?: string };
  readonly argoCdDestination?: { readonly name?: string; readonly server?: string };
  readonly kubernetesVersion?: string;
  readonly dataPlaneMode?: 'sidecar' | 'ambient';
  readonly revisions?: readonly string[];
  readonly verificationWorkloads?: { readonly namespace?: string; readonly helloworldVersion?: string };
  readonly meta?: Record<string, unknown>;
}

/** How a prerequisite operator is installed (topology form of PrerequisiteProps). */
export interface TopologyPrerequisite {
  readonly install?: 'argocd' | 'preinstalled' | 'appOfApps';
  readonly syncWave?: number;
}

const PREREQUISITE_INSTALL: Record<NonNullable<TopologyPrerequisite['install']>, PrerequisiteInstall> = {
  argocd: PrerequisiteInstall.ARGOCD, preinstalled: PrerequisiteInstall.PREINSTALLED, appOfApps: PrerequisiteInstall.APP_OF_APPS,
};

function prerequisite(p: TopologyPrerequisite | undefined) {
  return p && { install: p.install && PREREQUISITE_INSTALL[p.install], syncWave: p.syncWave };
}

/** A topology file: a mesh, or (Istio's format) a bare array of clusters. */
export interface TopologyDocument extends TopologyRevisions {
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
  readonly argoCd?: Omit<ArgoCdProps, 'istioInstall' | 'prerequisites'> & {
    readonly istioInstall?: 'helm' | 'sailOperator';
    readonly prerequisites?: { readonly [K in 'externalSecrets' | 'certManager']?: TopologyPrerequisite };
  };
  readonly clusters: TopologyCluster[];
  readonly applications?: readonly TopologyApplication[];
  readonly installValues?: InstallValues;
  readonly vmNetworks?: readonly string[];
  readonly vmGroups?: readonly TopologyVmGroup[];
  readonly tenants?: readonly TopologyTenant[];
  readonly tenancy?: TenancyProps;
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

/** Clusters one topology may declare: beyond this, validation and output are no longer interactive. */
export const MAX_CLUSTERS = 5_000;

/** Names listed in one message at most (a message per cluster listing every cluster would be quadratic). */
const MAX_LISTED = 10;

/** `"a", "b", … and N more`: a list of names capped at MAX_LISTED. */
function listNames(names: readonly string[]): string {
  const shown = names.slice(0, MAX_LISTED).map((n) => JSON.stringify(n)).join(', ');
  return names.length > MAX_LISTED ? `${shown} and ${names.length - MAX_LISTED} more` : shown;
}

/**
 * Mesh-level settings given outside the topology document (the synth app's command-line options), for
 * Istio's bare-array topology files, which cannot carry them. A setting also present in the document
 * must agree with it.
 */
export interface TopologySettings {
  readonly meshID?: string;
  readonly trustDomain?: string;
  readonly secretStore?: { readonly name: string; readonly kind?: 'ClusterSecretStore' | 'SecretStore' };
}

/** Options of {@link meshFromTopology}. */
export interface TopologyOptions {
  /** The source text of each scalar (see TopologyText), for messages that show the value as written. */
  readonly sourceOf?: TopologyText['sourceOf'];
  /** Settings from outside the document (command-line options). */
  readonly settings?: TopologySettings;
  /**
   * Creates the mesh, so that a subclass of Mesh can be loaded from a file:
   * `{ meshFactory: (scope, id, props) => new MyMesh(scope, id, props) }`. Everything the file declares
   * is then added to the mesh it returns, through the same methods a TypeScript user calls.
   * @default - `new Mesh(scope, id, props)`
   */
  readonly meshFactory?: MeshFactory;
}

/** Creates a Mesh (or a subclass of it) from the props read from a topology file. */
export type MeshFactory = (scope: Construct, id: string, props: MeshProps) => Mesh;

/** Options of {@link loadTopologyFile}. */
export type LoadTopologyOptions = Pick<TopologyOptions, 'settings' | 'meshFactory'>;

/** Reads and parses a topology file (YAML or JSON). Throws a MeshValidationError on a parse error or a limit hit. */
export function readTopologyFile(file: string): unknown {
  return readTopologyText(file).data;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Resolves `clustersFrom`: the file is relative to the topology file and must stay inside its directory
 * (a topology from a pull request must not read other files of the CI machine), and holds a bare array.
 */
function withClustersFrom(file: string, top: TopologyText): TopologyText {
  const data = top.data;
  if (!isObject(data) || !Object.prototype.hasOwnProperty.call(data, 'clustersFrom')) return top;
  const ref = data.clustersFrom;
  const problem = (message: string, fix: string): never => {
    throw new MeshValidationError([{ field: 'clustersFrom', value: top.sourceOf(['clustersFrom']) ?? ref, message, allowed: 'a relative path to a JSON or YAML file in the directory of the topology file (or below it)', fix }], file);
  };
  if (Object.prototype.hasOwnProperty.call(data, 'clusters')) problem('is given together with clusters', 'keep one of them');
  if (typeof ref !== 'string' || ref === '') return problem('must name a file', 'write the path of the file holding the clusters, e.g. clustersFrom: multicluster.json');
  const dir = path.dirname(path.resolve(file));
  const target = path.resolve(dir, ref);
  const inside = (base: string, p: string) => p.startsWith(base.endsWith(path.sep) ? base : base + path.sep);
  if (path.isAbsolute(ref) || !inside(dir, target)) problem('leaves the directory of the topology file', 'put the clusters file beside the topology file (or below it) and name it relatively');
  // Symbolic links are followed, then checked again: a link must not lead out of the directory either.
  let real: string;
  try {
    real = fs.realpathSync(target);
  } catch {
    return problem('names a file that does not exist', 'create the file, or fix the path (it is relative to the topology file)');
  }
  if (!inside(fs.realpathSync(dir), real)) problem('leads out of the directory of the topology file through a symbolic link', 'copy the clusters file beside the topology file');
  const inner = readTopologyText(target, 'clustersFrom');
  if (!Array.isArray(inner.data)) problem('names a file that does not hold a list of clusters', 'the file must be a bare array of clusters, as Istio\'s topology files are');
  const { clustersFrom: _ref, ...rest } = data;
  return {
    data: { ...rest, clusters: inner.data },
    sourceOf: (p) => (p[0] === 'clusters' ? inner.sourceOf(p.slice(1)) : top.sourceOf(p)),
  };
}

/** Applies settings from outside the document; a conflict with the document is a problem. */
function withSettings(data: unknown, settings: TopologySettings | undefined): { data: unknown; problems: Problem[] } {
  const given = Object.entries(settings ?? {}).filter(([, v]) => v !== undefined) as [keyof TopologySettings, unknown][];
  if (Array.isArray(data)) {
    return { data: { meshID: DEFAULT_MESH_ID, ...Object.fromEntries(given), clusters: data }, problems: [] };
  }
  if (!isObject(data) || given.length === 0) return { data, problems: [] };
  const problems: Problem[] = [];
  const merged: Record<string, unknown> = { ...data };
  for (const [key, v] of given) {
    if (!Object.prototype.hasOwnProperty.call(data, key)) {
      merged[key] = v;
    } else if (JSON.stringify(data[key]) !== JSON.stringify(v)) {
      problems.push({ field: key, value: data[key], message: `is set in the topology and differently on the command line (${JSON.stringify(v)})`, fix: 'set it in one place' });
    }
  }
  return { data: merged, problems };
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
export function meshFromTopology(scope: Construct, id: string, input: unknown, source = 'the topology', options: TopologyOptions = {}): Mesh {
  const bareArray = Array.isArray(input);
  const { data, problems: settingProblems } = withSettings(input, options.settings);
  // Paths of a bare array start at the array; the schema sees it under `clusters`.
  const sourceOf = options.sourceOf && (bareArray ? (p: readonly (string | number)[]) => options.sourceOf!(p.slice(1)) : options.sourceOf);
  if (isObject(data) && Object.prototype.hasOwnProperty.call(data, 'clustersFrom')) {
    throwIfProblems([{ field: 'clustersFrom', value: data.clustersFrom, message: 'is only read from a topology file (it is relative to the file)', fix: 'pass the clusters in clusters' }], source);
  }
  const clusterCount = isObject(data) && Array.isArray(data.clusters) ? data.clusters.length : 0;
  if (clusterCount > MAX_CLUSTERS) {
    throwIfProblems([{ field: 'clusters', value: clusterCount, message: `declares more clusters than one synth supports`, allowed: `at most ${MAX_CLUSTERS} clusters`, fix: 'split the mesh into several topologies' }], source);
  }
  const schemaProblems: Problem[] = checkSchema(data, SCHEMA as any, { sourceOf }).map((i) => ({
    ...locate(data, i.path), value: i.value, message: i.message, allowed: i.allowed, fix: i.fix,
  }));
  throwIfProblems([...settingProblems, ...schemaProblems], source);

  const doc = data as TopologyDocument;
  const problems: Problem[] = [];
  const trust = trustSource(doc.trust);
  if (!(trust instanceof TrustSource)) problems.push(trust);
  const mesh = (options.meshFactory ?? ((sc, i, props) => new Mesh(sc, i, props)))(scope, id, {
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
    installValues: doc.installValues,
    ...meshAmbientProps(doc),
    tenancy: doc.tenancy,
    argoCd: doc.argoCd && {
      ...doc.argoCd,
      istioInstall: doc.argoCd.istioInstall === 'sailOperator' ? IstioInstallMethod.SAIL_OPERATOR : IstioInstallMethod.HELM,
      prerequisites: doc.argoCd.prerequisites && {
        externalSecrets: prerequisite(doc.argoCd.prerequisites.externalSecrets),
        certManager: prerequisite(doc.argoCd.prerequisites.certManager),
      },
    },
  });
  // The constructs library keys a construct's children by id in a plain object, and names networks
  // `network-<name>` beside the clusters: such names would crash the construction instead of being reported.
  const networkNames = new Set(doc.clusters.map((c) => c.network));
  const byName = new Map<string, TopologyCluster>();
  for (const c of doc.clusters) {
    const name = c.clusterName;
    if (byName.has(name)) {
      problems.push({
        cluster: name, field: 'clusterName', value: name,
        message: `is declared more than once; cluster names are Istio cluster IDs, and two clusters named "${name}" would collide on the remote secret istio-remote-secret-${name} and its data key`,
        fix: 'give every cluster of the mesh a unique clusterName',
      });
    } else if (name in Object.prototype) {
      problems.push({
        cluster: name, field: 'clusterName', value: name,
        message: 'is the name of a member of every JavaScript object, which the constructs library (cdk8s) cannot hold as a construct name',
        fix: 'choose another clusterName',
      });
    } else if (name.startsWith('network-') && networkNames.has(name.slice('network-'.length))) {
      problems.push({
        cluster: name, field: 'clusterName', value: name,
        message: `collides with the construct of network "${name.slice('network-'.length)}" (networks are named network-<name> in the constructs tree)`,
        fix: 'rename the cluster or the network',
      });
    } else {
      byName.set(name, c);
    }
  }
  const known = listNames([...byName.keys()]);
  for (const c of byName.values()) {
    for (const field of ['primaryClusterName', 'configClusterName'] as const) {
      const ref = c[field];
      if (ref !== undefined && !byName.has(ref)) {
        problems.push({
          cluster: c.clusterName, field, value: ref,
          message: `names "${ref}", a cluster that is not in the topology (its clusters: ${known})`,
          fix: field === 'primaryClusterName'
            ? 'name a declared cluster (names are case-sensitive), or omit the field to make this cluster a primary'
            : 'name a declared cluster (names are case-sensitive), or omit the field',
        });
      }
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
  // Every cluster is declared, even one whose control plane is wrong, so that one synth reports every
  // problem of every cluster. A cluster declared with a stand-in (a stand-in serving cluster, a
  // placeholder address) has the mesh's problems on the stand-in fields dropped: they would restate the
  // loader's problem, or be about the stand-in.
  const standIn = new Map<string, RegExp>();
  // A server that serves declared remotes first: a stand-in remote adds nothing new to its problems.
  const servesCount = new Map<string, number>();
  for (const c of byName.values()) if (c.primaryClusterName !== undefined) servesCount.set(c.primaryClusterName, (servesCount.get(c.primaryClusterName) ?? 0) + 1);
  let standInServer: Cluster | undefined;

  for (const c of ordered) {
    const cluster = c.clusterName;
    const model = modelOf(c);
    let controlPlane: ControlPlane;
    if (model === ControlPlaneModel.REMOTE) {
      const primary = c.primaryClusterName!;
      let servedBy = added.get(primary);
      if (!servedBy) {
        const entry = byName.get(primary);
        if (entry) {
          problems.push({
            cluster, field: 'primaryClusterName', value: primary,
            message: `names "${primary}", which is itself a remote cluster (of "${entry.primaryClusterName}"); a remote must name the cluster whose istiod serves it, and chains or cycles of remotes are not possible`,
            fix: `name the primary (or external control plane) that serves "${primary}"`,
          });
        }
        servedBy = standInServer;
        standIn.set(cluster, /^(primaryClusterName|configClusterName|eastWestGateway\.enabled|controlPlane\b)/);
      }
      const external = servedBy?.controlPlane.model === ControlPlaneModel.EXTERNAL;
      const config = c.configClusterName;
      if (servedBy && !standIn.has(cluster) && !external && config !== undefined && config !== primary && byName.has(config)) {
        problems.push({
          cluster, field: 'configClusterName', value: config,
          message: `must be the primary "${primary}" (or omitted) for a remote of a primary: the primary's istiod reads the mesh config from its own cluster`,
          fix: 'omit configClusterName',
        });
      }
      // With no cluster able to serve it, the remote is checked as a primary (its control-plane fields excepted).
      controlPlane = servedBy ? ControlPlane.remote(servedBy, { configCluster: external && config === cluster }) : ControlPlane.primary();
    } else if (model === ControlPlaneModel.EXTERNAL) {
      if (!c.externalIstiod) {
        problems.push({
          cluster, field: 'externalIstiod.address',
          message: `is missing: this cluster hosts an external control plane (configClusterName "${c.configClusterName}"), and its remotes need the external istiod's address at install time (injectionURL, validationURL or remotePilotAddress); the docs read it from the ingress gateway's LoadBalancer, which GitOps cannot`,
          allowed: 'a DNS name with a TLS certificate (production) or a static IP',
          fix: 'add externalIstiod: { address: <DNS name or IP>, tlsCredentialName: <TLS Secret in istio-system> }',
        });
        standIn.set(cluster, /^externalIstiod\b/);
      }
      // RFC 2606's .invalid: a placeholder that can never resolve, only used to go on validating.
      controlPlane = ControlPlane.external(c.externalIstiod
        ? { address: c.externalIstiod.address, tlsCredentialName: c.externalIstiod.tlsCredentialName, namespace: c.externalIstiod.namespace }
        : { address: 'external-istiod.invalid', tlsCredentialName: 'external-istiod-placeholder' });
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
      installValues: c.installValues,
      ingressGateway: c.ingressGateway,
      kubernetesVersion: c.kubernetesVersion,
      dataPlaneMode: dataPlaneModeOf(c.dataPlaneMode),
      revisions: c.revisions,
    });
    if (c.verificationWorkloads) cl.addVerificationWorkloads(c.verificationWorkloads);
    added.set(cluster, cl);
    if (model !== ControlPlaneModel.REMOTE && (!standInServer || (servesCount.get(cluster) ?? 0) > (servesCount.get(standInServer.name) ?? 0))) {
      standInServer = cl;
    }
  }

  const resolveVmCalls = addTopologyVmGroups(mesh, doc.vmNetworks, doc.vmGroups, (doc.applications ?? []).map((a) => a.name), problems);
  addTopologyApplications(mesh, doc.applications, problems);
  resolveVmCalls();
  addTopologyRevisions(mesh, doc);
  addTopologyTenants(mesh, doc.tenants, problems);

  // When declarations were already rejected, "the mesh has no cluster" would only restate them.
  const meshProblems = mesh.validate().filter((p) => !(problems.length > 0 && p.field === 'clusters')
    && !(p.cluster !== undefined && standIn.get(p.cluster)?.test(p.field)));
  const all = [...problems, ...meshProblems];
  if (bareArray) {
    // The mesh's fix says "add secretStore: ..."; a bare array cannot, so say how it can.
    throwIfProblems(all.map((p) => (p.field === 'secretStore' && p.cluster === undefined
      ? { ...p, fix: 'a bare array of clusters cannot carry it: pass --secret-store <store name> to the synth app, or wrap the array in a topology: { meshID: mesh1, secretStore: { name: <store> }, clustersFrom: <this file> }' }
      : p)), source);
  }
  throwIfProblems(all, source);
  return mesh;
}

/**
 * Reads a topology file and builds its Mesh (see meshFromTopology); `options.settings` come from the
 * command line, `options.meshFactory` creates a Mesh subclass.
 */
export function loadTopologyFile(scope: Construct, id: string, file: string, options: LoadTopologyOptions = {}): Mesh {
  const text = withClustersFrom(file, readTopologyText(file));
  return meshFromTopology(scope, id, text.data, file, { sourceOf: text.sourceOf, settings: options.settings, meshFactory: options.meshFactory });
}
