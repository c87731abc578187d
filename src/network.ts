import { Construct } from 'constructs';
import type { Cluster } from './cluster';
import type { Mesh } from './mesh';

/**
 * A network: a set of clusters whose pods reach each other's pod IPs directly. Clusters on different
 * networks reach each other only through east-west gateways.
 *
 * The network name is the single source of the `topology.istio.io/network` label on the control-plane
 * namespace and the gateway, of `global.network`, and of `ISTIO_META_REQUESTED_NETWORK_VIEW`.
 *
 * @see https://istio.io/latest/docs/ops/deployment/deployment-models/#network-models
 */
export class Network extends Construct {
  /** The network name, as used in `topology.istio.io/network`. */
  public readonly name: string;
  /** The mesh this network belongs to. */
  public readonly mesh: Mesh;

  /** @internal use `Mesh.addNetwork()` */
  constructor(mesh: Mesh, name: string) {
    super(mesh, `network-${name}`);
    this.mesh = mesh;
    this.name = name;
  }

  /** The clusters on this network, in declaration order. */
  public get clusters(): Cluster[] {
    return [...this.mesh.clustersOn(this)];
  }
}
