import { Chart } from 'cdk8s';
import { k8s } from './k8s';
import { ArgoCdDestination, IstioInstallMethod } from './argocd';
import { ControlPlane, ControlPlaneModel, EXTERNAL_ISTIOD_NAMESPACE } from './control-plane';
import { checkClusterCreation } from './cluster-creation';
import { CrossNetworkGateway } from './cross-network-gateway';
import { EastWestGateway, EastWestGatewayOptions } from './east-west-gateway';
import { IstiodExposure } from './expose-istiod';
import { GatewayDeploymentOptions, gatewayDeploymentProblems, IstioGatewayChart } from './gateway-chart';
import { externalInstallInputs, InstallInputs, primaryInstallInputs, remoteInstallInputs } from './install-inputs';
import { CONTROL_PLANE_CLUSTERS_ANNOTATION, ISTIO_SYSTEM_NAMESPACE, NETWORK_LABEL, SYNC_WAVE_ANNOTATION } from './istio';
import type { Mesh } from './mesh';
import { MeshWideMtls } from './mesh-security';
import { ConfigClusterCredentials, ReaderIdentity } from './reader-identity';
import {
  RemoteClusterAccess, RemoteKubeconfigDirectory, RemoteSecret, RemoteSecretDelivery,
  REMOTE_KUBECONFIGS_PATH, REMOTE_KUBECONFIGS_SECRET,
} from './remote-secret';
import { withAmbient } from './ambient/ambient-install';
import type { DataPlaneMode } from './ambient/mesh-ambient';
import { withRevisions } from './revisions/revision-install';
import { SailIstio } from './sail';
import { SharedTrust } from './trust';
import {
  ANNOTATIONS_MAX_BYTES, annotationsSize, firstUnsafeCharacter, firstUntransportableCharacter, hasTemplateDelimiter, isDnsLabel, isDnsSubdomain, isLabelValue,
  qualifiedNameProblem, toDnsLabel, toDnsSubdomain,
} from './names';
import { parseIp, subnetProblem } from './cidr';
import { checkHost, isHost, unreachableHostProblem } from './host';
import { checkUrl, isUrl } from './url';
import type { Network } from './network';
import { Problem } from './problem';
import { withServiceSettings } from './application/service-settings';
import { InstallValues, installValuesProblems } from './install-values/install-values';
import { withInstallValues } from './install-values/with-install-values';
import { withVmInstallValues } from './vm/vm-install-values';
import { meshValuesOf, withMeshValues } from './federation/mesh-values';
import { clusterVerificationProblems, VerificationWorkloadsProps } from './verification-workloads';

/** Props of a cluster, given to `Mesh.addCluster()`. */
export interface ClusterProps {
  /** The network the cluster's pods are on. */
  readonly network: Network;

  /**
   * Which control plane serves the cluster.
   * @default ControlPlane.primary()
   */
  readonly controlPlane?: ControlPlane;

  /**
   * The cluster's pod CIDR (Istio's topology field `podSubnet`), or a dual-stack pair `"<v4>,<v6>"` as
   * Kubernetes writes it. The address must be the first of its range (`10.0.0.0/16`, not `10.0.0.1/16`).
   * Clusters on one network must have unique, non-overlapping ranges (checked per address family);
   * declare it so that synth can check.
   * @default - unknown, not checked
   */
  readonly podSubnet?: string;

  /**
   * The cluster's service CIDR (Istio's topology field `svcSubnet`), or a dual-stack pair like `podSubnet`.
   * @default - unknown, not checked
   */
  readonly svcSubnet?: string;

  /**
   * URL of the cluster's Kubernetes API server as the other clusters' control planes reach it:
   * `https://<host>[:<port>][/<path prefix>]`, the host a DNS name, an IPv4 address or a bracketed IPv6
   * address; no credentials, query or fragment. It becomes the `server` of the remote secret's kubeconfig.
   * @default - none; required as soon as another control plane must discover this cluster
   */
  readonly apiServer?: string;

  /**
   * TLS server name to verify the API server's certificate against when `apiServer` is an address the
   * certificate does not name (istioctl `--tls-server-name`).
   * @default - the host of `apiServer`
   */
  readonly tlsServerName?: string;

  /** Region of the cluster's nodes (`topology.kubernetes.io/region`), for locality-aware routing. @default - none */
  readonly region?: string;
  /** Zone of the cluster's nodes (`topology.kubernetes.io/zone`). @default - none */
  readonly zone?: string;

  /** East-west gateway settings. @default - see EastWestGatewayOptions */
  readonly eastWestGateway?: EastWestGatewayOptions;

  /**
   * Where Argo CD deploys this cluster's Application (when the mesh has Argo CD settings).
   * @default - the Argo CD cluster named like this cluster
   */
  readonly argoCdDestination?: ArgoCdDestination;

