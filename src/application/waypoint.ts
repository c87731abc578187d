import { ApiObject } from 'cdk8s';
import type { Cluster } from '../cluster';
import { isDnsLabel } from '../names';
import { Phase } from '../phase';
import type { Problem } from '../problem';
import type { Application } from './application';
import type { ApplicationService } from './service';

/**
 * Which traffic a waypoint takes: the values of `istioctl waypoint apply --for` (label
 * `istio.io/waypoint-for` on the Gateway; istio/istio@1.30.3 pkg/config/constants ServiceTraffic...).
 */
export enum WaypointTraffic {
  /** Traffic addressed to services (the docs' `--for service`; what crosses clusters in ambient multicluster). */
  SERVICE = 'service',
  /** Traffic addressed to pods directly. */
  WORKLOAD = 'workload',
  /** Both. */
  ALL = 'all',
}

/** Label binding a Service or a Namespace to a waypoint of its namespace (istio/api label/labels.yaml). */
export const USE_WAYPOINT_LABEL = 'istio.io/use-waypoint';
/** Gateway label with the traffic the waypoint takes. */
export const WAYPOINT_FOR_LABEL = 'istio.io/waypoint-for';
/** The GatewayClass istiod deploys waypoints for (only when ambient is on: PILOT_ENABLE_AMBIENT_WAYPOINTS). */
export const WAYPOINT_GATEWAY_CLASS = 'istio-waypoint';
/** istioctl's default waypoint name (constants.DefaultNamespaceWaypoint). */
export const DEFAULT_WAYPOINT_NAME = 'waypoint';

/** Props of a waypoint, given to `Application.addWaypoint()`. */
export interface WaypointProps {
  /**
   * The waypoint's name: its Gateway's, and that of the Deployment, Service and ServiceAccount istiod
   * generates for it, so a DNS-1123 label. The same in every cluster ("Universal waypoint deployments are
   * assumed across clusters").
   * @default "waypoint"
   */
  readonly name?: string;
  /**
   * The traffic it takes (`istioctl waypoint apply --for`). Services bound to it one by one need
   * `service` or `all`: istiod ignores a service binding to a workload waypoint.
   * @default WaypointTraffic.SERVICE
   */
  readonly for?: WaypointTraffic;
  /**
   * Services of the application that use it: each Service is labelled `istio.io/use-waypoint: <name>`
   * in every cluster that has it, as the ambient multicluster failover guide labels `helloworld`.
   * @default - none
   */
  readonly services?: readonly ApplicationService[];
  /**
   * Every service of the namespace (whichever application declares it) without a waypoint of its own
   * uses this one: the Namespace is labelled `istio.io/use-waypoint: <name>`, as
   * `istioctl waypoint apply --enroll-namespace` does.
   * @default false
   */
  readonly enrollNamespace?: boolean;
}

/**
 * A waypoint proxy of an application's namespace, for ambient meshes: the Gateway that
 * `istioctl waypoint apply --name <name> --for <for> -n <namespace> [--revision <rev>]` applies, written
 * in every cluster that holds a service (or, enrolled, the namespace) using it, since Istio assumes the
 * same waypoint in every cluster. In ambient multicluster, a waypoint serving services reachable across
 * clusters is global too (its Service labelled `istio.io/global: "true"`, as the failover guide does by
 * hand), declared on the Gateway so that istiod labels the Service it generates.
 *
 * @see https://istio.io/latest/docs/ambient/install/multicluster/failover/
 * @see https://istio.io/latest/docs/ambient/usage/waypoint/
 */
export class Waypoint {
  /** The name. */
  public readonly name: string;
  /** The traffic it takes. */
  public readonly for: WaypointTraffic;
  /** The services bound one by one. */
  public readonly services: readonly ApplicationService[];
  /** Whether the namespace is enrolled. */
  public readonly enrollNamespace: boolean;
  /** The application. */
  public readonly application: Application;

  /** @internal use `Application.addWaypoint()` */
  constructor(application: Application, props: WaypointProps) {
    this.application = application;
    this.name = props.name ?? DEFAULT_WAYPOINT_NAME;
    this.for = props.for ?? WaypointTraffic.SERVICE;
    this.services = [...(props.services ?? [])];
    this.enrollNamespace = props.enrollNamespace ?? false;
  }

  /** The field path in the topology vocabulary. */
  public get field(): string {
    return `${this.application.field}.waypoints.${this.name}`;
  }

  /** Whether it takes traffic addressed to services. */
  public get takesServiceTraffic(): boolean {
    return this.for === WaypointTraffic.SERVICE || this.for === WaypointTraffic.ALL;
  }

