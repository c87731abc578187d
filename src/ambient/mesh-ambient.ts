import { ApiObject } from 'cdk8s';
import type { Cluster } from '../cluster';
import { ControlPlaneModel } from '../control-plane';
import { ISTIO_VERSION } from '../istio';
import type { Problem } from '../problem';
import { Phase } from '../phase';
import { AmbientEastWestGateway } from './ambient-east-west-gateway';
import type { AmbientInstallFacts } from './ambient-install';
import { GATEWAY_API_MIN_KUBERNETES, GATEWAY_API_VERSION, parseKubernetesVersion } from './gateway-api';

/** How workloads join the mesh. */
export enum DataPlaneMode {
  /** Sidecar proxies injected into the pods (namespaces labelled for injection). */
  SIDECAR = 'sidecar',
  /**
   * Ambient: ztunnel on every node, waypoints where L7 is needed; namespaces labelled
   * `istio.io/dataplane-mode=ambient`. Multicluster ambient is Beta for multi-primary on several networks
   * since Istio 1.29.
   */
  AMBIENT = 'ambient',
}

/** Namespace label enrolling workloads in ambient mode. */
export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
/** Service label making an ambient service reachable from other clusters (meshConfig.serviceScopeConfigs of the ambient profile). */
export const GLOBAL_SERVICE_LABEL = 'istio.io/global';

/** Ambient settings of a mesh. */
export interface AmbientProps {
  /**
   * Accept ambient on several clusters of ONE network, which Istio calls alpha: "untested, and may be
   * broken" (docs ambient/install/multicluster). Synth warns. @default false
   */
  readonly allowSingleNetwork?: boolean;
  /**
   * Let ingress gateways route to endpoints on other networks (istiod `AMBIENT_ENABLE_MULTI_NETWORK_INGRESS`,
   * through the east-west gateways with double HBONE). Istio 1.30.3 leaves it off: "by default ingress
   * gateways will keep traffic local" (pilot/pkg/features/ambient.go), and its endpoint filter then drops
   * every endpoint on another network for an ingress gateway (pilot/pkg/xds/endpoints/ep_filters.go), so
   * an application's ingress only reaches workloads on its own cluster's network; synth refuses an ingress
   * that would reach none. (The 1.29 change notes call it on by default; the code says off.)
   * @default false
   */
  readonly ingressAcrossNetworks?: boolean;
}

/** What the ambient part needs to know of the mesh. */
export interface AmbientHost {
  readonly clusters: readonly Cluster[];
  readonly isMultiNetwork: boolean;
  readonly applications: { readonly all: readonly { readonly namespace: string; readonly services: readonly { readonly name: string; readonly clusterLocal: boolean }[] }[] };
  readonly vmGroups: { readonly all: readonly { readonly name: string; readonly field: string }[] };
}

/**
 * The data-plane mode of a mesh and, for ambient, every output that follows from it: the ambient install
 * inputs per cluster (see withAmbient), the ambient east-west `Gateway` on each network instead of the
 * classic one, namespaces enrolled with `istio.io/dataplane-mode=ambient`, the application's services
 * reachable across clusters labelled `istio.io/global: "true"` in every cluster that has them, and the
 * Sail `IstioCNI`/`ZTunnel`. Istio's documented limits are problems: no primary-remote, no external
 * control plane, single network only with an explicit opt-in.
 *
 * @see https://istio.io/latest/docs/ambient/install/multicluster/
 */
export class MeshAmbient {
  constructor(private readonly mesh: AmbientHost, public readonly mode: DataPlaneMode = DataPlaneMode.SIDECAR, public readonly props: AmbientProps = {}) {}

  /** Whether the mesh installs the ambient components (on every cluster). */
  public get enabled(): boolean { return this.mode === DataPlaneMode.AMBIENT; }

  /**
   * How a cluster's application workloads join the mesh: its declared `dataPlaneMode`, else the mesh's.
   * A sidecar cluster of an ambient mesh still installs the ambient profile (installFacts): the profile
   * sets `ISTIO_META_ENABLE_HBONE` for sidecars (manifests/helm-profiles/ambient.yaml), which is what lets
   * them reach the ambient workloads of the other clusters; this is Istio's migration order, ambient
   * components first and workloads namespace by namespace (istio.io docs ambient/migrate).
   */
  public workloadMode(cluster: Cluster): DataPlaneMode {
    return cluster.dataPlaneMode ?? this.mode;
  }