  /**
   * Replicas, resources, autoscaling and scheduling of the cluster's ingress gateway
   * (`istio-ingressgateway`, shared by the applications whose ingress includes this cluster).
   * @default - the gateway chart's
   */
  readonly ingressGateway?: GatewayDeploymentOptions;

  /**
   * Istio install values of this cluster, merged over the mesh's `installValues` (see InstallValues).
   * @default - none
   */
  readonly installValues?: InstallValues;

  /**
   * The cluster's Kubernetes version (`1.33`), checked against what the output needs (the Gateway API
   * version ambient relies on). @default - not checked
   */
  readonly kubernetesVersion?: string;

  /**
   * How this cluster's application workloads join the mesh. In an ambient mesh a cluster may keep
   * sidecars: its application namespaces are labelled for injection instead of
   * `istio.io/dataplane-mode=ambient`, while the cluster still installs the ambient components (see
   * MeshAmbient). @default - the mesh's dataPlaneMode
   */
  readonly dataPlaneMode?: DataPlaneMode;

  /**
   * The mesh revisions installed on this cluster (a canary cluster by cluster); a remote's must run on its
   * primary. @default - every revision of the mesh
   */
  readonly revisions?: readonly string[];
}

/**
 * One Kubernetes cluster of the mesh, and the cdk8s chart of everything applied to it. Its name is the
 * single source of Istio's cluster ID (`global.multiCluster.clusterName`), remote-secret names,
 * annotations and data keys, and of the output directory `dist/<name>/`.
 *
 * Users may add their own objects to a cluster like to any chart: `new MyThing(cluster, 'id')`.
 */
export class Cluster extends Chart {
  /** The cluster name (Istio's cluster ID). */
  public readonly name: string;
  /** The mesh the cluster belongs to. */
  public readonly mesh: Mesh;
  /** The network of the cluster. */
  public readonly network: Network;
  /** The control plane that serves the cluster. */
  public readonly controlPlane: ControlPlane;
  /** Pod CIDR, if declared. */
  public readonly podSubnet?: string;
  /** Service CIDR, if declared. */
  public readonly svcSubnet?: string;
  /** API server URL, if declared. */
  public readonly apiServer?: string;
  /** TLS server name for the API server, if declared. */
  public readonly tlsServerName?: string;
  /** Region, if declared. */
  public readonly region?: string;
  /** Zone, if declared. */
  public readonly zone?: string;
  /** Argo CD destination of this cluster's Application. */
  public readonly argoCdDestination: ArgoCdDestination;
  /** Kubernetes version, if declared. */
  public readonly kubernetesVersion?: string;
  /** The declared data-plane mode of the cluster's workloads; undefined: the mesh's. */
  public readonly dataPlaneMode?: DataPlaneMode;
  /** The mesh revisions installed here, if restricted. */
  public readonly revisions?: readonly string[];

  /** Deployment options of the cluster's application ingress gateway. */
  public readonly ingressGatewayOptions: GatewayDeploymentOptions;
  /** Install values of this cluster, if any (merged over the mesh's). */
  public readonly installValues?: InstallValues;
  private readonly eastWestGatewayOptions: EastWestGatewayOptions;
  private verification?: VerificationWorkloadsProps;
  private built = false;
  private inputsCache?: { readonly revision: number; readonly inputs: InstallInputs };

  /**
   * Use `Mesh.addCluster()` (or, for a subclass, override `Mesh.createCluster()`): a cluster constructed
   * elsewhere is not part of the mesh and would never be rendered, so this throws.
   */
  constructor(mesh: Mesh, name: string, props: ClusterProps) {
    checkClusterCreation(mesh, name);
    super(mesh, name);
    this.mesh = mesh;
    this.name = name;
    this.network = props.network;
    this.controlPlane = props.controlPlane ?? ControlPlane.primary();
    this.podSubnet = props.podSubnet;
    this.svcSubnet = props.svcSubnet;
    this.apiServer = props.apiServer;
    this.tlsServerName = props.tlsServerName;
    this.region = props.region;
    this.zone = props.zone;
    this.eastWestGatewayOptions = { ...props.eastWestGateway };
    this.argoCdDestination = { ...props.argoCdDestination };
    this.installValues = props.installValues;
    this.ingressGatewayOptions = { ...props.ingressGateway };
    this.kubernetesVersion = props.kubernetesVersion;
    this.dataPlaneMode = props.dataPlaneMode;
    this.revisions = props.revisions && [...props.revisions];
  }

