import { Construct } from 'constructs';
import { cidrsOverlap, parseCidrList } from './cidr';
import { AmbientProps, DataPlaneMode, MeshAmbient } from './ambient/mesh-ambient';
import { Application, ApplicationProps } from './application/application';
import { MeshApplications } from './application/mesh-applications';
import { argoCdApplicationName, ArgoCdApplications, ArgoCdProps, ArgoCdSettings, IstioInstallMethod } from './argocd';
import { PrerequisiteInstall } from './argocd-prerequisites';
import { Cluster, ClusterProps } from './cluster';
import { withClusterCreation } from './cluster-creation';
import { ControlPlaneModel } from './control-plane';
import { EndpointDiscovery, endpointDiscoveryGraph } from './endpoint-discovery';
import { DEFAULT_TRUST_DOMAIN } from './install-inputs';
import { InstallValues, installValuesProblems } from './install-values/install-values';
import { ISTIO_SYSTEM_NAMESPACE } from './istio';
import { firstUnsafeCharacter, isDnsLabel, isDnsSubdomain, isLabelValue, isTrustDomain } from './names';
import { Network } from './network';
import { annotateSyncWave, apiObjectsOf } from './phase';
import { formatProblem, Problem, throwIfProblems } from './problem';
import { RemoteSecretDelivery } from './remote-secret';
import { MeshRevisions } from './revisions/mesh-revisions';
import { Revision, RevisionProps, RevisionTag } from './revisions/revision';
import { SecretStore, SecretStoreProps } from './secret-store';
import { MeshTenancy, TenancyProps } from './tenancy/mesh-tenancy';
import { Tenant, TenantProps } from './tenancy/tenant';
import { certificateDurationProblem, TrustSource } from './trust';
import { checkRepoUrl, checkUrl, isUrl } from './url';
import { MeshVmGroups } from './vm/mesh-vm-groups';
import { VmGroup, VmGroupProps } from './vm/vm-group';

/** Relationships derived from the declared clusters. */
interface MeshIndex {
  readonly revision: number;
  readonly edges: readonly EndpointDiscovery[];
  readonly byConsumer: ReadonlyMap<Cluster, readonly EndpointDiscovery[]>;
  readonly bySource: ReadonlyMap<Cluster, readonly EndpointDiscovery[]>;
  readonly served: ReadonlyMap<Cluster, readonly Cluster[]>;
  readonly byNetwork: ReadonlyMap<Network, readonly Cluster[]>;
  readonly multiNetwork: boolean;
}

let meshRevisions = 0;

/** Props of a {@link Mesh}. */
export interface MeshProps {
  /**
   * The mesh ID (`global.meshID`), the same on every cluster of the mesh.
   * @see https://istio.io/latest/docs/setup/install/multicluster/before-you-begin/
   */
  readonly meshId: string;

  /**
   * The trust domain (`meshConfig.trustDomain`) shared by the clusters' workload identities.
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;

  /**
   * The External Secrets Operator store holding the mesh's secret material (reader tokens, CA keys).
   * Required as soon as the mesh has more than one cluster (remote secrets) or the trust source is
   * External Secrets.
   * @default - none
   */
  readonly secretStore?: SecretStoreProps;

  /**
   * Where each cluster's `cacerts` (intermediate CA under the shared mesh root) comes from.
   * @default TrustSource.externalSecrets()
   */
  readonly trust?: TrustSource;

  /**
   * How remote kubeconfigs reach the consuming istiod.
   * @default RemoteSecretDelivery.LABELLED_SECRETS
   */
  readonly remoteSecretDelivery?: RemoteSecretDelivery;

  /**
   * Mesh-wide strict mTLS (PeerAuthentication `default`, mode STRICT, in the control-plane namespace of
   * every cluster running istiod). Turn off only while migrating workloads that still send plain text.
   * @default true
   */
  readonly strictMtls?: boolean;

  /**
   * Argo CD delivery: with these settings synth also writes `dist/_argocd/`, one Application per cluster.
   * @default - no Argo CD output
   */
  readonly argoCd?: ArgoCdProps;

  /**
   * Istio install values for every cluster (image hub and tag, istiod resources and scheduling, mesh
   * config, raw chart values), merged into the Helm values, IstioOperators, Sail resources and Argo CD
   * Applications; a cluster's own `installValues` are merged over them.
   * @default - none
   */
  readonly installValues?: InstallValues;

  /**
   * How workloads join the mesh: sidecars, or ambient (multi-primary on several networks; see MeshAmbient).
   * @default DataPlaneMode.SIDECAR
   */
  readonly dataPlaneMode?: DataPlaneMode;

  /** Ambient settings (with dataPlaneMode AMBIENT). @default {} */
  readonly ambient?: AmbientProps;

