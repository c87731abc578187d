import { Construct } from 'constructs';
import { AuthorizationPolicy } from '../../imports/istio-security.istio.io';
import { DestinationRule, Gateway, VirtualService } from '../../imports/istio-networking.istio.io';
import { DataPlaneMode } from '../ambient/mesh-ambient';
import type { Cluster } from '../cluster';
import { ControlPlaneModel } from '../control-plane';
import { IstioGatewayChart } from '../gateway-chart';
import { k8s } from '../k8s';
import type { Mesh } from '../mesh';
import { Phase } from '../phase';
import { PlainApiObject } from '../plain-api-object';
import { Problem, throwIfProblems } from '../problem';
import { clusterVerificationProblems, materializeVerificationWorkloads } from '../verification-workloads';
import { Application, ApplicationProps } from './application';
import { serviceConsistencyProblems } from './consistency';
import { ALLOW_NOTHING, allowSpec, principal, waypointAllowSpec, waypointPolicyName } from './authorization';
import { Ingress, INGRESS_GATEWAY_NAME, INGRESS_GATEWAY_PORTS } from './ingress';
import type { ApplicationService } from './service';
import { CLUSTER_LABEL, destinationRuleSpec, httpRouteJson, loadBalancingProblems, routeProblems, Subset } from './traffic';
import { enrolledWaypoints, namespaceWaypointLabels, namespaceWaypointProblems, placeWaypoints, Waypoint, waypointOf } from './waypoint';
import type { Workload } from './workload';

/**
 * Plain JSON with object keys sorted, as cdk8s's ApiObject emits them (PlainApiObject takes the body as is),
 * so that application objects read like every other object of the output.
 */
function sortedJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(sortedJson) as unknown as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = sortedJson((value as Record<string, unknown>)[k]);
  return out as T;
}

const sortedBodies = new WeakMap<object, Record<string, unknown>>();

/**
 * A PlainApiObject whose body keys are sorted. A body given for many clusters is sorted once and shared
 * (the same frozen object: the Service is identical everywhere by construction).
 */
function plain(scope: Construct, id: string, gvk: { apiVersion: string; kind: string }, metadata: any, body: Record<string, unknown>): PlainApiObject {
  let sorted = sortedBodies.get(body);
  if (!sorted) {
    sorted = sortedJson(body);
    sortedBodies.set(body, sorted);
  }
  return new PlainApiObject(scope, id, { gvk, metadata, body: sorted });
}

/** What the mesh derives about one service, computed once per shape of the model. */
export interface ServiceFacts {
  /** Clusters that run a workload of the service. */
  readonly runs: readonly Cluster[];
  /** Workloads that call it (declared calls and admitted callers). */
  readonly callers: readonly Workload[];
  /** Clusters where its Service exists: where it runs, is called from, or is exposed by an ingress. */
  readonly clusters: readonly Cluster[];
  /** Clusters holding the Istio config for it: the config cluster of each of `clusters`. */
  readonly configClusters: readonly Cluster[];
  /** DestinationRule subsets: by version (after overrides), then by cluster when asked. */
  readonly subsets: readonly Subset[];
}

interface ApplicationIndex {
  readonly services: ReadonlyMap<ApplicationService, ServiceFacts>;
  /** Per cluster, the application namespaces that must exist there. */
  readonly namespaces: ReadonlyMap<Cluster, ReadonlySet<string>>;
}

/**
 * The cluster whose Istio config applies to `cluster`'s workloads: itself for a primary or config cluster,
 * else the config cluster of the control plane serving it (a remote's istiod reads its config there).
 */
export function configClusterOf(cluster: Cluster): Cluster {
  const cp = cluster.controlPlane;
  if (cp.model !== ControlPlaneModel.REMOTE || cp.configCluster) return cluster;
  const servedBy = cp.servedBy!;
  if (servedBy.controlPlane.model === ControlPlaneModel.EXTERNAL) {
    return servedBy.servedClusters.find((c) => c.controlPlane.configCluster) ?? cluster;
  }
  return servedBy;
}