  /**
   * The namespace of the Istio install serving this cluster: the mesh's (`istio-system`), or for an
   * external control plane and the clusters it serves, the external istiod's (`external-istiod`).
   */
  public get controlPlaneNamespace(): string {
    const cp = this.controlPlane;
    if (cp.model === ControlPlaneModel.EXTERNAL) return cp.external!.namespace ?? EXTERNAL_ISTIOD_NAMESPACE;
    if (cp.model === ControlPlaneModel.REMOTE && cp.servedBy!.controlPlane.model === ControlPlaneModel.EXTERNAL) {
      return cp.servedBy!.controlPlaneNamespace;
    }
    return this.mesh.controlPlaneNamespace;
  }

  /** The remote clusters this cluster's istiod serves (primary-remote, or an external control plane). */
  public get servedClusters(): Cluster[] {
    return [...this.mesh.clustersServedBy(this)];
  }

  /**
   * Whether this cluster holds the mesh config its istiod reads (Istio resources, mesh-wide policy): a
   * primary, or an external control plane's config cluster.
   */
  public get isConfigCluster(): boolean {
    return this.controlPlane.model === ControlPlaneModel.PRIMARY || this.controlPlane.configCluster;
  }

  /**
   * The address remote clusters reach this cluster's istiod at: a primary's east-west gateway, an
   * external control plane's address.
   */
  public get discoveryAddress(): string | undefined {
    const cp = this.controlPlane;
    return cp.model === ControlPlaneModel.EXTERNAL ? cp.external!.address : this.eastWestGatewayOptions.address;
  }

  /**
   * The `topology.istio.io/controlPlaneClusters` value for a remote: the cluster ID of the istiod that
   * manages it, the primary's name, or for an external control plane its config cluster's name (the
   * external istiod's CLUSTER_ID). The config cluster itself needs none.
   */
  public get controlPlaneClusters(): string | undefined {
    const cp = this.controlPlane;
    if (cp.model !== ControlPlaneModel.REMOTE || cp.configCluster) return undefined;
    const servedBy = cp.servedBy!;
    if (servedBy.controlPlane.model === ControlPlaneModel.EXTERNAL) {
      return servedBy.servedClusters.find((c) => c.controlPlane.configCluster)?.name;
    }
    return servedBy.name;
  }

  /**
   * Whether this cluster gets an east-west gateway: as declared, else every primary of a multi-network
   * mesh (its services must be reachable from the other networks) or serving remotes (they reach istiod
   * through it, also on one network, as the docs do), and, on a multi-network mesh, a remote whose
   * network has no primary with a gateway. Gateways are per network: Istio sends cross-network traffic
   * to any gateway of the destination network ("If there is no match for the network+cluster, then all
   * gateways matching the network are returned", selectNetworkGateways in
   * pilot/pkg/model/network.go), and every primary discovers every cluster, so a primary's gateway also
   * carries the traffic of the remotes on its network.
   */
  public get hasEastWestGateway(): boolean {
    const declared = this.eastWestGatewayOptions.enabled;
    if (declared !== undefined) return declared;
    switch (this.controlPlane.model) {
      case ControlPlaneModel.PRIMARY: return this.mesh.isMultiNetwork || this.servedClusters.length > 0 || this.mesh.vmGroups.joins(this);
      case ControlPlaneModel.REMOTE: return this.mesh.isMultiNetwork
        && !this.mesh.clustersOn(this.network).some((c) => c.controlPlane.model === ControlPlaneModel.PRIMARY && c.hasEastWestGateway);
      default: return false;
    }
  }

  /** The declared static address of the east-west gateway, if any. */
  public get eastWestGatewayAddress(): string | undefined {
    return this.eastWestGatewayOptions.address;
  }

  /** Whether the cluster has the docs' verification workloads. */
  public get hasVerificationWorkloads(): boolean {
    return this.verification !== undefined;
  }

  /** The verification workloads' props, if declared (the mesh turns them into an application). */
  public get verificationWorkloads(): VerificationWorkloadsProps | undefined {
    return this.verification;
  }

  /**
   * Adds the docs' verification workloads (namespace `sample`, helloworld, curl) to this cluster.
   */
  public addVerificationWorkloads(props: VerificationWorkloadsProps = {}): void {
    if (this.built) throw new Error(`cluster "${this.name}": addVerificationWorkloads() must be called before synthesis`);
    this.verification = { ...props };
  }

  /** The clusters whose endpoints this cluster's istiod discovers (it holds their remote secrets). */
  public get discovers(): Cluster[] {
    return this.mesh.endpointDiscoveryOf(this).asConsumer.map((e) => e.source);
  }

  /** The clusters whose istiod discovers this cluster (this cluster holds a reader identity for them). */
  public get discoveredBy(): Cluster[] {
    return this.mesh.endpointDiscoveryOf(this).asSource.map((e) => e.consumer);
  }

  /** How the other clusters' control planes reach this cluster's API server. */
  public get access(): RemoteClusterAccess {
    if (this.apiServer === undefined) throw new Error(`cluster "${this.name}" has no apiServer`);
    return { cluster: this.name, apiServer: this.apiServer, tlsServerName: this.tlsServerName };
  }