  /** Mesh-wide settings of namespace tenancy (used once tenants are declared with addTenant). @default - see TenancyProps */
  readonly tenancy?: TenancyProps;
}

const MESH_SYMBOL = Symbol.for('cdk8s-istio-multicluster.Mesh');
const UNBUILT_MESH = 'the mesh was not built, so cdk8s\'s App.synth() would leave it out of the output.'
  + ' Fix: create your app as new MeshApp() instead of new App(), so that app.synth() (and cdk8s synth) writes the mesh with its'
  + ' phase folders, install inputs and Argo CD Applications; or call synthesizeMesh(mesh, { outdir }) from a script';

/**
 * An Istio service mesh spanning one or more clusters on one or more networks: the registry of its
 * networks and clusters and the place of every mesh-wide check.
 *
 * The flow is one-directional: declare networks and clusters, `validate()` (every problem at once),
 * then `build()` creates each cluster's objects, which the writer (`synthesizeMesh`) emits.
 *
 * @see https://istio.io/latest/docs/ops/deployment/deployment-models/
 */
export class Mesh extends Construct {
  /** The mesh ID. */
  public readonly meshId: string;
  /** The trust domain. */
  public readonly trustDomain: string;
  /** The namespace of the control plane on every cluster. */
  public readonly controlPlaneNamespace = ISTIO_SYSTEM_NAMESPACE;
  /** The secret store, if declared. */
  public readonly secretStore?: SecretStore;
  /** Where `cacerts` comes from. */
  public readonly trust: TrustSource;
  /** How remote kubeconfigs reach istiod. */
  public readonly remoteSecretDelivery: RemoteSecretDelivery;
  /** Whether mesh-wide strict mTLS is on. */
  public readonly strictMtls: boolean;
  /** Argo CD delivery settings, if any. */
  public readonly argoCd?: ArgoCdSettings;
  /** Mesh-wide install values, if any. */
  public readonly installValues?: InstallValues;
  /** The Argo CD Applications (after build, when `argoCd` is set). */
  public argoCdApplications?: ArgoCdApplications;

  private readonly _networks = new Map<string, Network>();
  private readonly _clusters = new Map<string, Cluster>();
  /** The applications and the index relating them to clusters. */
  public readonly applications: MeshApplications;
  /** The VM groups and which cluster each joins. */
  public readonly vmGroups: MeshVmGroups;
  /** The control-plane revisions and revision tags (none: the unrevisioned istiod of the docs). */
  public readonly revisions: MeshRevisions = new MeshRevisions(this);
  /** The data-plane mode and its ambient outputs. */
  public readonly ambient: MeshAmbient;
  /** The namespace tenants. */
  public readonly tenancy: MeshTenancy;
  private built = false;
  /** Derived relationships, computed once per shape of the mesh (a mesh of hundreds of clusters asks often). */
  private index?: MeshIndex;

  constructor(scope: Construct, id: string, props: MeshProps) {
    super(scope, id);
    this.meshId = props.meshId;
    this.trustDomain = props.trustDomain ?? DEFAULT_TRUST_DOMAIN;
    this.secretStore = props.secretStore ? new SecretStore(props.secretStore, props.meshId) : undefined;
    this.trust = props.trust ?? TrustSource.externalSecrets();
    this.remoteSecretDelivery = props.remoteSecretDelivery ?? RemoteSecretDelivery.LABELLED_SECRETS;
    this.strictMtls = props.strictMtls ?? true;
    this.argoCd = props.argoCd ? new ArgoCdSettings(props.argoCd) : undefined;
    this.installValues = props.installValues;
    this.applications = new MeshApplications(this, () => { this.index = undefined; });
    this.vmGroups = new MeshVmGroups(this, () => { this.index = undefined; });
    this.ambient = new MeshAmbient(this, props.dataPlaneMode, props.ambient);
    this.tenancy = new MeshTenancy(this, props.tenancy);
    // Plain `App.synth()` users get the same checks as `synthesizeMesh()`.
    this.node.addValidation({ validate: () => this.validate().map(formatProblem) });
    // cdk8s's own App.synth() would write the unbuilt mesh as nothing at all, silently (issue 11).
    this.node.addValidation({ validate: () => (this.built ? [] : [UNBUILT_MESH]) });
    Object.defineProperty(this, MESH_SYMBOL, { value: true });
  }

  /** Whether `x` is a Mesh (also one made by another copy of this library). */
  public static isMesh(x: unknown): x is Mesh {
    return x !== null && typeof x === 'object' && MESH_SYMBOL in x;
  }

  /** Declares a network. Network names are unique in a mesh. */
  public addNetwork(name: string): Network {
    if (this._networks.has(name)) {
      throw new Error(`network "${name}" is declared twice in mesh "${this.meshId}"; declare each network once and reuse the returned Network`);
    }
    const network = new Network(this, name);
    this._networks.set(name, network);
    this.index = undefined;
    return network;
  }