/**
 * The mesh's applications and the index relating them to clusters (which clusters run, call or expose
 * which service; which namespaces exist where), computed once per shape of the model. It reports the
 * cross-cluster problems and, at build time, places every application object into the charts of the
 * clusters it touches.
 */
export class MeshApplications {
  private readonly apps: Application[] = [];
  private cached?: ApplicationIndex;
  private verificationKey?: string;
  private verificationMaterialized = false;

  constructor(private readonly mesh: Mesh, private readonly onChange: () => void) {}

  /** Declares an application (names are unique in the mesh). */
  public add(name: string, props: ApplicationProps): Application {
    if (this.apps.some((a) => a.name === name)) {
      throw new Error(`application "${name}" is declared twice in mesh "${this.mesh.meshId}"; declare each application once and reuse the returned Application`);
    }
    const app = new Application(this.mesh, name, props, () => this.changed());
    this.apps.push(app);
    this.changed();
    return app;
  }

  /** The applications, in declaration order (the verification workloads' included). */
  public get all(): readonly Application[] {
    if (this.verificationKey === undefined) this.prepare();
    return [...this.apps];
  }

  private changed(): void {
    this.cached = undefined;
    this.onChange();
  }

  /**
   * The verification workloads of the clusters become an application (one per namespace), once. Checked
   * again by problems() and build(), which run once per synth; readers of the index use what was prepared.
   */
  private prepare(): void {
    const key = JSON.stringify(this.mesh.clusters.map((c) => [c.name, c.verificationWorkloads ?? null]));
    if (this.verificationKey === key) return;
    if (this.verificationMaterialized) {
      throw new Error('verification workloads were changed after the mesh was validated; declare them before validate()/build()');
    }
    this.verificationKey = key;
    // Invalid verification workloads are reported by their cluster; nothing to derive from them.
    if (this.mesh.clusters.some((c) => clusterVerificationProblems(c).length > 0)) return;
    materializeVerificationWorkloads(this.mesh, (name, props) => {
      this.verificationMaterialized = true;
      // A user application may already be called like the namespace.
      return this.add(this.apps.some((a) => a.name === name) ? `${name}-verification` : name, props);
    });
  }

  /** The facts of a service. */
  public factsOf(service: ApplicationService): ServiceFacts {
    return this.index.services.get(service)!;
  }

  /** Hosts of cluster-local services, for `meshConfig.serviceSettings` (sorted). */
  public clusterLocalHosts(): string[] {
    return this.all.flatMap((a) => a.services.filter((s) => s.clusterLocal).map((s) => s.host)).sort();
  }

  private get index(): ApplicationIndex {
    if (this.verificationKey === undefined) this.prepare();
    if (this.cached) return this.cached;
    const order = new Map(this.mesh.clusters.map((c, i) => [c, i]));
    const sorted = (set: Set<Cluster>) => [...set].filter((c) => order.has(c)).sort((a, b) => order.get(a)! - order.get(b)!);
    const callers = new Map<ApplicationService, Set<Workload>>();
    const addCaller = (s: ApplicationService, w: Workload) => {
      if (!callers.has(s)) callers.set(s, new Set());
      callers.get(s)!.add(w);
    };
    for (const app of this.apps) {
      for (const w of app.workloads) for (const s of w.called) addCaller(s, w);
      for (const s of app.services) {
        for (const target of s.called) for (const w of app.workloadsOf(s)) addCaller(target, w);
        for (const c of s.allowedCallers) {
          const ws = 'ports' in c ? c.application.workloadsOf(c) : [c];
          for (const w of ws) addCaller(s, w);
        }
      }
    }
    const services = new Map<ApplicationService, ServiceFacts>();
    const namespaces = new Map<Cluster, Set<string>>();
    const touch = (c: Cluster, ns: string) => {
      if (!namespaces.has(c)) namespaces.set(c, new Set());
      namespaces.get(c)!.add(ns);
    };
    for (const app of this.apps) {
      const exposedOn = new Map<ApplicationService, Cluster[]>();
      for (const ing of app.ingress ? [app.ingress] : []) {
        for (const e of ing.exposed) exposedOn.set(e.service, [...(exposedOn.get(e.service) ?? []), ...ing.clusters]);
        for (const c of ing.clusters) touch(configClusterOf(c), app.namespace);
      }
      for (const w of app.workloads) for (const c of w.clusters) touch(c, app.namespace);
      for (const s of app.services) {
        const workloads = app.workloadsOf(s);
        // VMs of a VM group run the group's service in the cluster they join; VMs calling a service need it there.
        const runs = new Set([...workloads.flatMap((w) => [...w.clusters]), ...this.mesh.vmGroups.clustersRunning(s)]);
        const cs = [...(callers.get(s) ?? [])];
        const all = new Set([...runs, ...cs.flatMap((w) => [...w.clusters]), ...(exposedOn.get(s) ?? []), ...this.mesh.vmGroups.clustersCalling(s)]);
        const clusters = sorted(all);
        const configClusters = sorted(new Set(clusters.map(configClusterOf)));
        const versions: string[] = [];
        for (const w of workloads) {
          for (const c of w.clusters) {
            const v = w.versionIn(c);
            if (v !== undefined && !versions.includes(v)) versions.push(v);
          }
        }
        const subsets: Subset[] = versions.map((v) => ({ name: v, labels: { version: v } }));
        if (s.subsetsByCluster) subsets.push(...sorted(runs).map((c) => ({ name: c.name, labels: { [CLUSTER_LABEL]: c.name } })));
        services.set(s, { runs: sorted(runs), callers: cs, clusters, configClusters, subsets });
        for (const c of [...clusters, ...configClusters]) touch(c, app.namespace);
      }
    }
    this.cached = { services, namespaces };
    return this.cached;
  }