  /** Problems of its own declaration (those involving the whole namespace: {@link namespaceWaypointProblems}). */
  public problems(): Problem[] {
    const problems: Problem[] = [];
    const f = this.field;
    if (typeof this.name !== 'string' || !isDnsLabel(this.name)) {
      problems.push({
        field: `${f}.name`, value: this.name,
        message: 'is not a valid waypoint name: istiod names the waypoint\'s Deployment, Service and ServiceAccount after its Gateway, and Services take DNS-1123 labels',
        allowed: 'a DNS-1123 label: lowercase letters, digits and "-", at most 63 characters', fix: 'use e.g. "waypoint"',
      });
    } else if (this.name === 'none' || this.name === 'default') {
      problems.push({
        field: `${f}.name`, value: this.name,
        message: this.name === 'none'
          ? 'is reserved: istio.io/use-waypoint: none means "use no waypoint" (istioctl refuses the name)'
          : 'is the namespace\'s default ServiceAccount, which istiod would take over for the waypoint (it names the ServiceAccount after the Gateway)',
        fix: 'use e.g. "waypoint"',
      });
    }
    if (!Object.values(WaypointTraffic).includes(this.for)) {
      problems.push({ field: `${f}.for`, value: this.for, message: 'is not a traffic type of a waypoint', allowed: Object.values(WaypointTraffic).join(', '), fix: 'use "service" (what crosses clusters in ambient multicluster)' });
    } else if (!this.takesServiceTraffic && this.services.length > 0) {
      problems.push({
        field: `${f}.for`, value: this.for,
        message: `takes no service traffic, so istiod would not accept the services bound to it (${this.services.map((s) => s.name).join(', ')}): their traffic would skip the waypoint`,
        allowed: 'service or all, for services bound one by one', fix: 'use for: service (or all), or enroll the namespace for workload traffic instead',
      });
    }
    if (this.services.length === 0 && !this.enrollNamespace) {
      problems.push({ field: `${f}.services`, message: 'is empty and the namespace is not enrolled, so nothing would use the waypoint', fix: 'list the services that use it, or set enrollNamespace: true' });
    }
    this.services.forEach((s, i) => {
      if (s.application !== this.application) {
        problems.push({ field: `${f}.services[${i}]`, value: s.name, message: `is a service of application "${s.application.name}"`, fix: 'bind services of this application (declare the waypoint in the application of the service)' });
      } else if (this.services.indexOf(s) !== i) {
        problems.push({ field: `${f}.services[${i}]`, value: s.name, message: 'is listed twice', fix: 'list each service once' });
      }
    });
    if (!this.application.mesh.ambient.enabled) {
      problems.push({
        field: f, value: this.name,
        message: 'is a waypoint, and waypoints exist only in ambient meshes: istiod registers the istio-waypoint GatewayClass only with ambient on, and this mesh runs sidecars (which do L7 themselves)',
        allowed: 'waypoints with dataPlaneMode: ambient', fix: 'set dataPlaneMode: ambient, or remove the waypoint (sidecars apply L7 policy without one)',
      });
    }
    return problems;
  }
}

/** The waypoint a service uses: its own binding, else the one its namespace is enrolled in (Istio's precedence). */
export function waypointOf(service: ApplicationService, enrolled: ReadonlyMap<string, Waypoint>): Waypoint | undefined {
  return service.application.waypoints.find((w) => w.services.includes(service)) ?? enrolled.get(service.application.namespace);
}

/** Per namespace, the waypoint its Namespace is enrolled in (the first declared; others are problems). */
export function enrolledWaypoints(apps: readonly Application[]): Map<string, Waypoint> {
  const out = new Map<string, Waypoint>();
  for (const a of apps) for (const w of a.waypoints) if (w.enrollNamespace && !out.has(a.namespace)) out.set(a.namespace, w);
  return out;
}

/** The labels of an application Namespace for its waypoint (none without one), by namespace. */
export function namespaceWaypointLabels(apps: readonly Application[]): (namespace: string) => { [key: string]: string } {
  const enrolled = enrolledWaypoints(apps);
  return (namespace): { [key: string]: string } => {
    const w = enrolled.get(namespace);
    return w ? { [USE_WAYPOINT_LABEL]: w.name } : {};
  };
}

/** The label binding a Service to its own waypoint (none when it has none, or only the namespace's). */
export function serviceWaypointLabels(service: ApplicationService): { [key: string]: string } {
  const w = service.application.waypoints.find((x) => x.services.includes(service));
  return w ? { [USE_WAYPOINT_LABEL]: w.name } : {};
}