  /** Istio's install inputs for this cluster (Helm releases and IstioOperators). */
  public get installInputs(): InstallInputs {
    // Derived from the whole mesh and asked for by several outputs: computed once per mesh shape.
    if (this.inputsCache?.revision !== this.mesh.revision) {
      // Derived values, each from its own part of the model; revisions last, so every revisioned istiod release
      // carries what the others added.
      const derived = withRevisions(
        withAmbient(
          withMeshValues(
            withVmInstallValues(withServiceSettings(this.computeInstallInputs(), this.mesh.applications.clusterLocalHosts()), this.mesh.vmGroups.joins(this)),
            meshValuesOf(this.mesh)),
          this.mesh.ambient.installFacts(this)),
        this.mesh.revisions, this.mesh.revisions.installedOn(this));
      // The user's values last, over everything derived (they cannot override derived values, see InstallValues).
      this.inputsCache = { revision: this.mesh.revision, inputs: withInstallValues(derived, [this.mesh.installValues, this.installValues]) };
    }
    return this.inputsCache.inputs;
  }

  private computeInstallInputs(): InstallInputs {
    const cp = this.controlPlane;
    const namespace = this.controlPlaneNamespace;
    const { asConsumer, asSource } = this.mesh.endpointDiscoveryOf(this);
    const readerIdentityInOutput = asSource.some((e) => e.kind === 'remote');
    // In a multi-cluster mesh a cluster no control plane reads (a primary that only serves remotes, an
    // external control plane's config cluster) needs no reader identity at all (issue 10).
    const readerIdentityUnused = !readerIdentityInOutput && this.mesh.clusters.length > 1;
    const directory = this.mesh.remoteSecretDelivery === RemoteSecretDelivery.KUBECONFIG_DIRECTORY
      && asConsumer.some((e) => e.kind === 'remote')
      ? { secretName: REMOTE_KUBECONFIGS_SECRET, path: REMOTE_KUBECONFIGS_PATH } : undefined;
    if (cp.model === ControlPlaneModel.EXTERNAL) {
      const config = this.servedClusters.find((c) => c.controlPlane.configCluster)!;
      return externalInstallInputs({
        meshId: this.mesh.meshId,
        trustDomain: this.mesh.trustDomain,
        hostCluster: this.name,
        namespace,
        configClusterName: config.name,
        configClusterNetwork: config.network.name,
        address: cp.external!.address,
        tlsAtGateway: isExternalTlsAtGateway(cp),
        kubeconfigDirectory: directory,
      });
    }
    if (cp.model === ControlPlaneModel.REMOTE) {
      const servedBy = cp.servedBy!;
      const external = servedBy.controlPlane.model === ControlPlaneModel.EXTERNAL;
      return remoteInstallInputs({
        clusterName: this.name,
        network: this.network.name,
        namespace,
        readerIdentityInOutput,
        readerIdentityUnused,
        discovery: { address: servedBy.discoveryAddress!, useUrls: external && isExternalTlsAtGateway(servedBy.controlPlane) },
        // The primary-remote docs' Helm tab sets configCluster on the remote; the external config cluster needs it.
        configCluster: !external || cp.configCluster,
        externalConfigCluster: external && cp.configCluster,
      });
    }
    return primaryInstallInputs({
      meshId: this.mesh.meshId,
      clusterName: this.name,
      network: this.network.name,
      trustDomain: this.mesh.trustDomain,
      namespace,
      externalIstiod: cp.externalIstiod ?? this.servedClusters.length > 0,
      readerIdentityInOutput,
      readerIdentityUnused,
      kubeconfigDirectory: directory,
    });
  }

  /**
   * A cluster ID that is a DNS label but for uppercase letters, like Istio's default `Kubernetes` (the VM
   * docs' lab): fine where nothing derived from it must be a DNS name, i.e. the only cluster of a mesh without
   * Argo CD (no remote secrets, no Application names) and no DestinationRule subsets named after clusters.
   */
  private get isRelaxedClusterId(): boolean {
    return isDnsLabel(this.name.toLowerCase()) && this.mesh.clusters.length === 1
      && this.mesh.argoCd === undefined && !this.mesh.applications.all.some((a) => a.services.some((s) => s.subsetsByCluster));
  }