  /** Every problem of the applications: their own and the cross-cluster ones. */
  public problems(): Problem[] {
    this.prepare();
    const problems: Problem[] = [];
    const apps = this.all;
    for (const app of apps) problems.push(...app.problems());
    const regions = new Set(this.mesh.clusters.map((c) => c.region).filter((r): r is string => r !== undefined));
    const zones = new Set(this.mesh.clusters.filter((c) => c.region && c.zone).map((c) => `${c.region}/${c.zone}`));
    const inMesh = (a: Application) => a.mesh === this.mesh && apps.includes(a);
    const enrolled = enrolledWaypoints(apps);
    for (const app of apps) {
      for (const s of app.services) {
        const facts = this.factsOf(s);
        const ports = s.ports.map((p) => p.port);
        s.routes.forEach((r, i) => problems.push(...routeProblems(r, `${s.field}.routes[${i}]`, facts.subsets, ports)));
        if (s.loadBalancing) problems.push(...loadBalancingProblems(s.loadBalancing, `${s.field}.loadBalancing`, regions, zones));
        problems.push(...this.ambientL7Problems(s, enrolled));
        s.allowedCallers.forEach((c, i) => {
          const isService = 'ports' in c;
          const name = isService ? c.name : c.key;
          if (!inMesh(c.application)) {
            problems.push({ field: `${s.field}.allowCallsFrom[${i}]`, value: name, message: 'names a caller that is not in this mesh, so it has no identity the mesh can admit', fix: 'admit a service or workload declared in this mesh' });
          } else if (isService && c.application.workloadsOf(c).length === 0) {
            problems.push({ field: `${s.field}.allowCallsFrom[${i}]`, value: name, message: 'names a service with no workload, so there is no identity to admit', fix: 'add the caller\'s workload, or admit the workload itself' });
          }
        });
      }
      for (const from of [...app.services, ...app.workloads]) {
        from.called.forEach((s, i) => {
          if (!inMesh(s.application)) problems.push({ field: `${from.field}.calls[${i}]`, value: s.name, message: 'names a service that is not in this mesh', fix: 'call a service declared in this mesh' });
        });
      }
      (app.ingress?.exposed ?? []).forEach((e, i) => {
        if (!inMesh(e.service.application)) {
          problems.push({ field: `${app.field}.ingress.routes[${i}].service`, value: e.service.name, message: 'exposes a service that is not in this mesh', fix: 'expose a service of this application' });
          return;
        }
        problems.push(...this.ambientIngressReachProblems(app.ingress!, e.service, i));
        const subsets = this.factsOf(e.service).subsets;
        if (e.props.subset !== undefined && !subsets.some((x) => x.name === e.props.subset)) {
          problems.push({
            field: `${app.field}.ingress.routes[${i}].subset`, value: e.props.subset, message: `is a subset no workload of service "${e.service.name}" provides`,
            allowed: subsets.map((x) => x.name).join(', ') || 'none: no workload of the service has a version', fix: 'route to a version a placed workload has',
          });
        }
      });
    }
    problems.push(...this.consistencyProblems(apps));
    problems.push(...this.ingressOverlapProblems(apps));
    problems.push(...namespaceWaypointProblems(apps));
    return problems;
  }

