import { isDnsLabel } from '../names';
import type { Problem } from '../problem';
import type { Application } from './application';
import { LoadBalancingProps, RouteProps } from './traffic';
import { serviceWaypointLabels } from './waypoint';
import type { Workload } from './workload';

/** One port of a service. */
export interface ServicePortProps {
  /** The port number. */
  readonly port: number;
  /**
   * Port name. Istio selects the protocol from its prefix (`http`, `http-web`, `grpc`, `tcp-db`, ...) unless
   * `appProtocol` is set; a name or `appProtocol` is required.
   * @default - none (then `appProtocol` is required)
   * @see https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/
   */
  readonly name?: string;
  /** Explicit protocol for Istio (`appProtocol`). @default - from the name */
  readonly appProtocol?: string;
  /** Container port the traffic goes to. @default - `port` */
  readonly targetPort?: number;
}

/** Props of a service, given to `Application.addService()`. */
export interface ServiceProps {
  /** The ports. */
  readonly ports: readonly ServicePortProps[];
  /** A headless Service (`clusterIP: None`). @default false */
  readonly headless?: boolean;
  /**
   * Keep calls to this service inside the caller's cluster: `meshConfig.serviceSettings[].settings.clusterLocal`
   * in every cluster's install values.
   * @default false
   * @see https://istio.io/latest/docs/ops/configuration/traffic-management/multicluster/
   */
  readonly clusterLocal?: boolean;
  /**
   * DestinationRule subsets by cluster (label `topology.istio.io/cluster`), named like the clusters, next to
   * the subsets by version.
   * @default false
   */
  readonly subsetsByCluster?: boolean;
  /** Client-side load balancing (locality). @default - Istio's defaults */
  readonly loadBalancing?: LoadBalancingProps;
  /**
   * Which endpoints callers prefer, as the Service annotation `networking.istio.io/traffic-distribution`,
   * written identically in every cluster that has the Service. Istio 1.30 reads it in ztunnel (ambient) and
   * in sidecars, waypoints and gateways alike: `PreferClose`/`PreferSameZone` prefer the caller's network,
   * then region, then zone (so the caller's own cluster on a multi-network mesh), and fail over to the rest
   * without needing outlier detection. A DestinationRule `localityLbSetting` would override it, so it
   * cannot be combined with `loadBalancing.locality`.
   * @default - none (Istio balances over every endpoint)
   * @see https://istio.io/latest/docs/reference/config/annotations/#NetworkingTrafficDistribution
   */
  readonly trafficDistribution?: TrafficDistribution;
}

/** Values of Istio's `networking.istio.io/traffic-distribution` (istio/istio 1.30.3 `GetTrafficDistribution`). */
export enum TrafficDistribution {
  /** Prefer endpoints on the caller's network, then region, then zone. */
  PREFER_CLOSE = 'PreferClose',
  /** The same behaviour as PreferClose in Istio 1.30. */
  PREFER_SAME_ZONE = 'PreferSameZone',
  /** Also prefer the caller's subzone and node. */
  PREFER_SAME_NODE = 'PreferSameNode',
}

/** The Service annotation Istio reads the traffic distribution from. */
export const TRAFFIC_DISTRIBUTION_ANNOTATION = 'networking.istio.io/traffic-distribution';

/** Istio's protocol prefixes of port names and values of appProtocol (protocol selection docs). */
export const ISTIO_PROTOCOLS = ['http', 'http2', 'https', 'grpc', 'grpc-web', 'mongo', 'mysql', 'redis', 'tcp', 'tls', 'udp'];
const APP_PROTOCOLS = [...ISTIO_PROTOCOLS, 'kubernetes.io/h2c', 'kubernetes.io/ws', 'kubernetes.io/wss'];

/**
 * A service of an application: one Kubernetes Service, identical in every cluster that runs or calls it
 * (Istio treats same-named namespaces, and so same-named Services, across clusters as one). Its workloads
 * are the application's workloads of the same name (the Service selects `app: <name>`, as Istio's samples).
 */
