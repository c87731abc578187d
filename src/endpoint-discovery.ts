import type { Cluster } from './cluster';
import { ControlPlaneModel } from './control-plane';

/**
 * One edge of the endpoint-discovery graph: the istiod serving `consumer` reads the API server of
 * `source` to discover its endpoints, through a remote secret. Building an edge creates both halves in
 * the right places: the reader identity (and its PushSecret) in the source cluster's output, the remote
 * secret in the consumer's. The same relationship serves every control-plane model: multi-primary
 * (every primary discovers every other cluster), primary-remote (the primary discovers its remotes).
 */
export interface EndpointDiscovery {
  /** The cluster whose istiod discovers endpoints. */
  readonly consumer: Cluster;
  /** The cluster whose endpoints are discovered. */
  readonly source: Cluster;
  /**
   * `remote`: through the reader identity (`istioctl create-remote-secret`); `config`: the source is the
   * external istiod's config cluster, read with the `istiod` ServiceAccount (`--type=config`).
   */
  readonly kind: 'remote' | 'config';
}

/**
 * Derives the graph. Every primary discovers every other data-plane cluster of its mesh (an istiod that
 * misses a cluster routes no traffic to its endpoints), so N primaries hold N×(N−1) remote secrets and a
 * primary-remote primary holds one per remote. An external control plane discovers the clusters it
 * serves: its config cluster through `istio-kubeconfig`, the others through remote secrets.
 */
export function endpointDiscoveryGraph(clusters: readonly Cluster[]): EndpointDiscovery[] {
  const edges: EndpointDiscovery[] = [];
  for (const consumer of clusters) {
    const model = consumer.controlPlane.model;
    if (model === ControlPlaneModel.PRIMARY) {
      for (const source of clusters) {
        if (source !== consumer && source.controlPlane.model !== ControlPlaneModel.EXTERNAL) edges.push({ consumer, source, kind: 'remote' });
      }
    } else if (model === ControlPlaneModel.EXTERNAL) {
      for (const source of clusters) {
        if (source.controlPlane.servedBy === consumer) {
          edges.push({ consumer, source, kind: source.controlPlane.configCluster ? 'config' : 'remote' });
        }
      }
    }
  }
  return edges;
}