  /**
   * In ambient mode L7 traffic rules (VirtualService routes, DestinationRule subsets and traffic policy:
   * locality failover, outlier detection) are applied by a waypoint; ztunnel ignores them ("In order to
   * configure outlier detection and customize failover behavior for the service we need a waypoint proxy",
   * istio.io ambient/install/multicluster/failover). A service with such rules, in a cluster whose workloads
   * are ambient, and no waypoint taking its traffic would lose them silently: a problem.
   */
  private ambientL7Problems(s: ApplicationService, enrolled: ReadonlyMap<string, Waypoint>): Problem[] {
    const ambient = this.mesh.ambient;
    if (!ambient.enabled || waypointOf(s, enrolled)?.takesServiceTraffic) return [];
    const rules = [s.routes.length > 0 ? 'routes' : undefined, s.loadBalancing ? 'loadBalancing' : undefined, s.subsetsByCluster ? 'subsetsByCluster' : undefined]
      .filter((r): r is string => r !== undefined);
    const ambientClusters = this.factsOf(s).clusters.filter((c) => ambient.workloadMode(c) === DataPlaneMode.AMBIENT);
    if (rules.length === 0 || ambientClusters.length === 0) return [];
    return [{
      field: `${s.field}.${rules[0]}`, value: s.name,
      message: `has L7 traffic rules (${rules.join(', ')}) that only a waypoint applies in ambient mode, and no waypoint takes its traffic: the ambient workloads' ztunnels in ${ambientClusters.map((c) => `"${c.name}"`).join(', ')} would ignore them`,
      fix: `add a waypoint for the service (waypoints: [{ name: waypoint, services: [${s.name}] }]), or drop the rules (trafficDistribution is the locality preference ztunnel applies itself)`,
    }];
  }

  /**
   * In an ambient mesh on several networks, Istio 1.30's ingress gateways keep traffic on their own network
   * unless `ambient.ingressAcrossNetworks` (istiod drops the other networks' endpoints for them:
   * pilot/pkg/xds/endpoints/ep_filters.go). An ingress cluster with no workload of the exposed service on
   * its network would answer every request with 503: refused, naming the cluster.
   */
  private ambientIngressReachProblems(ingress: Ingress, service: ApplicationService, route: number): Problem[] {
    const ambient = this.mesh.ambient;
    if (!ambient.enabled || !this.mesh.isMultiNetwork || ambient.props.ingressAcrossNetworks) return [];
    const runs = this.factsOf(service).runs;
    return ingress.clusters.filter((c) => !runs.some((r) => r.network.name === c.network.name)).map((c): Problem => ({
      cluster: c.name, field: `${ingress.application.field}.ingress.routes[${route}].service`, value: service.name,
      message: `is exposed by the ingress gateway of cluster "${c.name}", but no workload of it runs on network "${c.network.name}" (it runs on ${runs.map((r) => `"${r.name}"`).join(', ') || 'no cluster'}); in an ambient mesh Istio 1.30 ingress gateways keep traffic on their own network (AMBIENT_ENABLE_MULTI_NETWORK_INGRESS is off), so every request there would fail`,
      fix: `place a workload of "${service.name}" on network "${c.network.name}", drop cluster "${c.name}" from the ingress, or let ingress gateways cross networks with ambient: { ingressAcrossNetworks: true }`,
    }));
  }