  /** Declares a cluster. Cluster names are unique in a mesh: they are Istio cluster IDs. */
  public addCluster(name: string, props: ClusterProps): Cluster {
    if (this._clusters.has(name)) {
      throw new Error(`cluster "${name}" is declared twice in mesh "${this.meshId}"; cluster names are Istio cluster IDs and must be unique`);
    }
    if (props.network.mesh !== this) {
      throw new Error(`cluster "${name}": network "${props.network.name}" belongs to another mesh; create it with this mesh's addNetwork()`);
    }
    const cluster = withClusterCreation(this, name, () => this.createCluster(name, props));
    this._clusters.set(name, cluster);
    this.index = undefined;
    return cluster;
  }

  /**
   * Creates the construct of a cluster `addCluster` declares: override it to use a subclass of Cluster
   * (`return new MyCluster(this, name, props)`). Clusters exist only through `addCluster` (a Cluster
   * constructed anywhere else throws: it would never be rendered).
   */
  protected createCluster(name: string, props: ClusterProps): Cluster {
    return new Cluster(this, name, props);
  }

  /**
   * Declares an application: services and workloads in one namespace, placed on clusters.
   * @see Application
   */
  public addApplication(name: string, props: ApplicationProps = {}): Application {
    return this.applications.add(name, props);
  }

  /**
   * Declares a group of virtual machines joining the mesh.
   * @see VmGroup
   */
  public addVmGroup(name: string, props: VmGroupProps): VmGroup {
    return this.vmGroups.add(name, props);
  }

  /**
   * Declares a namespace tenant: namespaces it owns across the clusters, isolated from other tenants.
   * @see Tenant
   */
  public addTenant(name: string, props: TenantProps): Tenant {
    return this.tenancy.add(name, props);
  }

  /** Declares a control-plane revision installed on every cluster (see MeshRevisions). */
  public addRevision(name: string, props: RevisionProps = {}): Revision {
    return this.revisions.add(name, props);
  }

  /** Declares a revision tag pointing at a revision. */
  public addRevisionTag(name: string, revision: Revision | string): RevisionTag {
    return this.revisions.addTag(name, revision);
  }

  /** Labels of a cluster's workload namespaces: ambient enrolment or injection, and the revision tag. */
  public namespaceLabels(cluster: Cluster): { [key: string]: string } {
    if (this.ambient.workloadMode(cluster) !== DataPlaneMode.AMBIENT) return this.revisions.namespaceLabels();
    return { ...this.ambient.namespaceLabels(), ...(this.revisions.enabled ? this.revisions.namespaceLabels() : {}) };
  }

  /** The networks, in declaration order. */
  public get networks(): Network[] {
    return [...this._networks.values()];
  }

  /** The clusters, in declaration order. */
  public get clusters(): Cluster[] {
    return [...this._clusters.values()];
  }

  /** A cluster by name. */
  public cluster(name: string): Cluster | undefined {
    return this._clusters.get(name);
  }

  /** True when the mesh's clusters are on more than one network (east-west gateways needed). */
  public get isMultiNetwork(): boolean {
    return this.derived.multiNetwork;
  }

  /** The endpoint-discovery graph: which istiod reads which cluster's API server (remote secrets). */
  public get endpointDiscovery(): readonly EndpointDiscovery[] {
    return this.derived.edges;
  }

  /** The edges whose consumer (`asConsumer`) or source is `cluster`. */
  public endpointDiscoveryOf(cluster: Cluster): { readonly asConsumer: readonly EndpointDiscovery[]; readonly asSource: readonly EndpointDiscovery[] } {
    const d = this.derived;
    return { asConsumer: d.byConsumer.get(cluster) ?? [], asSource: d.bySource.get(cluster) ?? [] };
  }

  /** The clusters whose control plane names `cluster` as the one serving them. */
  public clustersServedBy(cluster: Cluster): readonly Cluster[] {
    return this.derived.served.get(cluster) ?? [];
  }

  /** The clusters of a network. */
  public clustersOn(network: Network): readonly Cluster[] {
    return this.derived.byNetwork.get(network) ?? [];
  }

  /** A counter that changes whenever clusters or networks are added (for caches of derived facts). */
  public get revision(): number {
    return this.derived.revision;
  }

