import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { ControlPlane } from './control-plane';
import { CrossNetworkGateway } from './cross-network-gateway';
import { EastWestGateway, EastWestGatewayOptions } from './east-west-gateway';
import { InstallInputs, primaryInstallInputs } from './install-inputs';
import { NETWORK_LABEL } from './istio';
import type { Mesh } from './mesh';
import { MeshWideMtls } from './mesh-security';
import { ReaderIdentity } from './reader-identity';
import {
  RemoteClusterAccess, RemoteKubeconfigDirectory, RemoteSecret, RemoteSecretDelivery,
  REMOTE_KUBECONFIGS_PATH, REMOTE_KUBECONFIGS_SECRET,
} from './remote-secret';
import { SharedTrust } from './trust';
import { isDnsLabel, isDnsSubdomain, isLabelValue } from './names';
import { parseCidr, parseIp } from './cidr';
import type { Network } from './network';
import { Problem } from './problem';
import { VerificationWorkloads, VerificationWorkloadsProps } from './verification-workloads';

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
   * The cluster's pod CIDR (Istio's topology field `podSubnet`). Clusters on one network must have
   * unique, non-overlapping ranges; declare it so that synth can check.
   * @default - unknown, not checked
   */
  readonly podSubnet?: string;

  /**
   * The cluster's service CIDR (Istio's topology field `svcSubnet`).
   * @default - unknown, not checked
   */
  readonly svcSubnet?: string;

  /**
   * URL of the cluster's Kubernetes API server as the other clusters' control planes reach it
   * (`https://host[:port]`); it becomes the `server` of the remote secret's kubeconfig.
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

  private readonly eastWestGatewayOptions: EastWestGatewayOptions;
  private verification?: VerificationWorkloadsProps;
  private built = false;

  /** @internal use `Mesh.addCluster()` */
  constructor(mesh: Mesh, name: string, props: ClusterProps) {
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
  }

  /** The control-plane namespace of this cluster. */
  public get controlPlaneNamespace(): string {
    return this.mesh.controlPlaneNamespace;
  }

  /**
   * Whether this cluster gets an east-west gateway: as declared, else every primary of a
   * multi-network mesh (its services must be reachable from the other networks).
   */
  public get hasEastWestGateway(): boolean {
    return this.eastWestGatewayOptions.enabled
      ?? (this.controlPlane.runsIstiod && this.mesh.isMultiNetwork);
  }

  /** The declared static address of the east-west gateway, if any. */
  public get eastWestGatewayAddress(): string | undefined {
    return this.eastWestGatewayOptions.address;
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
    return this.mesh.endpointDiscovery.filter((e) => e.consumer === this).map((e) => e.source);
  }

  /** The clusters whose istiod discovers this cluster (this cluster holds a reader identity for them). */
  public get discoveredBy(): Cluster[] {
    return this.mesh.endpointDiscovery.filter((e) => e.source === this).map((e) => e.consumer);
  }

  /** How the other clusters' control planes reach this cluster's API server. */
  public get access(): RemoteClusterAccess {
    if (this.apiServer === undefined) throw new Error(`cluster "${this.name}" has no apiServer`);
    return { cluster: this.name, apiServer: this.apiServer, tlsServerName: this.tlsServerName };
  }

  /** Istio's install inputs for this cluster (Helm values and IstioOperator). */
  public get installInputs(): InstallInputs {
    const directory = this.mesh.remoteSecretDelivery === RemoteSecretDelivery.KUBECONFIG_DIRECTORY && this.discovers.length > 0;
    return primaryInstallInputs({
      meshId: this.mesh.meshId,
      clusterName: this.name,
      network: this.network.name,
      trustDomain: this.mesh.trustDomain,
      namespace: this.controlPlaneNamespace,
      externalIstiod: this.controlPlane.externalIstiod ?? false,
      readerIdentityInOutput: this.discoveredBy.length > 0,
      kubeconfigDirectory: directory ? { secretName: REMOTE_KUBECONFIGS_SECRET, path: REMOTE_KUBECONFIGS_PATH } : undefined,
    });
  }

  /** Problems found in this cluster's own props (mesh-wide checks live in Mesh). */
  public problems(): Problem[] {
    const problems: Problem[] = [];
    const cluster = this.name;
    if (!isDnsLabel(this.name)) {
      problems.push({
        cluster, field: 'clusterName', value: this.name,
        message: 'is not a DNS-1123 label; Istio uses it in Secret names and the cluster ID',
        allowed: 'lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters',
        fix: `rename the cluster, e.g. "${this.name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'cluster1'}"`,
      });
    }
    for (const field of ['podSubnet', 'svcSubnet'] as const) {
      const value = this[field];
      if (value !== undefined && !parseCidr(value)) {
        problems.push({
          cluster, field, value, message: 'is not a valid CIDR',
          allowed: 'an IPv4 or IPv6 CIDR such as "10.10.0.0/16" or "fd00:10::/56"',
          fix: `set ${field} to the cluster's ${field === 'podSubnet' ? 'pod' : 'service'} range as the cluster reports it`,
        });
      }
    }
    if (this.apiServer !== undefined) {
      let ok = false;
      try {
        const url = new URL(this.apiServer);
        ok = url.protocol === 'https:' && url.hostname !== '' && (url.pathname === '/' || url.pathname === '');
      } catch {
        ok = false;
      }
      if (!ok) {
        problems.push({
          cluster, field: 'apiServer', value: this.apiServer,
          message: 'is not an https URL of an API server',
          allowed: 'https://<host>[:<port>], e.g. "https://cluster1.k8s.example.com:6443"',
          fix: 'use the API server address the other clusters reach (kubectl config view --minify -o jsonpath="{.clusters[0].cluster.server}")',
        });
      } else if (/^(localhost|127\.|\[::1\])/.test(new URL(this.apiServer).hostname)) {
        problems.push({
          cluster, field: 'apiServer', value: this.apiServer,
          message: 'points at the local machine, which other clusters cannot reach (istioctl warns about the same)',
          fix: 'use an address of the API server that is reachable from the other clusters',
        });
      }
    }
    if (this.tlsServerName !== undefined && !isDnsSubdomain(this.tlsServerName)) {
      problems.push({
        cluster, field: 'tlsServerName', value: this.tlsServerName, message: 'is not a DNS name',
        allowed: 'a host name the API server certificate names', fix: 'set it to a name in the API server certificate',
      });
    }
    for (const field of ['region', 'zone'] as const) {
      const value = this[field];
      if (value !== undefined && (value === '' || !isLabelValue(value))) {
        problems.push({
          cluster, field, value, message: 'is not a valid Kubernetes label value',
          allowed: 'letters, digits, "-", "_" and ".", at most 63 characters', fix: `use the node label topology.kubernetes.io/${field} value of the cluster`,
        });
      }
    }
    const address = this.eastWestGatewayOptions.address;
    if (address !== undefined && !parseIp(address) && !isDnsSubdomain(address)) {
      problems.push({
        cluster, field: 'eastWestGateway.address', value: address, message: 'is neither an IP address nor a DNS name',
        allowed: 'an IPv4/IPv6 address (pins the LoadBalancer) or a DNS name resolving to the gateway',
        fix: 'reserve a static IP for the gateway LoadBalancer and give it here',
      });
    }
    if (this.eastWestGatewayOptions.enabled === false && address !== undefined) {
      problems.push({
        cluster, field: 'eastWestGateway.address', value: address,
        message: 'is set but the east-west gateway is disabled (eastWestGateway.enabled: false)',
        fix: 'remove the address or enable the gateway',
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
    const namespace = this.controlPlaneNamespace;
    const multiNetwork = this.mesh.isMultiNetwork;

    // The docs label the control-plane namespace with its network on multi-network meshes only.
    new k8s.KubeNamespace(this, 'ControlPlaneNamespace', {
      metadata: { name: namespace, ...(multiNetwork ? { labels: { [NETWORK_LABEL]: this.network.name } } : {}) },
    });

    // Trust: every cluster's cacerts chains to the mesh root, in place before istiod starts.
    new SharedTrust(this, 'SharedTrust', {
      source: this.mesh.trust, clusterName: this.name, namespace, store: this.mesh.secretStore,
    });

    // Endpoint discovery, both halves: the reader identity here for the istiods that discover this
    // cluster, and here the remote secrets of the clusters this cluster's istiod discovers.
    const store = this.mesh.secretStore!;
    if (this.discoveredBy.length > 0) {
      new ReaderIdentity(this, 'ReaderIdentity', { clusterName: this.name, namespace, store });
    }
    const sources = this.discovers;
    if (sources.length > 0) {
      if (this.mesh.remoteSecretDelivery === RemoteSecretDelivery.KUBECONFIG_DIRECTORY) {
        new RemoteKubeconfigDirectory(this, 'RemoteKubeconfigs', { sources: sources.map((s) => s.access), namespace, store });
      } else {
        for (const source of sources) {
          new RemoteSecret(this, `RemoteSecret-${source.name}`, { source: source.access, namespace, store });
        }
      }
    }

    if (this.mesh.strictMtls && this.controlPlane.runsIstiod) {
      new MeshWideMtls(this, 'MeshWideMtls', { namespace });
    }

    if (this.hasEastWestGateway) {
      const address = this.eastWestGatewayOptions.address;
      const gateway = new EastWestGateway(this, 'EastWestGateway', {
        namespace,
        network: this.network.name,
        loadBalancerIP: address !== undefined && parseIp(address) ? address : undefined,
        serviceAnnotations: this.eastWestGatewayOptions.serviceAnnotations,
      });
      // expose-services.yaml: on multi-network meshes every primary exposes its services.
      if (multiNetwork && this.controlPlane.runsIstiod) {
        new CrossNetworkGateway(this, 'CrossNetworkGateway', { namespace, selector: { istio: gateway.selectorLabels.istio } });
      }
    }

    if (this.verification) {
      new VerificationWorkloads(this, 'VerificationWorkloads', this.verification);
    }
  }
}
