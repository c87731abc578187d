import type { TopologyDocument } from './loader';

/**
 * The embedded default topology, synthesized when MESH_TOPOLOGY is not set: the multi-primary,
 * multi-network mesh that Istio's docs walk through (mesh1; cluster1 on network1, cluster2 on
 * network2, both primary, with east-west gateways) and the docs' verification workloads.
 * examples/multi-primary-multi-network.yaml is the same topology as a file.
 *
 * The API server URLs, the store name and the Git repository are example values: replace them with your own.
 *
 * @see https://istio.io/latest/docs/setup/install/multicluster/multi-primary_multi-network/
 */
export const DEFAULT_TOPOLOGY: TopologyDocument = {
  meshID: 'mesh1',
  // The External Secrets store every cluster has, holding reader tokens and each cluster's cacerts.
  secretStore: { name: 'mesh-secrets' },
  // Where dist/ is committed, for the Argo CD Applications in dist/_argocd/.
  argoCd: { repoURL: 'https://git.example.com/platform/mesh1-gitops.git' },
  clusters: [
    {
      clusterName: 'cluster1',
      network: 'network1',
      apiServer: 'https://cluster1.k8s.example.com:6443',
      verificationWorkloads: { helloworldVersion: 'v1' },
    },
    {
      clusterName: 'cluster2',
      network: 'network2',
      apiServer: 'https://cluster2.k8s.example.com:6443',
      verificationWorkloads: { helloworldVersion: 'v2' },
    },
  ],
};