  private get derived(): MeshIndex {
    if (!this.index) {
      const clusters = this.clusters;
      const edges = endpointDiscoveryGraph(clusters);
      // Appends in place: copying the group on every insert made this quadratic (seconds at 1,000 clusters).
      const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => {
        const list = m.get(k);
        if (list) list.push(v);
        else m.set(k, [v]);
      };
      const group = <K>(items: readonly EndpointDiscovery[], key: (e: EndpointDiscovery) => K) => {
        const m = new Map<K, EndpointDiscovery[]>();
        for (const e of items) push(m, key(e), e);
        return m;
      };
      const served = new Map<Cluster, Cluster[]>();
      const byNetwork = new Map<Network, Cluster[]>();
      for (const c of clusters) {
        if (c.controlPlane.servedBy) push(served, c.controlPlane.servedBy, c);
        push(byNetwork, c.network, c);
      }
      this.index = {
        revision: ++meshRevisions,
        edges,
        byConsumer: group(edges, (e) => e.consumer),
        bySource: group(edges, (e) => e.source),
        served,
        byNetwork,
        multiNetwork: new Set([...byNetwork.keys(), ...this.vmGroups.networks]).size > 1,
      };
    }
    return this.index;
  }

  /** Every problem of the model, mesh-wide and per cluster. Empty when the mesh is valid. */
  public validate(): Problem[] {
    const problems: Problem[] = [];
    if (!isLabelValue(this.meshId) || this.meshId === '') {
      problems.push({
        field: 'meshID', value: this.meshId, message: 'is not a valid mesh ID',
        allowed: 'letters, digits, "-", "_" and ".", at most 63 characters (it is used as a label value)',
        fix: 'use a short name such as "mesh1"',
      });
    }
    if (!isTrustDomain(this.trustDomain)) {
      problems.push({
        field: 'trustDomain', value: this.trustDomain, message: 'is not a valid SPIFFE trust domain',
        allowed: 'lowercase letters, digits, ".", "-" and "_"', fix: 'use e.g. "cluster.local" or "mesh1.example.com"',
      });
    }
    if (this._clusters.size === 0) {
      problems.push({ field: 'clusters', message: 'the mesh has no cluster', fix: 'declare at least one cluster' });
    }
    for (const network of this.networks) {
      if (!isLabelValue(network.name) || network.name === '') {
        // Named at the first cluster on the network (where the user wrote it), listing the others.
        const [first, ...others] = network.clusters;
        problems.push({
          ...(first ? { cluster: first.name } : {}),
          field: 'network', value: network.name,
          message: `is not a valid network name (it becomes the topology.istio.io/network label and global.network)${others.length > 0 ? `; also the network of ${listNames(others)}` : ''}`,
          allowed: 'letters, digits, "-", "_" and ".", starting and ending with a letter or digit, 1-63 characters',
          fix: `rename the network on every cluster that declares it, e.g. "${toLabelValue(network.name, 'network1')}"`,
        });
      }
    }
    for (const cluster of this.clusters) problems.push(...cluster.problems());
    for (const network of this.networks) problems.push(...this.networkProblems(network));
    problems.push(...this.argoCdProblems());
    problems.push(...this.controlPlaneProblems());
    problems.push(...this.trustProblems());
    problems.push(...this.applications.problems());
    problems.push(...installValuesProblems({ field: 'installValues' }, this.installValues, { sail: this.argoCd?.istioInstall === IstioInstallMethod.SAIL_OPERATOR }));
    problems.push(...this.vmGroups.problems());
    problems.push(...this.revisions.problems());
    problems.push(...this.ambient.problems());
    problems.push(...this.tenancy.problems());
    return problems;
  }

  /**
   * Creates every cluster's objects (with their sync-wave annotations, so that cdk8s's own
   * `App.synth()` emits the same objects as `synthesizeMesh`). Throws a MeshValidationError listing
   * every problem when the model is invalid; nothing is created then. Idempotent.
   */
  public build(): void {
    if (this.built) return;
    throwIfProblems(this.validate());
    for (const cluster of this.clusters) cluster._build();
    this.vmGroups.build();
    this.applications.build();
    this.revisions.build(this.argoCd?.istioInstall === IstioInstallMethod.SAIL_OPERATOR);
    this.ambient.build(this.argoCd?.istioInstall === IstioInstallMethod.SAIL_OPERATOR);
    this.tenancy.build();
    for (const cluster of this.clusters) {
      for (const obj of apiObjectsOf(cluster)) annotateSyncWave(obj);
    }
    if (this.argoCd) {
      this.argoCdApplications = new ArgoCdApplications(this, 'ArgoCdApplications', { settings: this.argoCd, meshId: this.meshId, clusters: this.clusters });
    }
    this.built = true;
  }

