import { k8s } from '../src/k8s';
import type { Mesh } from '../src/mesh';
import type { TopologyDocument } from '../src/topology/loader';

/** Clusters per network in the generated topologies. */
const CLUSTERS_PER_NETWORK = 5;
/** Services placed across the clusters. */
export const SERVICES = 20;
/** Clusters each service runs in (its Service exists in every cluster, as Istio needs it where it is called). */
const REPLICA_CLUSTERS = 3;

/**
 * A multi-primary, multi-network mesh of `n` clusters: networks of five clusters with disjoint pod and
 * service ranges, an API server and a pinned east-west gateway per cluster, remote secrets through one
 * store, Argo CD output.
 */
export function benchTopology(n: number): TopologyDocument {
  return {
    meshID: 'bench',
    secretStore: { name: 'mesh-secrets' },
    argoCd: { repoURL: 'https://git.example.com/platform/bench.git' },
    clusters: Array.from({ length: n }, (_, i) => ({
      clusterName: `cluster${i + 1}`,
      network: `network${Math.floor(i / CLUSTERS_PER_NETWORK) + 1}`,
      podSubnet: `10.${Math.floor(i / 128)}.${(i % 128) * 2}.0/23`,
      svcSubnet: `172.${16 + Math.floor(i / 250)}.${i % 250}.0/24`,
      apiServer: `https://cluster${i + 1}.k8s.example.com:6443`,
      region: `region${(i % 4) + 1}`,
      eastWestGateway: { address: `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}` },
    })),
  };
}

/**
 * The 20 application services, added to the cluster charts as users add their own objects: each
 * service's Service in every cluster (so every istiod knows the host), its Deployment in three clusters.
 */
export function placeServices(mesh: Mesh): void {
  const clusters = mesh.clusters;
  // Their namespace, as a user must create it (the writer refuses objects in a namespace nothing creates).
  for (const cluster of clusters) new k8s.KubeNamespace(cluster, 'apps-namespace', { metadata: { name: 'apps' } });
  for (let s = 0; s < SERVICES; s++) {
    const name = `svc${s + 1}`;
    const labels = { app: name };
    clusters.forEach((cluster, i) => {
      new k8s.KubeService(cluster, `${name}-service`, {
        metadata: { name, namespace: 'apps', labels },
        spec: { ports: [{ name: 'http', port: 8080 }], selector: labels },
      });
      if ((i + s) % clusters.length < REPLICA_CLUSTERS) {
        new k8s.KubeDeployment(cluster, `${name}-deployment`, {
          metadata: { name, namespace: 'apps', labels },
          spec: {
            replicas: 2,
            selector: { matchLabels: labels },
            template: {
              metadata: { labels },
              spec: { containers: [{ name, image: `registry.example.com/${name}:1.0`, ports: [{ containerPort: 8080 }] }] },
            },
          },
        });
      }
    });
  }
}

/** Clusters per primary (and per network) in the invalid topology. */
const INVALID_GROUP = 200;

/**
 * An invalid primary-remote mesh of `n` clusters, for the cost of rejecting one (validation must stay
 * linear in the clusters): groups of 200 clusters on one network, one primary each, where every cluster
 * has a couple of problems: all pod ranges of a network overlap, every other cluster lacks its service
 * range, every 10th cluster name is invalid, and every 7th remote names a primary that does not exist.
 * Returned as the text of a topology file (JSON, which is YAML), so that parsing is measured too.
 */
export function invalidBenchTopology(n: number): string {
  const name = (i: number) => (i % 10 === 5 ? `Cluster_${i}` : `cluster-${i}`);
  const doc = {
    meshID: 'bench-invalid',
    secretStore: { name: 'mesh-secrets' },
    clusters: Array.from({ length: n }, (_, i) => {
      const group = Math.floor(i / INVALID_GROUP);
      const primary = group * INVALID_GROUP;
      return {
        clusterName: name(i),
        network: `network${group}`,
        podSubnet: '10.0.0.0/16',
        ...(i % 2 === 0 ? { svcSubnet: `10.${100 + (i % 100)}.${Math.floor(i / 100)}.0/24` } : {}),
        apiServer: `https://cluster-${i}.k8s.example.com:6443`,
        ...(i === primary
          ? { eastWestGateway: { address: `198.18.0.${group + 1}` } }
          : { primaryClusterName: i % 7 === 3 ? `cluster-x${group}` : name(primary) }),
      };
    }),
  };
  return JSON.stringify(doc, null, 1);
}

/**
 * An application-heavy topology: the mesh of benchTopology(n) with one application of SERVICES services
 * placed on every cluster, each with two versions (v2 through a KubeFed-style override on every other
 * cluster), a weighted route over both subsets, locality failover and an allowed caller.
 */
export function benchApplicationTopology(n: number): TopologyDocument {
  const base = benchTopology(n);
  const clusters = base.clusters.map((c) => c.clusterName);
  const services = Array.from({ length: SERVICES }, (_, s) => `svc${s + 1}`);
  return {
    ...base,
    applications: [{
      name: 'apps',
      services: services.map((name, s) => ({
        name,
        ports: [{ port: 8080, name: 'http' }],
        routes: [{ to: [{ subset: 'v1', weight: 90 }, { subset: 'v2', weight: 10 }] }],
        loadBalancing: { locality: { failover: [{ from: 'region1', to: 'region2' }] } },
        allowCallsFrom: s > 0 ? [services[s - 1]] : [],
      })),
      workloads: services.map((name) => ({
        name,
        version: 'v1',
        image: `registry.example.com/${name}:1.0`,
        serviceAccount: { name },
        replicas: 2,
        ports: [8080],
        placement: { clusters },
        overrides: clusters.filter((_, i) => i % 2 === 1).map((clusterName) => ({
          clusterName, version: 'v2',
          clusterOverrides: [{ path: '/spec/template/spec/containers/0/image', value: `registry.example.com/${name}:2.0` }],
        })),
      })),
    }],
  };
}