  /** Problems found in this cluster's own props (mesh-wide checks live in Mesh). */
  public problems(): Problem[] {
    const problems: Problem[] = [];
    const cluster = this.name;
    if (!isDnsLabel(this.name) && !this.isRelaxedClusterId) {
      const caseOnly = isDnsLabel(this.name.toLowerCase());
      problems.push({
        cluster, field: 'clusterName', value: this.name,
        message: 'is not a DNS-1123 label; it becomes Istio\'s cluster ID, the remote-secret name istio-remote-secret-<name> and its data key, the output directory dist/<name>/ and a label value, so it must fit all of them'
          + (caseOnly ? ' (uppercase letters, as in Istio\'s default ID "Kubernetes", are accepted only for the only cluster of a single-cluster mesh without Argo CD: with more clusters or Argo CD the name also names remote secrets or Argo CD Applications, which must be DNS names)' : ''),
        allowed: 'lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters (uppercase letters too for the only cluster of a mesh without Argo CD)',
        fix: `rename the cluster, e.g. "${toDnsLabel(this.name, 'cluster1')}"`,
      });
    }
    for (const field of ['podSubnet', 'svcSubnet'] as const) {
      const value = this[field];
      const p = value === undefined ? undefined : subnetProblem(value);
      if (p) {
        problems.push({
          cluster, field, value, message: `is not a valid CIDR: it ${p.reason}`,
          allowed: 'an IPv4 or IPv6 CIDR such as "10.10.0.0/16" or "fd00:10::/56", or a dual-stack pair "10.10.0.0/16,fd00:10::/56"',
          fix: p.fixed !== undefined
            ? `write "${p.fixed}"`
            : `set ${field} to the cluster's ${field === 'podSubnet' ? 'pod' : 'service'} range as the cluster reports it`,
        });
      }
    }
    if (this.apiServer !== undefined) {
      const url = checkUrl(this.apiServer, { schemes: ['https'], path: 'prefix' });
      const allowed = 'https://<host>[:<port>][/<path prefix>]: the host a DNS-1123 name, an IPv4 address or a bracketed IPv6 address, no user name or password, query or fragment';
      if (!isUrl(url)) {
        problems.push({
          cluster, field: 'apiServer', value: url.redacted ?? this.apiServer,
          message: `is not an https URL of an API server: it ${url.problem}`,
          allowed,
          fix: url.fix ?? 'use the API server address the other clusters reach (kubectl config view --minify -o jsonpath="{.clusters[0].cluster.server}")',
        });
      } else {
        const local = unreachableHostProblem(url.host, url.hostKind);
        if (local) {
          problems.push({
            cluster, field: 'apiServer', value: this.apiServer,
            message: `has the host "${url.host}", which ${local}: the other clusters' control planes cannot reach it (istioctl warns about the same)`,
            fix: 'use an address of the API server that is reachable from the other clusters',
          });
        }
      }
    }
    if (this.tlsServerName !== undefined) {
      const h = checkHost(this.tlsServerName);
      if (!isHost(h)) {
        problems.push({
          cluster, field: 'tlsServerName', value: this.tlsServerName, message: `is not a host name: it ${h.problem}`,
          allowed: 'a DNS-1123 name (or an IP address) that the API server certificate names',
          fix: h.fix ?? 'set it to a name in the API server certificate',
        });
      }
    }
    for (const field of ['region', 'zone'] as const) {
      const value = this[field];
      if (value !== undefined && (value === '' || !isLabelValue(value))) {
        problems.push({
          cluster, field, value, message: 'is not a valid Kubernetes label value',
          allowed: 'letters, digits, "-", "_" and ".", starting and ending with a letter or digit, 1-63 characters', fix: `use the node label topology.kubernetes.io/${field} value of the cluster`,
        });
      }
    }
    problems.push(...this.eastWestGatewayProblems());
    problems.push(...gatewayDeploymentProblems({ cluster, field: 'eastWestGateway' }, this.eastWestGatewayOptions));
    problems.push(...gatewayDeploymentProblems({ cluster, field: 'ingressGateway' }, this.ingressGatewayOptions));
    if (Object.keys(this.ingressGatewayOptions).length > 0 && !this.mesh.applications.all.some((a) => a.ingress?.clusters.includes(this))) {
      problems.push({ cluster, field: 'ingressGateway', value: this.ingressGatewayOptions, message: 'is set but no application has an ingress in this cluster, so there is no ingress gateway to apply it to', fix: 'add the cluster to an application\'s ingress.clusters, or remove ingressGateway' });
    }
    problems.push(...installValuesProblems({ cluster, field: 'installValues' }, this.installValues, { sail: this.mesh.argoCd?.istioInstall === IstioInstallMethod.SAIL_OPERATOR }));
    problems.push(...this.argoCdDestinationProblems());
    problems.push(...this.externalControlPlaneProblems());
    problems.push(...clusterVerificationProblems(this));
    return problems;
  }