  private argoCdProblems(): Problem[] {
    const a = this.argoCd;
    if (!a) return [];
    const problems: Problem[] = [];
    const repo = checkRepoUrl(a.repoURL);
    if (!isUrl(repo)) {
      problems.push({
        field: 'argoCd.repoURL', value: repo.redacted ?? a.repoURL, message: `is not a Git repository URL: it ${repo.problem}`,
        allowed: 'https://<host>/<path>, ssh://[<user>@]<host>/<path> or <user>@<host>:<path>, without password, token, query or fragment (Argo CD takes repository credentials from its repository Secrets)',
        fix: repo.fix ?? 'use the URL of the repository dist/ is committed to, as Argo CD knows it',
      });
    }
    const charts = checkUrl(a.chartRepoURL, { schemes: ['https', 'http', 'oci'], path: 'prefix' });
    if (!isUrl(charts)) {
      problems.push({
        field: 'argoCd.chartRepoURL', value: charts.redacted ?? a.chartRepoURL, message: `is not a Helm repository URL: it ${charts.problem}`,
        allowed: 'https://<host>[/<path>], without credentials, query or fragment', fix: charts.fix ?? 'omit it for Istio\'s repository https://istio-release.storage.googleapis.com/charts',
      });
    }
    const revision = a.targetRevision;
    const unsafe = firstUnsafeCharacter(revision);
    const badRevision = revision === '' ? 'is empty'
      : unsafe ? `contains a whitespace or control character (${unsafe})`
        : !/^[A-Za-z0-9_][A-Za-z0-9._/+-]*$/.test(revision) ? 'has characters Git does not allow in a branch, tag or commit (or starts with "-", "." or "/")'
          : /\.\.|\/\/|\/$|\.lock$|\.$/.test(revision) ? 'has "..", "//", or ends with "/", "." or ".lock", which Git refuses in a ref'
            : revision.length > 255 ? `is ${revision.length} characters long` : undefined;
    if (badRevision) {
      problems.push({
        field: 'argoCd.targetRevision', value: revision, message: `is not a Git revision: it ${badRevision}`,
        allowed: 'a branch, tag or commit: letters, digits, ".", "_", "/", "+" and "-"', fix: 'use e.g. "main", "v1.2.0" or a commit SHA, or omit it for "HEAD"',
      });
    }
    const segments = a.path.split('/');
    const badSegment = segments.find((seg) => seg === '' || seg === '.' || seg === '..' || !/^[A-Za-z0-9._-]+$/.test(seg));
    if (badSegment !== undefined) {
      const fixed = segments.filter((seg) => seg !== '' && seg !== '.' && seg !== '..' && /^[A-Za-z0-9._-]+$/.test(seg)).join('/');
      problems.push({
        field: 'argoCd.path', value: a.path,
        message: `is not a relative path inside the repository: it has ${badSegment === '' ? (a.path.startsWith('/') ? 'a leading "/"' : 'an empty segment ("//" or a trailing "/")') : `the segment ${JSON.stringify(badSegment)}`}`,
        allowed: 'segments of letters, digits, ".", "_" and "-" separated by "/", never "." or "..", no leading or trailing "/"',
        fix: fixed !== '' ? `write "${fixed}"` : 'use the folder dist/ is committed to, e.g. "dist"',
      });
    }
    for (const [field, value] of [['argoCd.namespace', a.namespace], ['argoCd.project', a.project]] as const) {
      if (!isDnsSubdomain(value)) problems.push({ field, value, message: 'is not a valid Kubernetes name', allowed: 'a DNS-1123 subdomain', fix: 'use the name as it exists in Argo CD' });
    }
    for (const c of this.clusters) {
      const name = argoCdApplicationName(this.meshId, c.name);
      // An invalid cluster name or meshID has its own problem; only a valid meshID that still spoils valid
      // names (uppercase folds, "_" does not) is reported here.
      if (isDnsLabel(c.name) && isLabelValue(this.meshId) && !isDnsSubdomain(name)) {
        problems.push({ field: 'meshID', value: this.meshId, message: `cannot name Argo CD Applications ("${name}" is not a DNS-1123 subdomain)`, fix: 'use a meshID of lowercase letters, digits, "-" and "."' });
        break;
      }
    }
    // Every operator the output needs is installed by us, or ordered before the mesh some other way.
    const needed = new Set(this.clusters.flatMap((c) => [
      ...((this.trust.needsSecretStore && c.controlPlane.runsIstiod) || this.endpointDiscoveryOf(c).asSource.length > 0
        || this.endpointDiscoveryOf(c).asConsumer.length > 0 ? ['externalSecrets'] : []),
      ...(this.trust.certManagerOptions && c.controlPlane.runsIstiod ? ['certManager'] : []),
    ]));
    for (const key of ['externalSecrets', 'certManager'] as const) {
      const p = a.prerequisites[key];
      const field = `argoCd.prerequisites.${key}`;
      if (p.install === PrerequisiteInstall.APP_OF_APPS && p.syncWave === undefined && needed.has(key)) {
        problems.push({
          field: `${field}.syncWave`,
          message: `is missing: install "appOfApps" says your own Application installs ${key === 'externalSecrets' ? 'the External Secrets Operator' : 'cert-manager'}, but without its sync wave nothing orders the mesh after it, and the mesh's objects fail until it runs`,
          allowed: 'the sync wave (an integer below 0) of that Application in the app of apps that syncs dist/_argocd',
          fix: `set ${field}.syncWave, or install: argocd (an Application from us) or install: preinstalled (it runs before the cluster is registered in Argo CD)`,
        });
      }
      if (p.syncWave !== undefined && (!Number.isInteger(p.syncWave) || p.syncWave >= 0)) {
        problems.push({
          field: `${field}.syncWave`, value: p.syncWave,
          message: 'must be an integer below 0: the mesh\'s Applications start at wave 0 and must come after the operator',
          fix: 'give your operator Application a negative sync wave and set it here',
        });
      }
      if (p.syncWave !== undefined && p.install !== PrerequisiteInstall.APP_OF_APPS) {
        problems.push({ field: `${field}.syncWave`, value: p.syncWave, message: `is only used with install "appOfApps" (install is "${p.install}")`, fix: 'remove syncWave, or set install: appOfApps' });
      }
    }
    return problems;
  }

