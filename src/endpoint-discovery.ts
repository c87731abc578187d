import type { Cluster } from './cluster';

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
}

/**
 * Derives the graph: every cluster running istiod discovers every other cluster of its mesh, since an
 * istiod that misses a cluster routes no traffic to its endpoints. For N primaries: N×(N−1) edges.
 */
export function endpointDiscoveryGraph(clusters: readonly Cluster[]): EndpointDiscovery[] {
  const edges: EndpointDiscovery[] = [];
  for (const consumer of clusters) {
    if (!consumer.controlPlane.runsIstiod) continue;
    for (const source of clusters) {
      if (source !== consumer) edges.push({ consumer, source });
    }
  }
  return edges;
}