/** The services a waypoint serves (service traffic): bound to it, or in its enrolled namespace without a binding of their own. */
export function servedServices(w: Waypoint, apps: readonly Application[], enrolled: ReadonlyMap<string, Waypoint>): ApplicationService[] {
  if (!w.takesServiceTraffic) return [];
  return apps.filter((a) => a.namespace === w.application.namespace).flatMap((a) => a.services).filter((s) => waypointOf(s, enrolled) === w);
}

/**
 * Whether the waypoint is global: in an ambient mesh, when the services it serves are (not cluster-local).
 * Istio: "If a service's waypoint is marked as global, that service will also be global"; so a waypoint
 * is global exactly when its services are, and serving both kinds is a problem (namespaceWaypointProblems).
 */
export function isGlobalWaypoint(w: Waypoint, served: readonly ApplicationService[]): boolean {
  return w.application.mesh.ambient.enabled && served.some((s) => !s.clusterLocal);
}

/** Where the application objects are, for placing the waypoints. */
export interface WaypointPlacement {
  /** Clusters where a service exists (its Service is rendered). */
  readonly clustersOf: (service: ApplicationService) => readonly Cluster[];
  /** Clusters where an application namespace exists. */
  readonly clustersOfNamespace: (namespace: string) => readonly Cluster[];
}

/**
 * Problems of the waypoints of a namespace taken together: names colliding with what the namespace
 * already holds (istiod creates a Deployment, Service and ServiceAccount named like the Gateway), two
 * waypoints of one name, two enrolments, a service bound twice, and a waypoint serving cluster-local and
 * global services at once (it would make the cluster-local ones global).
 */
export function namespaceWaypointProblems(apps: readonly Application[]): Problem[] {
  const problems: Problem[] = [];
  const enrolled = enrolledWaypoints(apps);
  const all = apps.flatMap((a) => a.waypoints);
  all.forEach((w, i) => {
    const ns = w.application.namespace;
    const inNs = apps.filter((a) => a.namespace === ns);
    const earlier = all.slice(0, i).find((x) => x.application.namespace === ns && x.name === w.name);
    if (earlier) {
      problems.push({
        field: `${w.field}.name`, value: w.name,
        message: `is also the name of ${earlier.field} in namespace "${ns}"; a namespace holds one Gateway of a name`,
        fix: 'declare the waypoint once and bind the services to it there, or give this one another name',
      });
    }
    const firstEnrolled = enrolled.get(ns);
    if (w.enrollNamespace && firstEnrolled !== w) {
      problems.push({
        field: `${w.field}.enrollNamespace`, value: true,
        message: `enrolls namespace "${ns}", which ${firstEnrolled!.field} enrolls already; the Namespace has one istio.io/use-waypoint label`,
        fix: 'enroll the namespace in one waypoint and bind services to the other one by one',
      });
    }
    for (const a of inNs) {
      const service = a.services.find((s) => s.name === w.name);
      if (service) {
        problems.push({
          field: `${w.field}.name`, value: w.name,
          message: `is also the name of Service ${service.field} in namespace "${ns}": istiod names the waypoint's Service after the Gateway, and Istio merges same-named Services across clusters`,
          fix: 'give the waypoint another name, e.g. "waypoint"',
        });
      }
      if (a.ingress && a.ingress.gatewayName === w.name) {
        problems.push({ field: `${w.field}.name`, value: w.name, message: `is also the name of the Istio Gateway of ${a.ingress.field} in namespace "${ns}"`, fix: 'give the waypoint another name, e.g. "waypoint"' });
      }
      for (const wl of a.workloads) {
        const deployments = new Set(wl.clusters.map((c) => wl.deploymentIn(c).deployment.metadata.name));
        if (deployments.has(w.name) || wl.props.serviceAccount?.name === w.name) {
          problems.push({
            field: `${w.field}.name`, value: w.name,
            message: `is also the name of the ${deployments.has(w.name) ? 'Deployment' : 'ServiceAccount'} of ${wl.field} in namespace "${ns}": istiod names the waypoint's Deployment and ServiceAccount after the Gateway`,
            fix: 'give the waypoint another name, e.g. "waypoint"',
          });
        }
      }
    }
    const bound = new Set<ApplicationService>();
    for (const x of w.application.waypoints.slice(0, w.application.waypoints.indexOf(w))) x.services.forEach((s) => bound.add(s));
    w.services.forEach((s, j) => {
      if (bound.has(s)) {
        problems.push({ field: `${w.field}.services[${j}]`, value: s.name, message: 'is bound to another waypoint already; a Service has one istio.io/use-waypoint label', fix: 'bind each service to one waypoint' });
      }
    });
    const served = servedServices(w, apps, enrolled);
    const local = served.filter((s) => s.clusterLocal);
    if (isGlobalWaypoint(w, served) && local.length > 0) {
      problems.push({
        field: w.services.some((s) => s.clusterLocal) ? `${w.field}.services` : `${w.field}.enrollNamespace`, value: local.map((s) => s.name),
        message: `are cluster-local, but the waypoint also serves global services (${served.filter((s) => !s.clusterLocal).map((s) => s.name).join(', ')}), so it is global, and Istio makes every service of a global waypoint global ("If a service's waypoint is marked as global, that service will also be global")`,
        fix: 'give the cluster-local services a waypoint of their own (another name), or make them global (clusterLocal: false)',
      });
    }
  });
  return problems;
}