  /** Clusters of an ambient mesh whose workloads keep sidecars. */
  private get sidecarClusters(): readonly Cluster[] {
    return this.enabled ? this.mesh.clusters.filter((c) => this.workloadMode(c) === DataPlaneMode.SIDECAR) : [];
  }

  /** The ambient install facts of a cluster, or undefined for a sidecar mesh. */
  public installFacts(cluster: Cluster): AmbientInstallFacts | undefined {
    if (!this.enabled || !cluster.controlPlane.runsIstiod) return undefined;
    return {
      clusterName: cluster.name, network: cluster.network.name, multiNetwork: this.mesh.isMultiNetwork,
      ingressAcrossNetworks: this.mesh.isMultiNetwork && (this.props.ingressAcrossNetworks ?? false),
    };
  }

  /** Labels of an application namespace (ambient enrolment; with revisions also istio.io/rev). */
  public namespaceLabels(): { [key: string]: string } {
    return { [DATAPLANE_MODE_LABEL]: 'ambient' };
  }

  /** What synth should tell the user without failing. */
  public warnings(): string[] {
    const warnings: string[] = [];
    if (this.enabled && !this.mesh.isMultiNetwork && this.mesh.clusters.length > 1 && this.props.allowSingleNetwork) {
      warnings.push('ambient on several clusters of one network is alpha in Istio 1.30 ("untested, and may be broken", istio.io docs ambient/install/multicluster); accepted because ambient.allowSingleNetwork is true');
    }
    const sidecars = this.sidecarClusters.map((c) => c.name);
    if (sidecars.length > 0 && sidecars.length < this.mesh.clusters.length) {
      warnings.push(`the workloads of ${sidecars.map((n) => `"${n}"`).join(', ')} keep sidecars in an ambient mesh: Istio supports sidecars beside ambient workloads for migration, with known issues across clusters (istio/istio issues labelled migrate-sidecar-to-ambient); move them to ambient (drop the cluster's dataPlaneMode) once migrated`);
    }
    return warnings;
  }

  public problems(): Problem[] {
    const problems: Problem[] = [];
    for (const c of this.mesh.clusters) {
      if (c.kubernetesVersion !== undefined) {
        const v = parseKubernetesVersion(c.kubernetesVersion);
        const [minMajor, minMinor] = GATEWAY_API_MIN_KUBERNETES;
        if (!v) {
          problems.push({ cluster: c.name, field: 'kubernetesVersion', value: c.kubernetesVersion, message: 'is not a Kubernetes version', allowed: 'MAJOR.MINOR or vMAJOR.MINOR.PATCH, e.g. "1.33"', fix: 'write the version `kubectl version` reports for the server, e.g. "1.33"' });
        } else if (this.enabled && (v[0] < minMajor || (v[0] === minMajor && v[1] < minMinor))) {
          problems.push({
            cluster: c.name, field: 'kubernetesVersion', value: c.kubernetesVersion,
            message: `is too old for the Gateway API ${GATEWAY_API_VERSION} that ambient needs (the ambient east-west Gateway)`,
            allowed: `Kubernetes ${minMajor}.${minMinor} or newer`,
            fix: `upgrade the cluster to Kubernetes ${minMajor}.${minMinor}+ before enabling ambient, or keep dataPlaneMode: sidecar`,
          });
        }
      }
    }
    if (!this.enabled) {
      for (const c of this.mesh.clusters.filter((x) => x.dataPlaneMode === DataPlaneMode.AMBIENT)) {
        problems.push({
          cluster: c.name, field: 'dataPlaneMode', value: 'ambient',
          message: 'asks for ambient workloads in a sidecar mesh: ambient needs ztunnel and istio-cni on the cluster and, so that the sidecars of the other clusters can reach its workloads, the ambient profile (HBONE for sidecars) on every cluster of the mesh',
          allowed: 'sidecar, or ambient when the mesh\'s dataPlaneMode is ambient',
          fix: 'set the mesh\'s dataPlaneMode: ambient (every cluster installs the ambient components; sidecars keep working) and declare dataPlaneMode: sidecar on the clusters whose workloads keep sidecars, or remove this cluster\'s dataPlaneMode',
        });
      }
      return problems;
    }
    for (const c of this.mesh.clusters) {
      const model = c.controlPlane.model;
      if (model === ControlPlaneModel.REMOTE) {
        problems.push({
          cluster: c.name, field: 'primaryClusterName', value: c.controlPlane.servedBy?.name,
          message: 'makes this cluster a remote, and ambient does not support primary-remote ("Primary remote configuration is not currently supported"); the ambient east-west gateway carries meshed mTLS only and cannot expose istiod (a classic east-west gateway beside it would be needed)',
          allowed: 'a primary (omit primaryClusterName) on its own network',
          fix: 'make every cluster a primary on its own network, or use dataPlaneMode: sidecar',
        });
      } else if (model === ControlPlaneModel.PRIMARY && c.discoveryAddress !== undefined) {
        problems.push({
          cluster: c.name, field: 'eastWestGateway.address', value: c.discoveryAddress,
          message: 'is the address remotes reach istiod at, and the ambient east-west gateway cannot expose istiod ("only support meshed mTLS traffic"); it would need a classic east-west gateway beside it, for remotes ambient does not support',
          fix: 'remove eastWestGateway.address (istiod deploys the ambient gateway and its Service for the Gateway)',
        });
      } else if (model === ControlPlaneModel.EXTERNAL) {
        problems.push({
          cluster: c.name, field: 'controlPlane', value: 'external',
          message: 'hosts an external control plane, which ambient multicluster does not support',
          fix: 'run istiod on every cluster (multi-primary), or use dataPlaneMode: sidecar',
        });
      }
    }
    for (const g of this.mesh.vmGroups.all) {
      problems.push({
        field: g.field, value: g.name,
        message: 'joins VMs to an ambient mesh: a VM reaches istiod through a classic east-west gateway exposing it (expose-istiod), which an ambient mesh does not install, and the ambient east-west gateway carries meshed HBONE only and cannot expose istiod; VM WorkloadEntries in ambient multicluster are an open Istio issue (istio/istio#46779)',
        allowed: 'VM groups in a sidecar mesh',
        fix: 'remove the VM group, or run the mesh with dataPlaneMode: sidecar',
      });
    }
    if (this.mesh.clusters.length > 1 && !this.mesh.isMultiNetwork && !this.props.allowSingleNetwork) {
      problems.push({
        field: 'dataPlaneMode', value: 'ambient',
        message: 'spans several clusters on one network: ambient single-network multicluster is alpha ("untested, and may be broken"); only multi-primary on several networks is Beta (Istio 1.29+)',
        allowed: 'clusters on different networks, or an explicit opt-in',
        fix: 'put each cluster on its own network, or accept the alpha status with ambient: { allowSingleNetwork: true }',
      });
    }
    return problems;
  }