  /**
   * Two applications' Gateways on one ingress gateway with overlapping hosts on the same port conflict
   * (`istioctl analyze` IST0145): Istio keeps one of them.
   */
  private ingressOverlapProblems(apps: readonly Application[]): Problem[] {
    const problems: Problem[] = [];
    const overlaps = (a: readonly string[], b: readonly string[]) => a.some((x) => b.some((y) => x === '*' || y === '*' || x === y
      || (x.startsWith('*.') && y.endsWith(x.slice(1))) || (y.startsWith('*.') && x.endsWith(y.slice(1)))));
    const withIngress = apps.filter((a) => a.ingress);
    for (let i = 0; i < withIngress.length; i++) {
      for (let j = 0; j < i; j++) {
        const a = withIngress[j].ingress!;
        const b = withIngress[i].ingress!;
        const shared = b.clusters.filter((c) => a.clusters.includes(c));
        if (shared.length > 0 && overlaps(a.hosts, b.hosts)) {
          problems.push({
            cluster: shared[0].name, field: `${b.field}.hosts`, value: b.hosts,
            message: `overlap the hosts of application "${withIngress[j].name}"'s ingress (${a.hosts.join(', ')}) on the same ingress gateway; Istio would keep only one of the conflicting Gateway servers (istioctl analyze IST0145)`,
            fix: 'give each application its own host names (e.g. bookinfo.example.com), or expose both through one application',
          });
        }
      }
    }
    return problems;
  }

  /**
   * What `istioctl analyze` (IST0170 and friends) finds only on live clusters, found before writing: one
   * Service per namespace and name in a cluster, the same Service (type, headless-ness, ports) in every
   * cluster, one Deployment per name, one ServiceAccount per name.
   */
  private consistencyProblems(apps: readonly Application[]): Problem[] {
    const problems: Problem[] = [];
    const byKey = new Map<string, ApplicationService[]>();
    for (const app of apps) {
      for (const s of app.services) {
        const key = `${app.namespace}/${s.name}`;
        byKey.set(key, [...(byKey.get(key) ?? []), s]);
      }
    }
    for (const [key, list] of byKey) {
      for (let i = 1; i < list.length; i++) {
        const a = list[0];
        const b = list[i];
        if (a.application === b.application) continue; // reported by the application
        const ca = this.factsOf(a).clusters;
        const cb = this.factsOf(b).clusters;
        const both = cb.filter((c) => ca.includes(c));
        if (both.length > 0) {
          problems.push({
            cluster: both[0].name, field: b.field, value: b.name,
            message: `is also declared by application "${a.application.name}" in namespace "${a.application.namespace}"; a namespace holds one Service of a name in a cluster`,
            fix: 'declare the service in one application and let the other call it',
          });
          continue;
        }
        const pa = JSON.stringify(a.manifest().spec);
        const pb = JSON.stringify(b.manifest().spec);
        if (pa !== pb && ca.length > 0 && cb.length > 0) {
          const ports = (s: ApplicationService) => s.ports.map((p) => `${p.name ?? p.appProtocol}:${p.port}`).join(', ');
          problems.push({
            cluster: cb[0].name, field: `${b.field}.ports`, value: ports(b),
            message: `differs from Service "${key}" in cluster "${ca[0].name}" (application "${a.application.name}": ${a.headless ? 'headless, ' : ''}ports ${ports(a)}); Istio merges same-named Services across clusters (namespace sameness) and needs them identical (istioctl analyze IST0170)`,
            allowed: 'the same type, headless-ness and port list in every cluster',
            fix: 'declare the Service once (or identically) and place it on both clusters',
          });
        }
      }
    }
    // Deployments and ServiceAccounts per cluster and namespace.
    const deployments = new Map<string, Workload>();
    const accounts = new Map<string, { w: Workload; labels: string }>();
    for (const app of apps) {
      for (const w of app.workloads) {
        for (const c of w.clusters) {
          const name = w.deploymentIn(c).deployment.metadata.name;
          const key = `${c.name}/${app.namespace}/${name}`;
          const other = deployments.get(key);
          if (other && other !== w) {
            problems.push({ cluster: c.name, field: w.field, value: name, message: `renders Deployment "${name}" in namespace "${app.namespace}", as ${other.field} does`, fix: 'give the workloads different names or versions in this cluster' });
          }
          deployments.set(key, w);
          const sa = w.props.serviceAccount;
          if (sa) {
            const k = `${c.name}/${app.namespace}/${sa.name}`;
            const labels = JSON.stringify(sa.labels ?? {});
            const prev = accounts.get(k);
            if (prev && prev.labels !== labels) {
              problems.push({ cluster: c.name, field: `${w.field}.serviceAccount.labels`, value: sa.labels ?? {}, message: `differ from the labels ${prev.w.field} gives ServiceAccount "${sa.name}"`, fix: 'give the shared ServiceAccount the same labels everywhere' });
            }
            accounts.set(k, { w, labels });
          }
        }
      }
    }
    return problems;
  }

