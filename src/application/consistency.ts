import type { ApiObject } from 'cdk8s';
import type { Cluster } from '../cluster';
import { apiObjectsOf } from '../phase';
import type { Problem } from '../problem';

/** What Istio needs identical in a Service across clusters: type, headless-ness and ports. */
function shape(manifest: any): { type: string; headless: boolean; ports: string[] } {
  const spec = manifest.spec ?? {};
  return {
    type: spec.type ?? 'ClusterIP',
    headless: spec.clusterIP === 'None',
    ports: (spec.ports ?? []).map((p: any) => `${p.name ?? '(unnamed)'} ${p.port}/${p.protocol ?? 'TCP'}${p.appProtocol ? ` ${p.appProtocol}` : ''}`).sort(),
  };
}

/**
 * The cross-cluster Service check on the built charts (what `istioctl analyze` reports as IST0170 on live
 * clusters, found before writing): every Service named like an application's service, whoever added it
 * (the application, or a user adding objects to a cluster chart), must have the same type, headless-ness
 * and ports in every cluster, and a cluster holds one of a namespace and name.
 *
 * @param keys `<namespace>/<name>` of the applications' services (only those are compared, so the check
 *   costs nothing for Services the model does not know)
 */
export function serviceConsistencyProblems(clusters: readonly Cluster[], keys: ReadonlySet<string>, fieldOf: (key: string) => string): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, { cluster: Cluster; shape: ReturnType<typeof shape> }>();
  for (const cluster of clusters) {
    const inCluster = new Map<string, ApiObject[]>();
    for (const obj of apiObjectsOf(cluster)) {
      if (obj.kind !== 'Service' || obj.apiVersion !== 'v1') continue;
      const key = `${obj.metadata.namespace}/${obj.name}`;
      if (keys.has(key)) inCluster.set(key, [...(inCluster.get(key) ?? []), obj]);
    }
    for (const [key, objects] of inCluster) {
      if (objects.length > 1) {
        problems.push({ cluster: cluster.name, field: fieldOf(key), value: key, message: 'is rendered twice in this cluster (an object added to the cluster chart has the name of an application service)', fix: 'remove the extra Service; the application renders it' });
        continue;
      }
      const s = shape(objects[0].toJson());
      const first = seen.get(key);
      if (!first) {
        seen.set(key, { cluster, shape: s });
        continue;
      }
      const a = first.shape;
      if (a.type !== s.type || a.headless !== s.headless || JSON.stringify(a.ports) !== JSON.stringify(s.ports)) {
        const onlyA = a.ports.filter((p) => !s.ports.includes(p));
        const onlyB = s.ports.filter((p) => !a.ports.includes(p));
        problems.push({
          cluster: cluster.name, field: fieldOf(key), value: { type: s.type, headless: s.headless, ports: s.ports },
          message: `differs from Service "${key}" in cluster "${first.cluster.name}" (type ${a.type}${a.headless ? ', headless' : ''}; ports only there: ${onlyA.join(', ') || 'none'}; ports only here: ${onlyB.join(', ') || 'none'}); Istio merges same-named Services across clusters and needs them identical (istioctl analyze IST0170)`,
          allowed: 'the same type, headless-ness and port list in every cluster',
          fix: 'let the application render the Service (declare ports on it) instead of adding a different one to a cluster',
        });
      }
    }
  }
  return problems;
}