  private eastWestGatewayProblems(): Problem[] {
    const problems: Problem[] = [];
    const cluster = this.name;
    const address = this.eastWestGatewayOptions.address;
    if (address !== undefined) {
      const h = checkHost(address);
      const unreachable = isHost(h) ? unreachableHostProblem(address, h) : undefined;
      if (!isHost(h) || unreachable) {
        problems.push({
          cluster, field: 'eastWestGateway.address', value: address,
          message: isHost(h) ? `${unreachable}, which clusters on other networks cannot reach` : `is neither an IP address nor a DNS name: it ${h.problem}`,
          allowed: 'an IPv4/IPv6 address (pins the LoadBalancer) or a DNS name resolving to the gateway',
          fix: (!isHost(h) && h.fix) || 'reserve a static IP for the gateway LoadBalancer and give it here',
        });
      }
    }
    if (this.eastWestGatewayOptions.enabled === false && address !== undefined) {
      problems.push({
        cluster, field: 'eastWestGateway.address', value: address,
        message: 'is set but the east-west gateway is disabled (eastWestGateway.enabled: false)',
        fix: 'remove the address or enable the gateway',
      });
    }
    const annotations = this.eastWestGatewayOptions.serviceAnnotations ?? {};
    for (const [key, value] of Object.entries(annotations)) {
      const field = `eastWestGateway.serviceAnnotations.${key}`;
      const p = qualifiedNameProblem(key);
      if (p) {
        problems.push({
          cluster, field: 'eastWestGateway.serviceAnnotations', value: key,
          message: `has a key that is not a valid Kubernetes annotation key: it ${p}`,
          allowed: 'an optional DNS-subdomain prefix (at most 253 characters) and "/", then a name of at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
          fix: 'use the annotation key exactly as your cloud or controller documents it, e.g. "service.beta.kubernetes.io/aws-load-balancer-internal"',
        });
      } else if (key === SYNC_WAVE_ANNOTATION) {
        problems.push({
          cluster, field, value,
          message: 'is set by synth itself from the object\'s phase (the order Argo CD applies objects in); a value here would be overwritten',
          fix: 'remove it',
        });
      }
      if (typeof value !== 'string') {
        problems.push({ cluster, field, value, message: 'is not a string; annotation values are strings', fix: `quote the value, e.g. "${String(value)}"` });
      } else {
        const bad = firstUntransportableCharacter(value);
        if (bad) problems.push({ cluster, field, value, message: `has a character kubectl, kustomize and Argo CD cannot read back (${bad})`, allowed: 'printable text, tabs and line breaks', fix: 'remove the control character' });
      }
    }
    const size = annotationsSize(annotations);
    if (size > ANNOTATIONS_MAX_BYTES) {
      problems.push({
        cluster, field: 'eastWestGateway.serviceAnnotations', value: `${Object.keys(annotations).length} annotations, ${size} bytes`,
        message: `are ${size} bytes in total (keys and values); Kubernetes refuses an object whose annotations exceed ${ANNOTATIONS_MAX_BYTES} bytes (256 KiB)`,
        fix: 'shorten or drop annotations; large data belongs in a ConfigMap',
      });
    }
    return problems;
  }

  private argoCdDestinationProblems(): Problem[] {
    const problems: Problem[] = [];
    const cluster = this.name;
    const dest = this.argoCdDestination;
    if (dest.name !== undefined && dest.server !== undefined) {
      problems.push({ cluster, field: 'argoCdDestination', value: dest, message: 'names both a cluster name and a server; Argo CD takes one', fix: 'keep either name or server' });
    }
    if (dest.name !== undefined) {
      const unsafe = firstUnsafeCharacter(dest.name);
      const why = dest.name === '' ? 'is empty'
        : hasTemplateDelimiter(dest.name) ? 'contains "{{" or "}}"'
          : unsafe ? `contains a whitespace or control character (${unsafe})`
            : dest.name.length > 253 ? `is ${dest.name.length} characters long` : undefined;
      if (why) {
        problems.push({
          cluster, field: 'argoCdDestination.name', value: dest.name, message: `is not a usable Argo CD cluster name: it ${why}`,
          allowed: 'the name of a cluster registered in Argo CD: 1-253 printable characters without whitespace',
          fix: `use the NAME column of \`argocd cluster list\`, or omit it for "${cluster}"`,
        });
      }
    }
    if (dest.server !== undefined) {
      const url = checkUrl(dest.server, { schemes: ['https'], path: 'prefix' });
      if (!isUrl(url)) {
        problems.push({
          cluster, field: 'argoCdDestination.server', value: url.redacted ?? dest.server, message: `is not an https URL of an API server: it ${url.problem}`,
          allowed: 'https://<host>[:<port>][/<path prefix>], the API server URL the cluster is registered under in Argo CD',
          fix: url.fix ?? 'use the SERVER column of `argocd cluster list`',
        });
      }
    }
    return problems;
  }