  /** Which istiod serves which cluster, and whether remotes can reach it. */
  private controlPlaneProblems(): Problem[] {
    const problems: Problem[] = [];
    const hosts = this.clusters.filter((c) => c.controlPlane.model === ControlPlaneModel.EXTERNAL);
    const primaries = this.clusters.filter((c) => c.controlPlane.model === ControlPlaneModel.PRIMARY);
    if (hosts.length > 0 && primaries.length > 0) {
      problems.push({
        cluster: primaries[0].name, field: 'primaryClusterName',
        message: `is a primary in a mesh served by the external control plane of "${hosts[0].name}"; mixing primaries with an external control plane is not supported`,
        fix: `make the primaries remotes of "${hosts[0].name}" (primaryClusterName: ${hosts[0].name}), or model two meshes`,
      });
    }
    for (const c of this.clusters) {
      const cp = c.controlPlane;
      if (cp.model === ControlPlaneModel.REMOTE) {
        const servedBy = cp.servedBy!;
        if (servedBy.mesh !== this) {
          problems.push({ cluster: c.name, field: 'primaryClusterName', value: servedBy.name, message: 'names a cluster of another mesh', fix: 'name a cluster of this mesh' });
          continue;
        }
        if (servedBy.controlPlane.model === ControlPlaneModel.REMOTE) {
          problems.push({
            cluster: c.name, field: 'primaryClusterName', value: servedBy.name,
            message: `names "${servedBy.name}", which is itself a remote cluster; a remote must name the cluster whose istiod serves it, and chains or cycles of remotes are not possible`,
            fix: `name the primary (or external control plane) that serves "${servedBy.name}"`,
          });
          continue;
        }
        if (cp.configCluster && servedBy.controlPlane.model !== ControlPlaneModel.EXTERNAL) {
          problems.push({
            cluster: c.name, field: 'configClusterName', value: c.name,
            message: `makes this a config cluster, which only an external control plane has; "${servedBy.name}" is a primary and reads its config from its own cluster`,
            fix: 'drop the config-cluster flag',
          });
        }
        // A remote on another network than its primary needs no gateway of its own: it reaches istiod
        // through the primary's gateway (checked below), and traffic into its network may use any
        // gateway of that network (selectNetworkGateways); networkProblems checks there is one.
      }
      const served = c.servedClusters;
      if (cp.model === ControlPlaneModel.PRIMARY && served.length > 0) {
        const names = served.map((r) => `"${r.name}"`).join(', ');
        if (cp.externalIstiod === false) {
          problems.push({
            cluster: c.name, field: 'controlPlane.externalIstiod', value: false,
            message: `is off, but remote cluster(s) ${names} are served by this primary; istiod manages remotes only with global.externalIstiod: true`,
            fix: 'leave externalIstiod at its default',
          });
        }
        if (!c.hasEastWestGateway) {
          problems.push({
            cluster: c.name, field: 'eastWestGateway.enabled', value: false,
            message: `is off, but remote cluster(s) ${names} reach this primary's istiod through its east-west gateway (expose-istiod)`,
            fix: 'enable the east-west gateway',
          });
        } else if (c.eastWestGatewayAddress === undefined) {
          problems.push({
            cluster: c.name, field: 'eastWestGateway.address',
            message: `is missing: remote cluster(s) ${names} need this primary's discovery address at install time (global.remotePilotAddress). The docs read it from the east-west gateway's LoadBalancer status once it exists; a GitOps render cannot`,
            allowed: 'a static IP (the gateway is pinned to it; remotes get an EndpointSlice for istiod) or a DNS name that resolves to the gateway (Istio\'s chart supports it: remotes get an ExternalName Service)',
            fix: 'reserve a static IP for the east-west gateway LoadBalancer (or a DNS name for it) and set eastWestGateway.address',
          });
        }
      }
      if (cp.model === ControlPlaneModel.EXTERNAL) {
        const configClusters = served.filter((r) => r.controlPlane.configCluster);
        if (served.length === 0) {
          problems.push({ cluster: c.name, field: 'configClusterName', message: 'this cluster hosts an external control plane, but no cluster is served by it', fix: `declare its remotes with primaryClusterName: ${c.name}` });
        } else if (configClusters.length !== 1) {
          problems.push({
            cluster: c.name, field: 'configClusterName',
            message: configClusters.length === 0
              ? `names no config cluster among the clusters this external control plane serves (${listNames(served)}); the config cluster is the served cluster whose configClusterName names itself`
              : `is ambiguous: ${configClusters.map((r) => `"${r.name}"`).join(', ')} all claim to be the config cluster`,
            fix: `mark exactly one served cluster as the config cluster, e.g. configClusterName: ${served[0].name} on "${served[0].name}" (and the same value here)`,
          });
        }
        if (c.hasVerificationWorkloads) {
          problems.push({
            cluster: c.name, field: 'verificationWorkloads',
            message: 'are declared on the cluster hosting an external control plane, which is not part of the mesh\'s data plane',
            fix: 'put the verification workloads on the remote clusters',
          });
        }
      }
    }
    return problems;
  }