  /**
   * Places every application object into the charts of the clusters it touches, then checks the Services
   * of all charts against each other (objects users added included). Call once, after validation.
   */
  public build(): void {
    this.prepare();
    this.place();
    const services = new Map(this.apps.flatMap((a) => a.services.map((s): [string, string] => [`${a.namespace}/${s.name}`, s.field])));
    throwIfProblems(serviceConsistencyProblems(this.mesh.clusters, new Set(services.keys()), (key) => services.get(key)!));
  }

  private place(): void {
    const apps = this.all;
    const index = this.index;
    const td = this.mesh.trustDomain;
    // Namespaces first: one per cluster and namespace, whichever applications share it.
    const waypointLabels = namespaceWaypointLabels(apps);
    for (const c of this.mesh.clusters) {
      for (const ns of [...(index.namespaces.get(c) ?? [])].sort()) {
        plain(c, `ApplicationNamespace-${ns}`, k8s.KubeNamespace.GVK, { name: ns, labels: { ...this.mesh.namespaceLabels(c), ...waypointLabels(ns) } }, {});
      }
    }
    const revision = this.mesh.revisions.enabled ? this.mesh.revisions.gatewayRevision : undefined;
    placeWaypoints(apps, { clustersOf: (s) => index.services.get(s)!.clusters, clustersOfNamespace: (ns) => this.mesh.clusters.filter((c) => index.namespaces.get(c)?.has(ns)) }, this.mesh.clusters, revision);
    const gatewayIn = new Map<Cluster, IstioGatewayChart>();
    const denyIn = new Set<string>();
    const enrolled = enrolledWaypoints(apps);
    for (const app of apps) {
      const scopes = new Map<Cluster, Construct>();
      const scope = (c: Cluster) => {
        let s = scopes.get(c);
        if (!s) {
          s = new Construct(c, `application-${app.name}`);
          scopes.set(c, s);
        }
        return s;
      };
      const ns = app.namespace;
      const accounts = new Set<string>();
      for (const w of app.workloads) {
        for (const c of w.clusters) {
          const sa = w.props.serviceAccount;
          if (sa && !accounts.has(`${c.name}/${sa.name}`)) {
            accounts.add(`${c.name}/${sa.name}`);
            plain(scope(c), `ServiceAccount-${sa.name}`, k8s.KubeServiceAccount.GVK, { name: sa.name, namespace: ns, ...(sa.labels ? { labels: { ...sa.labels } } : {}) }, {});
          }
          const d = w.deploymentIn(c).deployment;
          plain(scope(c), `Deployment-${w.key}`, k8s.KubeDeployment.GVK, d.metadata, { spec: d.spec });
        }
      }
      const exposed = new Set(app.ingress?.exposed.map((e) => e.service) ?? []);
      for (const s of app.services) {
        const facts = index.services.get(s)!;
        const m = s.manifest();
        const spec = { spec: m.spec };
        for (const c of facts.clusters) plain(scope(c), `Service-${s.name}`, k8s.KubeService.GVK, m.metadata, spec);
        const meta = { name: s.name, namespace: ns };
        if (s.routes.length > 0 || s.loadBalancing || s.subsetsByCluster || app.ingress?.exposed.some((e) => e.service === s && e.props.subset !== undefined)) {
          const body = { spec: destinationRuleSpec(s.name, facts.subsets, s.loadBalancing) };
          for (const c of facts.configClusters) Phase.assign(plain(scope(c), `DestinationRule-${s.name}`, DestinationRule.GVK, meta, body), Phase.MESH_CONFIG);
        }
        if (s.routes.length > 0) {
          const body = { spec: { hosts: [s.name], http: s.routes.map((r) => httpRouteJson(s.name, r)) } };
          for (const c of facts.configClusters) Phase.assign(plain(scope(c), `VirtualService-${s.name}`, VirtualService.GVK, meta, body), Phase.ROUTES);
        }
        // Admitted callers, plus the ingress gateways when the namespace denies by default.
        const callers = s.allowedCallers.flatMap((x) => ('ports' in x ? x.application.workloadsOf(x) : [x]));
        const principals = new Set(callers.map((w) => principal(td, w.application.namespace, w.serviceAccountName)));
        if (principals.size > 0 || (app.defaultDeny && exposed.has(s))) {
          if (exposed.has(s)) for (const c of app.ingress!.clusters) principals.add(principal(td, c.controlPlaneNamespace, INGRESS_GATEWAY_NAME));
          const callerPrincipals = [...principals].sort();
          const waypoint = this.mesh.ambient.enabled ? waypointOf(s, enrolled) : undefined;
          if (waypoint?.takesServiceTraffic) {
            // Through a waypoint the workload's ztunnel (or sidecar) sees the waypoint's identity, not the
            // caller's (istio.io ambient/usage/l4-policy): the callers are checked where they are still
            // known, at the waypoint (a policy targeting the Service), and the workload admits the waypoint
            // besides them (callers reaching the pod directly keep their admission).
            principals.add(principal(td, ns, waypoint.name));
            const body = { spec: waypointAllowSpec(s.name, callerPrincipals) };
            const atWaypoint = { name: waypointPolicyName(s.name), namespace: ns };
            for (const c of facts.configClusters) Phase.assign(plain(scope(c), `WaypointAuthorizationPolicy-${s.name}`, AuthorizationPolicy.GVK, atWaypoint, body), Phase.MESH_CONFIG);
          }
          const body = { spec: allowSpec(s.name, [...principals].sort()) };
          for (const c of facts.configClusters) Phase.assign(plain(scope(c), `AuthorizationPolicy-${s.name}`, AuthorizationPolicy.GVK, meta, body), Phase.MESH_CONFIG);
        }
      }
      if (app.defaultDeny) {
        for (const c of this.mesh.clusters.filter((x) => index.namespaces.get(x)?.has(ns) && configClusterOf(x) === x)) {
          if (denyIn.has(`${c.name}/${ns}`)) continue;
          denyIn.add(`${c.name}/${ns}`);
          Phase.assign(plain(scope(c), 'AllowNothing', AuthorizationPolicy.GVK, { name: ALLOW_NOTHING, namespace: ns }, { spec: {} }), Phase.MESH_CONFIG);
        }
      }
      const ing = app.ingress;
      if (ing) {
        let selector: { [key: string]: string } = {};
        for (const c of ing.clusters) {
          let gw = gatewayIn.get(c);
          if (!gw) {
            gw = new IstioGatewayChart(c, 'ApplicationIngressGateway', { name: INGRESS_GATEWAY_NAME, namespace: c.controlPlaneNamespace, ports: INGRESS_GATEWAY_PORTS, deployment: c.ingressGatewayOptions });
            gatewayIn.set(c, gw);
          }
          selector = gw.selectorLabels;
        }
        const gwBody = { spec: ing.gatewaySpec(selector) };
        const vsBody = { spec: ing.virtualServiceSpec() };
        for (const c of [...new Set(ing.clusters.map(configClusterOf))]) {
          Phase.assign(plain(scope(c), 'IngressGateway', Gateway.GVK, { name: ing.gatewayName, namespace: ns }, gwBody), Phase.MESH_CONFIG);
          Phase.assign(plain(scope(c), 'IngressVirtualService', VirtualService.GVK, { name: app.name, namespace: ns }, vsBody), Phase.ROUTES);
        }
      }
    }
  }
}