  private externalControlPlaneProblems(): Problem[] {
    const problems: Problem[] = [];
    const cluster = this.name;
    const external = this.controlPlane.external;
    if (!external) return problems;
    const h = checkHost(external.address);
    const unreachable = isHost(h) ? unreachableHostProblem(external.address, h) : undefined;
    if (!isHost(h) || unreachable) {
      problems.push({
        cluster, field: 'externalIstiod.address', value: external.address,
        message: isHost(h) ? `${unreachable}, which the remote clusters cannot reach` : `is neither an IP address nor a DNS name: it ${h.problem}`,
        allowed: 'a DNS name with a certificate (TLS terminated at the gateway; remotes use injectionURL/validationURL) or an IP (test setups; TLS passes through, remotes use remotePilotAddress)',
        fix: (!isHost(h) && h.fix) || 'use the DNS name (or static IP) of the external cluster\'s ingress gateway',
      });
    } else if (h.kind === 'dns' && external.tlsCredentialName === undefined) {
      problems.push({
        cluster, field: 'externalIstiod.tlsCredentialName',
        message: `is missing: the ingress gateway terminates TLS for "${external.address}" and needs the certificate's Secret name (the docs' SSL_SECRET_NAME)`,
        fix: 'name the TLS Secret in istio-system of this cluster (created by cert-manager or your PKI); only the name is written',
      });
    }
    if (external.tlsCredentialName !== undefined && !isDnsSubdomain(external.tlsCredentialName)) {
      problems.push({
        cluster, field: 'externalIstiod.tlsCredentialName', value: external.tlsCredentialName,
        message: 'is not a valid Secret name (the gateway looks the certificate up by it)',
        allowed: 'a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", at most 253 characters',
        fix: `use the name of the TLS Secret in istio-system, e.g. "${toDnsSubdomain(external.tlsCredentialName, 'external-istiod-tls')}"`,
      });
    }
    if (external.namespace !== undefined && !isDnsLabel(external.namespace)) {
      problems.push({
        cluster, field: 'externalIstiod.namespace', value: external.namespace, message: 'is not a valid namespace name',
        allowed: 'a DNS-1123 label: lowercase letters, digits and "-", at most 63 characters', fix: `use e.g. "${EXTERNAL_ISTIOD_NAMESPACE}"`,
      });
    } else if (external.namespace === ISTIO_SYSTEM_NAMESPACE) {
      problems.push({
        cluster, field: 'externalIstiod.namespace', value: external.namespace,
        message: `is the namespace of this cluster's ingress gateway and its helper istiod; the external istiod needs a namespace of its own`,
        fix: `use "${EXTERNAL_ISTIOD_NAMESPACE}" (the docs' choice) or omit it`,
      });
    }
    return problems;
  }

