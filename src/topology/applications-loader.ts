import type { Application } from '../application/application';
import type { ExposeProps } from '../application/ingress';
import type { ClusterOverride } from '../application/placement';
import type { ApplicationService, ServiceProps } from '../application/service';
import type { HttpMatch, RouteProps } from '../application/traffic';
import { DEFAULT_WAYPOINT_NAME, WaypointProps } from '../application/waypoint';
import type { WorkloadProps } from '../application/workload';
import type { Cluster } from '../cluster';
import type { Mesh } from '../mesh';
import { didYouMean } from '../names';
import type { Problem } from '../problem';

/** One application of a topology file (see topology.schema.json, `$defs.application`). */
export interface TopologyApplication {
  readonly name: string;
  readonly namespace?: string;
  readonly defaultDeny?: boolean;
  // The file form of ServiceProps / WorkloadProps: the same fields, with clusters and services named instead
  // of referenced (one definition, so the two forms cannot drift apart).
  readonly services?: readonly (ServiceProps & {
    readonly name: string;
    readonly routes?: readonly RouteProps[];
    readonly allowCallsFrom?: readonly string[];
    readonly calls?: readonly string[];
  })[];
  readonly workloads?: readonly (Omit<WorkloadProps, 'placement' | 'overrides'> & {
    readonly name: string;
    readonly placement: { readonly clusters: readonly string[] };
    readonly overrides?: readonly (Omit<ClusterOverride, 'cluster'> & { readonly clusterName: string })[];
    readonly calls?: readonly string[];
  })[];
  readonly ingress?: {
    readonly clusters: readonly string[];
    readonly hosts?: readonly string[];
    readonly tls?: { readonly credentialName: string };
    readonly routes: readonly ({ readonly service: string } & ExposeProps & { readonly match?: readonly HttpMatch[] })[];
  };
  readonly waypoints?: readonly (Omit<WaypointProps, 'services'> & { readonly services?: readonly string[] })[];
}

/**
 * Declares the file's applications on the mesh through the same API a TypeScript user calls, after its
 * clusters. References by name (clusters, services) that resolve to nothing become problems.
 */