export class ApplicationService {
  /** The service name. */
  public readonly name: string;
  /** The application. */
  public readonly application: Application;
  /** The ports. */
  public readonly ports: readonly ServicePortProps[];
  /** Whether the Service is headless. */
  public readonly headless: boolean;
  /** Whether calls stay in the caller's cluster. */
  public readonly clusterLocal: boolean;
  /** Whether subsets by cluster are rendered. */
  public readonly subsetsByCluster: boolean;
  /** Load balancing, if declared. */
  public readonly loadBalancing?: LoadBalancingProps;
  /** Traffic distribution, if declared. */
  public readonly trafficDistribution?: TrafficDistribution;
  private readonly _routes: RouteProps[] = [];
  private readonly _callers: (ApplicationService | Workload)[] = [];
  private readonly _calls: ApplicationService[] = [];

  /** @internal use `Application.addService()` */
  constructor(application: Application, name: string, props: ServiceProps) {
    this.application = application;
    this.name = name;
    this.ports = props.ports.map((p) => ({ ...p }));
    this.headless = props.headless ?? false;
    this.clusterLocal = props.clusterLocal ?? false;
    this.subsetsByCluster = props.subsetsByCluster ?? false;
    this.loadBalancing = props.loadBalancing;
    this.trafficDistribution = props.trafficDistribution;
  }

  /** The field path of this service in the topology vocabulary. */
  public get field(): string {
    return `${this.application.field}.services.${this.name}`;
  }

  /** The fully qualified host name. */
  public get host(): string {
    return `${this.name}.${this.application.namespace}.svc.cluster.local`;
  }

  /** Adds an HTTP route to the service's VirtualService (routes are evaluated in the order added). */
  public addRoute(route: RouteProps): void {
    this.application._changed();
    this._routes.push({ ...route, to: [...route.to], match: route.match && [...route.match] });
  }

  /** The routes. */
  public get routes(): readonly RouteProps[] {
    return [...this._routes];
  }

  /**
   * Admits calls from the identities of these workloads, or of every workload of these services: an
   * AuthorizationPolicy ALLOW with their principals, computed from the model. The callers also call this
   * service (its Service exists where they run).
   */
  public allowCallsFrom(...callers: (ApplicationService | Workload)[]): void {
    this.application._changed();
    this._callers.push(...callers);
  }

  /** Declares that every workload of this service calls `services` (see `Workload.calls`). */
  public calls(...services: ApplicationService[]): void {
    this.application._changed();
    this._calls.push(...services);
  }

  /** The services its workloads call. */
  public get called(): readonly ApplicationService[] {
    return [...this._calls];
  }

  /** The admitted callers. */
  public get allowedCallers(): readonly (ApplicationService | Workload)[] {
    return [...this._callers];
  }