  /**
   * Creates the cluster's objects from the validated model. Called once by the mesh before synthesis.
   * @internal
   */
  public _build(): void {
    if (this.built) return;
    this.built = true;
    const cp = this.controlPlane;
    const namespace = this.controlPlaneNamespace;
    const multiNetwork = this.mesh.isMultiNetwork;
    const external = cp.model === ControlPlaneModel.EXTERNAL;
    const store = this.mesh.secretStore!;

    // The control-plane namespace exists before Istio is installed, with the labels and annotations Istio
    // reads from it: the network on multi-network meshes, and on remotes the cluster ID of the istiod
    // that manages them.
    const annotation = this.controlPlaneClusters;
    new k8s.KubeNamespace(this, 'ControlPlaneNamespace', {
      metadata: {
        name: namespace,
        ...(multiNetwork && !external ? { labels: { [NETWORK_LABEL]: this.network.name } } : {}),
        ...(annotation ? { annotations: { [CONTROL_PLANE_CLUSTERS_ANNOTATION]: annotation } } : {}),
      },
    });

    // Trust: every istiod's cacerts chains to the mesh root, in place before istiod starts. Remote
    // clusters run no CA, so no CA key is sent to them.
    if (cp.runsIstiod) {
      new SharedTrust(this, 'SharedTrust', { source: this.mesh.trust, clusterName: this.name, namespace, store: this.mesh.secretStore });
    }

    if (this.mesh.argoCd?.istioInstall === IstioInstallMethod.SAIL_OPERATOR) {
      new SailIstio(this, 'SailIstio', { releases: this.installInputs.releases, updateStrategy: this.mesh.revisions.sailUpdateStrategy });
    }

    // Endpoint discovery, both halves: here the credentials of this cluster for the istiods that
    // discover it, and here the remote secrets of the clusters this cluster's istiod discovers.
    const { asConsumer: mine, asSource } = this.mesh.endpointDiscoveryOf(this);
    if (asSource.some((e) => e.kind === 'remote')) {
      new ReaderIdentity(this, 'ReaderIdentity', { clusterName: this.name, namespace, store, remoteProfile: !cp.runsIstiod });
    }
    if (asSource.some((e) => e.kind === 'config')) {
      new ConfigClusterCredentials(this, 'ConfigClusterCredentials', { clusterName: this.name, namespace, store });
    }
    for (const e of mine.filter((x) => x.kind === 'config')) {
      new RemoteSecret(this, 'ConfigKubeconfig', { source: e.source.access, namespace, store, config: true });
    }
    const remoteSources = mine.filter((e) => e.kind === 'remote').map((e) => e.source);
    if (remoteSources.length > 0) {
      if (this.mesh.remoteSecretDelivery === RemoteSecretDelivery.KUBECONFIG_DIRECTORY) {
        new RemoteKubeconfigDirectory(this, 'RemoteKubeconfigs', { sources: remoteSources.map((s) => s.access), namespace, store });
      } else {
        for (const source of remoteSources) {
          new RemoteSecret(this, `RemoteSecret-${source.name}`, { source: source.access, namespace, store });
        }
      }
    }

    // Mesh-wide policy lives where the mesh config is read from.
    if (this.mesh.strictMtls && this.isConfigCluster) {
      new MeshWideMtls(this, 'MeshWideMtls', { namespace });
    }

    // Ambient meshes get the ambient east-west Gateway instead (src/ambient).
    if (this.hasEastWestGateway && !this.mesh.ambient.enabled) {
      const address = this.eastWestGatewayOptions.address;
      const gateway = new EastWestGateway(this, 'EastWestGateway', {
        namespace,
        network: this.network.name,
        loadBalancerIP: address !== undefined && parseIp(address) ? address : undefined,
        serviceAnnotations: this.eastWestGatewayOptions.serviceAnnotations,
        deployment: this.eastWestGatewayOptions,
      });
      const selector = { istio: gateway.selectorLabels.istio };
      // expose-services.yaml: applied where the mesh config lives; on primary-remote and external
      // control planes that exposes the services on every east-west gateway of the mesh.
      if (multiNetwork && this.isConfigCluster) {
        new CrossNetworkGateway(this, 'CrossNetworkGateway', { namespace, selector });
      }
      // expose-istiod.yaml: a primary serving remotes or joined by VMs exposes istiod on its east-west gateway.
      // With revisions, each revision's istiod is exposed instead (src/revisions, expose-istiod-rev.yaml.tmpl).
      if (cp.model === ControlPlaneModel.PRIMARY && (this.servedClusters.length > 0 || this.mesh.vmGroups.joins(this)) && !this.mesh.revisions.enabled) {
        new IstiodExposure(this, 'ExposeIstiod', {
          namespace,
          names: { gateway: 'istiod-gateway', virtualService: 'istiod-vs', destinationRule: 'istiod-dr' },
          selector,
          istiodNamespace: namespace,
          portNames: { xds: 'tls-istiod', webhook: 'tls-istiodwebhook' },
        });
      }
    }

    if (external) this.buildExternalControlPlane();
  }

  /**
   * The hosting cluster of an external control plane, as the docs set it up: an ingress gateway in
   * istio-system exposing 15012/15017 (injected by a helper istiod there, see install inputs), and the
   * Gateway, VirtualService and DestinationRule routing it to the external istiod.
   */
  private buildExternalControlPlane(): void {
    const options = this.controlPlane.external!;
    const namespace = this.controlPlaneNamespace;
    new k8s.KubeNamespace(this, 'IstioSystemNamespace', { metadata: { name: ISTIO_SYSTEM_NAMESPACE } });
    const ingress = new IstioGatewayChart(this, 'IngressGateway', {
      name: 'istio-ingressgateway',
      namespace: ISTIO_SYSTEM_NAMESPACE,
      // The ports of the docs' controlplane-gateway.yaml.
      ports: [{ name: 'status-port', port: 15021 }, { name: 'tls-xds', port: 15012 }, { name: 'tls-webhook', port: 15017 }],
      loadBalancerIP: parseIp(options.address) ? options.address : undefined,
    });
    const tls = isExternalTlsAtGateway(this.controlPlane);
    new IstiodExposure(this, 'ExternalIstiodGateway', {
      namespace,
      names: { gateway: 'external-istiod-gw', virtualService: 'external-istiod-vs', destinationRule: 'external-istiod-dr' },
      selector: { istio: ingress.selectorLabels.istio },
      istiodNamespace: namespace,
      portNames: tls ? { xds: 'https-XDS', webhook: 'https-WEBHOOK' } : { xds: 'tls-XDS', webhook: 'tls-WEBHOOK' },
      tls: tls ? { host: options.address, credentialName: options.tlsCredentialName! } : undefined,
    });
  }
}

/** True when an external control plane terminates TLS at its gateway (a DNS name, the production setup). */
function isExternalTlsAtGateway(cp: ControlPlane): boolean {
  return cp.external !== undefined && parseIp(cp.external.address) === undefined;
}