  /** Places the ambient objects into the cluster charts (after the clusters and applications are built). */
  public build(sail: boolean): void {
    if (!this.enabled) return;
    const globals = this.mesh.applications.all.flatMap((a) => a.services.filter((s) => !s.clusterLocal).map((s) => `${a.namespace}/${s.name}`));
    for (const cluster of this.mesh.clusters) {
      if (cluster.hasEastWestGateway && this.mesh.isMultiNetwork) {
        new AmbientEastWestGateway(cluster, 'AmbientEastWestGateway', { namespace: cluster.controlPlaneNamespace, network: cluster.network.name });
      }
      for (const obj of cluster.node.findAll()) {
        if (obj instanceof ApiObject && obj.kind === 'Service' && globals.includes(`${obj.metadata.namespace}/${obj.name}`)) {
          obj.metadata.addLabel(GLOBAL_SERVICE_LABEL, 'true');
        }
      }
      if (sail) {
        const namespace = cluster.controlPlaneNamespace;
        const version = `v${ISTIO_VERSION}`;
        // In the control-plane namespace, as the Helm path installs them: istiod trusts a ztunnel in its
        // own namespace by default (istio-discovery deployment.yaml, trustedZtunnelNamespace).
        const cni = new ApiObject(cluster, 'SailIstioCNI', { apiVersion: 'sailoperator.io/v1', kind: 'IstioCNI', metadata: { name: 'default' }, spec: { version, namespace, profile: 'ambient' } });
        const zt = new ApiObject(cluster, 'SailZTunnel', {
          apiVersion: 'sailoperator.io/v1', kind: 'ZTunnel', metadata: { name: 'default' },
          // logLevel and terminationGracePeriodSeconds: the CRD's defaults, written out so that a diff settles.
          spec: { version, namespace, values: { ztunnel: { multiCluster: { clusterName: cluster.name }, network: cluster.network.name, logLevel: 'info', terminationGracePeriodSeconds: 30 } } },
        });
        Phase.assign(cni, Phase.ISTIO);
        Phase.assign(zt, Phase.ISTIO);
      }
    }
  }
}