/**
 * The waypoint Gateway exactly as `istioctl waypoint apply --name <name> --for <for> -n <ns>
 * [--revision <rev>]` applies it (istio/istio@1.30.3 istioctl/pkg/waypoint/waypoint.go makeGateway), plus,
 * for a global waypoint, `spec.infrastructure.labels` with `istio.io/global: "true"`.
 *
 * Why infrastructure labels: istiod renders the waypoint's Service from
 * manifests/charts/istio-control/istio-discovery/files/waypoint.yaml, whose Service labels are
 * `.InfrastructureLabels`; pilot/pkg/config/kube/gatewaycommon/deploymentcontroller.go
 * (extractInfrastructureMetadata) takes them from the Gateway's `spec.infrastructure.labels` when set,
 * else copies the Gateway's own labels only while PILOT_ENABLE_GATEWAY_API_COPY_LABELS_ANNOTATIONS is on.
 * The infrastructure field works whatever that flag, and keeps the Gateway's own labels istioctl's. As it
 * replaces the copy, it repeats the Gateway's labels, so the generated objects carry what they would carry
 * after istioctl, plus the global label (on the Service, where istiod's serviceScopeConfigs look).
 */
export function waypointGatewayManifest(w: Waypoint, revision: string | undefined, global: boolean): any {
  const labels: { [key: string]: string } = { [WAYPOINT_FOR_LABEL]: w.for, ...(revision !== undefined ? { 'istio.io/rev': revision } : {}) };
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: w.name, namespace: w.application.namespace, labels },
    spec: {
      gatewayClassName: WAYPOINT_GATEWAY_CLASS,
      listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
      ...(global ? { infrastructure: { labels: { ...labels, 'istio.io/global': 'true' } } } : {}),
    },
  };
}

/**
 * Places every waypoint's Gateway in the clusters that need it: where a service bound to it exists, and,
 * for an enrolled namespace, wherever the namespace exists. Phase GATEWAYS: after the Gateway API CRDs and
 * istiod (which deploys the waypoint), before the workloads whose traffic it takes.
 */
export function placeWaypoints(apps: readonly Application[], placement: WaypointPlacement, clusters: readonly Cluster[], revision: string | undefined): void {
  const enrolled = enrolledWaypoints(apps);
  for (const a of apps) {
    for (const w of a.waypoints) {
      const served = servedServices(w, apps, enrolled);
      const needed = new Set<Cluster>([...w.services, ...served].flatMap((s) => [...placement.clustersOf(s)]));
      if (w.enrollNamespace) placement.clustersOfNamespace(a.namespace).forEach((c) => needed.add(c));
      const global = isGlobalWaypoint(w, served);
      for (const c of clusters.filter((x) => needed.has(x))) {
        Phase.assign(new ApiObject(c, `Waypoint-${a.namespace}-${w.name}`, waypointGatewayManifest(w, revision, global)), Phase.GATEWAYS);
      }
    }
  }
}

/** The README lines of an application's waypoints: who uses each, whether it is global, how to check it. */
export function waypointsReadme(app: Application, apps: readonly Application[]): string[] {
  if (app.waypoints.length === 0) return [];
  const enrolled = enrolledWaypoints(apps);
  const out: string[] = [];
  for (const w of app.waypoints) {
    const served = servedServices(w, apps, enrolled);
    const global = isGlobalWaypoint(w, served);
    const users = [...(w.enrollNamespace ? [`namespace \`${app.namespace}\``] : []), ...served.filter((s) => !w.enrollNamespace || w.services.includes(s)).map((s) => `\`${s.name}\``)];
    out.push(
      `Waypoint \`${w.name}\` (for ${w.for}${global ? ', global' : ''}) serves ${users.join(', ') || 'workload traffic only'}; its Gateway is in every cluster that has them.`
      + ` Check in each cluster: \`kubectl -n ${app.namespace} get gateway ${w.name}\` is PROGRAMMED${global ? `, and \`kubectl -n ${app.namespace} get service ${w.name} -L istio.io/global\` shows \`true\` (istiod copies the Gateway's infrastructure labels onto it)` : ''}.`,
      '',
    );
  }
  return out;
}