export function addTopologyApplications(mesh: Mesh, applications: readonly TopologyApplication[] | undefined, problems: Problem[]): void {
  if (!applications) return;
  const clusterNames = () => mesh.clusters.map((c) => c.name);
  const cluster = (name: string, field: string): Cluster | undefined => {
    const c = mesh.cluster(name);
    if (!c) {
      const guess = didYouMean(name, clusterNames());
      problems.push({ field, value: name, message: 'names a cluster that is not in the topology', allowed: clusterNames().join(', '), fix: guess ? `did you mean "${guess}"?` : 'name a declared cluster' });
    }
    return c;
  };
  const clusters = (names: readonly string[], field: string) => names.map((n, i) => cluster(n, `${field}[${i}]`)).filter((c): c is Cluster => c !== undefined);

  const declared = new Map<string, Application>();
  const pending: (() => void)[] = []; // references between applications resolve once all are declared
  for (const a of applications) {
    const field = `applications.${a.name}`;
    if (declared.has(a.name)) {
      problems.push({ field, value: a.name, message: 'is declared twice', fix: 'give every application a unique name' });
      continue;
    }
    const app = mesh.addApplication(a.name, { namespace: a.namespace, defaultDeny: a.defaultDeny });
    declared.set(a.name, app);
    const services = new Map<string, ApplicationService>();
    for (const s of a.services ?? []) {
      const service = app.addService(s.name, { ports: s.ports, headless: s.headless, clusterLocal: s.clusterLocal, subsetsByCluster: s.subsetsByCluster, loadBalancing: s.loadBalancing, trafficDistribution: s.trafficDistribution });
      if (!services.has(s.name)) services.set(s.name, service);
      for (const r of s.routes ?? []) service.addRoute(r);
    }
    const resolve = (ref: string, at: string): ApplicationService | undefined => {
      const [appName, serviceName] = ref.includes('/') ? ref.split('/', 2) : [a.name, ref];
      // A VM group's service is in its own application (vm-<group>), declared by the vmGroups section.
      const target = declared.get(appName) ?? mesh.vmGroups.all.find((g) => g.application.name === appName)?.application;
      const found = target?.service(serviceName);
      if (!found) {
        const known = [...declared.values()].flatMap((x) => x.services.map((s) => (x === app ? s.name : `${x.name}/${s.name}`)));
        const guess = didYouMean(ref, known);
        problems.push({
          field: at, value: ref, message: target ? `names no service of application "${appName}"` : 'names a service that is not in the mesh (no such application)',
          allowed: known.join(', ') || 'no service is declared', fix: guess ? `did you mean "${guess}"?` : 'name a declared service (<service> or <application>/<service>)',
        });
      }
      return found;
    };
    for (const w of a.workloads ?? []) {
      const wf = `${field}.workloads.${w.version !== undefined ? `${w.name}-${w.version}` : w.name}`;
      const overrides: ClusterOverride[] = [];
      (w.overrides ?? []).forEach((o, i) => {
        const c = cluster(o.clusterName, `${wf}.overrides[${i}].clusterName`);
        if (c) overrides.push({ cluster: c, image: o.image, version: o.version, replicas: o.replicas, env: o.env, clusterOverrides: o.clusterOverrides });
      });
      const { placement, overrides: _o, calls, ...rest } = w;
      const workload = app.addWorkload(w.name, { ...rest, placement: { clusters: clusters(placement.clusters, `${wf}.placement.clusters`) }, overrides });
      pending.push(() => (calls ?? []).forEach((ref, i) => {
        const s = resolve(ref, `${wf}.calls[${i}]`);
        if (s) workload.calls(s);
      }));
    }
    for (const s of a.services ?? []) {
      const service = services.get(s.name)!;
      pending.push(() => (s.calls ?? []).forEach((ref, i) => {
        const target = resolve(ref, `${field}.services.${s.name}.calls[${i}]`);
        if (target) service.calls(target);
      }));
      pending.push(() => (s.allowCallsFrom ?? []).forEach((ref, i) => {
        const caller = resolve(ref, `${field}.services.${s.name}.allowCallsFrom[${i}]`);
        if (caller) service.allowCallsFrom(caller);
      }));
    }
    if (a.ingress) {
      const ing = app.addIngress({ clusters: clusters(a.ingress.clusters, `${field}.ingress.clusters`), hosts: a.ingress.hosts, tls: a.ingress.tls });
      a.ingress.routes.forEach((r, i) => {
        const s = services.get(r.service);
        if (!s) {
          const guess = didYouMean(r.service, [...services.keys()]);
          problems.push({ field: `${field}.ingress.routes[${i}].service`, value: r.service, message: 'names no service of the application', allowed: [...services.keys()].join(', ') || 'none declared', fix: guess ? `did you mean "${guess}"?` : 'expose a declared service' });
          return;
        }
        ing.expose(s, { match: r.match, port: r.port, subset: r.subset });
      });
    }
    for (const w of a.waypoints ?? []) {
      const wf = `${field}.waypoints.${w.name ?? DEFAULT_WAYPOINT_NAME}`;
      const bound = (w.services ?? []).flatMap((name, i) => {
        const s = services.get(name);
        if (!s) {
          const guess = didYouMean(name, [...services.keys()]);
          problems.push({ field: `${wf}.services[${i}]`, value: name, message: 'names no service of the application', allowed: [...services.keys()].join(', ') || 'none declared', fix: guess ? `did you mean "${guess}"?` : 'bind a service declared in this application' });
        }
        return s ? [s] : [];
      });
      // Only unknown names: reported above; "binds nothing" would only repeat them.
      if (bound.length === 0 && (w.services ?? []).length > 0 && !w.enrollNamespace) continue;
      app.addWaypoint({ name: w.name, for: w.for, services: bound, enrollNamespace: w.enrollNamespace });
    }
  }
  pending.forEach((f) => f());
}

/**
 * Names an `applications` schema path in the vocabulary of the model's own problems: list indexes become
 * the names written in the file (`applications.0.workloads.1.replica` becomes
 * `applications.helloworld.workloads.sleep.replica`).
 */
export function locateApplicationPath(data: unknown, path: (string | number)[]): string {
  const out: string[] = [];
  let node: any = data;
  path.forEach((segment, i) => {
    const list = node;
    node = node?.[segment];
    // A waypoint without a name is called like istioctl's default.
    const name = path[i - 1] === 'waypoints' && node?.name === undefined ? DEFAULT_WAYPOINT_NAME : node?.name;
    const named = typeof segment === 'number' && i > 0 && ['applications', 'services', 'workloads', 'waypoints'].includes(String(path[i - 1]))
      && typeof name === 'string' ? (path[i - 1] === 'workloads' && typeof node.version === 'string' ? `${name}-${node.version}` : name) : undefined;
    if (named !== undefined && Array.isArray(list)) out.push(named);
    else if (typeof segment === 'number') out[out.length - 1] += `[${segment}]`;
    else out.push(segment);
  });
  return out.join('.');
}