  /** Problems of the service's own props. */
  public problems(): Problem[] {
    const problems: Problem[] = [];
    const f = this.field;
    if (!isDnsLabel(this.name)) {
      problems.push({
        field: f, value: this.name, message: 'is not a valid Service name (DNS-1123 label)',
        allowed: 'lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters', fix: 'rename the service, e.g. "details"',
      });
    }
    if (this.ports.length === 0) problems.push({ field: `${f}.ports`, message: 'is empty', fix: 'declare the ports the service listens on, e.g. { port: 9080, name: http }' });
    const td = this.trafficDistribution;
    if (td !== undefined && !Object.values(TrafficDistribution).includes(td)) {
      problems.push({ field: `${f}.trafficDistribution`, value: td, message: 'is not a traffic distribution Istio knows (it would silently mean "any endpoint")', allowed: Object.values(TrafficDistribution).join(', '), fix: 'use PreferClose' });
    } else if (td !== undefined && this.loadBalancing?.locality !== undefined) {
      problems.push({
        field: `${f}.trafficDistribution`, value: td,
        message: 'is set together with loadBalancing.locality; Istio lets the DestinationRule\'s localityLbSetting win, so the traffic distribution would be ignored',
        fix: 'keep one: trafficDistribution (network, region, zone preference without outlier detection) or loadBalancing.locality',
      });
    }
    const seen = new Map<string, number>();
    this.ports.forEach((p, i) => {
      const at = `${f}.ports[${i}]`;
      for (const k of ['port', 'targetPort'] as const) {
        const v = p[k];
        if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 65535)) {
          problems.push({ field: `${at}.${k}`, value: v, message: 'is not a port number', allowed: '1 to 65535', fix: 'use a port number' });
        }
      }
      if (p.name !== undefined) {
        if (!isDnsLabel(p.name)) {
          problems.push({ field: `${at}.name`, value: p.name, message: 'is not a valid port name (DNS-1123 label)', allowed: 'lowercase letters, digits and "-"', fix: 'use e.g. "http" or "grpc-api"' });
        } else if (p.appProtocol === undefined && !ISTIO_PROTOCOLS.includes(p.name.split('-')[0])) {
          problems.push({
            field: `${at}.name`, value: p.name,
            message: 'does not start with a protocol Istio knows, so Istio cannot select the protocol from it (it would sniff or treat the port as opaque TCP)',
            allowed: `<protocol>[-<suffix>] with protocol one of ${ISTIO_PROTOCOLS.join(', ')}`,
            fix: `rename it (e.g. "http-${p.name}") or set appProtocol`,
          });
        }
        if (seen.has(p.name)) problems.push({ field: `${at}.name`, value: p.name, message: `is also the name of ports[${seen.get(p.name)}]`, fix: 'give every port its own name' });
        seen.set(p.name, i);
      } else if (p.appProtocol === undefined) {
        problems.push({ field: `${at}.name`, message: 'is missing and no appProtocol is set, so Istio cannot select the protocol', allowed: `a name such as "http" or "tcp-db", or appProtocol (${APP_PROTOCOLS.join(', ')})`, fix: 'name the port after its protocol, e.g. name: http' });
      }
      if (p.name === undefined && this.ports.length > 1) {
        problems.push({ field: `${at}.name`, message: 'is required when a Service has more than one port (Kubernetes)', fix: 'name every port' });
      }
      if (p.appProtocol !== undefined && !APP_PROTOCOLS.includes(p.appProtocol)) {
        problems.push({ field: `${at}.appProtocol`, value: p.appProtocol, message: 'is not a protocol Istio knows', allowed: APP_PROTOCOLS.join(', '), fix: 'use one of the allowed values' });
      }
    });
    const numbers = this.ports.map((p) => p.port);
    numbers.forEach((n, i) => {
      if (numbers.indexOf(n) !== i) problems.push({ field: `${f}.ports[${i}].port`, value: n, message: 'is declared twice', fix: 'declare each port once' });
    });
    return problems;
  }

  /** The Service manifest (identical in every cluster: it depends only on the declaration). */
  public manifest(): { metadata: any; spec: any } {
    return {
      metadata: {
        name: this.name, namespace: this.application.namespace, labels: { app: this.name, service: this.name, ...serviceWaypointLabels(this) },
        ...(this.trafficDistribution !== undefined ? { annotations: { [TRAFFIC_DISTRIBUTION_ANNOTATION]: this.trafficDistribution } } : {}),
      },
      spec: {
        ...(this.headless ? { clusterIP: 'None' } : {}),
        ports: this.ports.map((p) => ({
          port: p.port,
          ...(p.name !== undefined ? { name: p.name } : {}),
          ...(p.appProtocol !== undefined ? { appProtocol: p.appProtocol } : {}),
          ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}),
        })),
        selector: { app: this.name },
      },
    };
  }
}