  private trustProblems(): Problem[] {
    const problems: Problem[] = [];
    const edges = this.endpointDiscovery;
    const needs = [
      ...(edges.length > 0 ? ['remote secrets (reader tokens pushed and pulled)'] : []),
      ...(this.trust.needsSecretStore ? ['cacerts (trust source externalSecrets)'] : []),
    ];
    if (!this.secretStore && needs.length > 0) {
      problems.push({
        field: 'secretStore', message: `is missing; ${needs.join(' and ')} need an External Secrets store so that no token or key is written to git`,
        allowed: '{ name, kind: ClusterSecretStore | SecretStore, keyPrefix }',
        fix: 'add secretStore: { name: <your ClusterSecretStore> } and create that store in every cluster',
      });
    }
    if (this.secretStore) {
      if (!isDnsSubdomain(this.secretStore.name)) {
        problems.push({ field: 'secretStore.name', value: this.secretStore.name, message: 'is not a valid Kubernetes object name', allowed: 'a DNS-1123 subdomain', fix: 'use the name of the store as it exists in the clusters' });
      }
      const prefix = this.secretStore.keyPrefix;
      if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(prefix) || prefix.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) {
        problems.push({ field: 'secretStore.keyPrefix', value: prefix, message: 'is not a valid key prefix', allowed: 'segments of letters, digits, ".", "_" and "-" separated by "/", never "." or "..", not starting with "/"', fix: `use e.g. "istio/${toLabelValue(this.meshId, 'mesh1')}"` });
      }
    }
    const cm = this.trust.certManagerOptions;
    if (cm && !isDnsSubdomain(cm.issuerName)) {
      problems.push({ field: 'trust.issuer.name', value: cm.issuerName, message: 'is not a valid cert-manager issuer name', allowed: 'a DNS-1123 subdomain', fix: 'name the (Cluster)Issuer that holds the mesh root' });
    }
    const duration = cm?.duration !== undefined ? certificateDurationProblem(cm.duration) : undefined;
    if (duration) {
      problems.push({
        field: 'trust.duration', value: cm!.duration, message: `${duration.problem}`,
        allowed: 'a Go duration of at least 1h, e.g. "8760h" or "720h0m0s"', fix: duration.fix,
      });
    }

    // A source without an API server URL would leave every istiod that must discover it blind to its
    // endpoints: report it once, naming the blind control planes.
    const blind = new Map<Cluster, Cluster[]>();
    for (const e of edges) {
      if (e.source.apiServer === undefined) {
        const consumers = blind.get(e.source);
        if (consumers) consumers.push(e.consumer); // in place: a copy per edge is quadratic
        else blind.set(e.source, [e.consumer]);
      }
    }
    for (const [source, consumers] of blind) {
      problems.push({
        cluster: source.name, field: 'apiServer',
        message: `is missing, so the remote-secret graph would leave the control plane(s) of ${consumers.slice(0, 10).map((c) => `"${c.name}"`).join(', ')}${consumers.length > 10 ? ` and ${consumers.length - 10} more` : ''} blind to this cluster's endpoints (their remote secret for "${source.name}" needs the API server URL)`,
        allowed: 'https://<host>[:<port>] reachable from those clusters',
        fix: `set apiServer on cluster "${source.name}"`,
      });
    }
    return problems;
  }

  private networkProblems(network: Network): Problem[] {
    const problems: Problem[] = [];
    const clusters = network.clusters;
    if (clusters.length === 0) return problems;

    // Istio requires unique, non-overlapping pod and service ranges among clusters of one network,
    // because their pods reach each other's IPs directly.
    if (clusters.length > 1) {
      // A dual-stack subnet is two ranges, each checked against the other clusters' ranges of its family.
      const ranges = clusters.flatMap((c) => (['podSubnet', 'svcSubnet'] as const)
        .flatMap((field) => (c[field] !== undefined ? parseCidrList(c[field]!) ?? [] : []).map((cidr) => ({ cluster: c, field, cidr }))));
      // A sweep over the ranges sorted by start (declaration order among equal starts): each range is
      // compared with the earlier range reaching furthest, so n ranges cost n log n, not n², and each
      // overlapping range is reported once (against the first it overlaps), not once per pair.
      const order = ranges.map((r, i) => ({ r, i })).sort((x, y) => (x.r.cidr!.version - y.r.cidr!.version)
        || (x.r.cidr!.start < y.r.cidr!.start ? -1 : x.r.cidr!.start > y.r.cidr!.start ? 1 : x.i - y.i));
      let reach: { r: (typeof ranges)[number]; i: number } | undefined;
      let reachOther: typeof reach; // the furthest-reaching range of another cluster than `reach`'s
      const found: { a: (typeof ranges)[number]; b: (typeof ranges)[number]; i: number }[] = [];
      for (const cur of order) {
        if (reach && reach.r.cidr!.version !== cur.r.cidr!.version) reach = reachOther = undefined;
        const other = reach && reach.r.cluster !== cur.r.cluster ? reach : reachOther;
        if (other && cidrsOverlap(other.r.cidr!, cur.r.cidr!)) {
          const [a, b] = other.i < cur.i ? [other.r, cur.r] : [cur.r, other.r];
          found.push({ a, b, i: Math.max(other.i, cur.i) });
        }
        if (!reach || cur.r.cidr!.end > reach.r.cidr!.end) {
          if (reach && reach.r.cluster !== cur.r.cluster) reachOther = reach;
          reach = cur;
        } else if (cur.r.cluster !== reach.r.cluster && (!reachOther || cur.r.cidr!.end > reachOther.r.cidr!.end)) {
          reachOther = cur;
        }
      }
      for (const { a, b } of found.sort((x, y) => x.i - y.i)) {
        problems.push({
          cluster: b.cluster.name, field: b.field, value: b.cidr!.text,
          message: `overlaps ${a.field} ${a.cidr!.text} of cluster "${a.cluster.name}" on the same network "${network.name}"`,
          allowed: 'ranges that are unique and non-overlapping among the clusters of one network',
          fix: `give the clusters of network "${network.name}" disjoint ranges, or put them on different networks`,
        });
      }
      for (const field of ['podSubnet', 'svcSubnet'] as const) {
        const declared = clusters.filter((c) => c[field] !== undefined);
        if (declared.length > 0 && declared.length < clusters.length) {
          for (const c of clusters.filter((x) => x[field] === undefined)) {
            problems.push({
              cluster: c.name, field,
              message: `is missing while ${declared.slice(0, 10).map((d) => `"${d.name}"`).join(', ')}${declared.length > 10 ? ` and ${declared.length - 10} more` : ''} on the same network "${network.name}" declare it, so overlap cannot be checked`,
              fix: `declare ${field} on every cluster of network "${network.name}" (or on none)`,
            });
          }
        }
      }
    }

    // On a multi-network mesh, a network is reachable from the others only through an east-west gateway.
    if (this.isMultiNetwork && !clusters.some((c) => c.hasEastWestGateway)) {
      problems.push({
        cluster: clusters[0].name, field: 'eastWestGateway.enabled', value: false,
        message: `network "${network.name}" has no east-west gateway, so clusters on other networks cannot reach its services`,
        fix: `enable the east-west gateway on at least one cluster of network "${network.name}"`,
      });
    }
    return problems;
  }
}

/** `"a", "b", "c"` (at most five names, then how many more), for messages about many clusters. */
function listNames(clusters: readonly Cluster[]): string {
  const shown = clusters.slice(0, 5).map((c) => JSON.stringify(c.name)).join(', ');
  return clusters.length > 5 ? `${shown} and ${clusters.length - 5} more` : shown;
}

/** A suggested label value made from `s` (for fixes). */
function toLabelValue(s: string, fallback: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 63).replace(/[^A-Za-z0-9]+$/, '') || fallback;
}
