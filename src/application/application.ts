import { Construct } from 'constructs';
import type { Mesh } from '../mesh';
import { isDnsLabel } from '../names';
import type { Problem } from '../problem';
import { Ingress, IngressProps } from './ingress';
import { ApplicationService, ServiceProps } from './service';
import { Waypoint, WaypointProps } from './waypoint';
import { Workload, WorkloadProps } from './workload';

/** Props of an application, given to `Mesh.addApplication()`. */
export interface ApplicationProps {
  /**
   * The namespace of its services and workloads. Istio treats same-named namespaces in all clusters as one
   * (namespace sameness): it exists, with sidecar injection, in every cluster the application touches.
   * @default - the application name
   * @see https://istio.io/latest/docs/ops/configuration/traffic-management/multicluster/
   */
  readonly namespace?: string;
  /**
   * Deny every call in the namespace that no `allowCallsFrom` admits (AuthorizationPolicy `allow-nothing`).
   * @default false
   */
  readonly defaultDeny?: boolean;
}

/** Namespaces an application may not use: they belong to Kubernetes or to the control plane. */
const RESERVED_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];

/**
 * An application of the mesh: services and workloads in one namespace, placed on clusters, with the
 * traffic and access policy derived from them. Declared once; at build time it places its objects into
 * the charts of the clusters it touches (see MeshApplications).
 */
export class Application extends Construct {
  /** The application name. */
  public readonly name: string;
  /** Its namespace. */
  public readonly namespace: string;
  /** The mesh. */
  public readonly mesh: Mesh;
  /** Whether the namespace denies by default. */
  public readonly defaultDeny: boolean;
  private readonly _services: ApplicationService[] = [];
  private readonly _workloads: Workload[] = [];
  private readonly _ingresses: Ingress[] = [];
  private readonly _waypoints: Waypoint[] = [];
  private readonly onChange: () => void;

  /** @internal use `Mesh.addApplication()` */
  constructor(mesh: Mesh, name: string, props: ApplicationProps, onChange: () => void) {
    super(mesh, `application-${name}`);
    this.mesh = mesh;
    this.name = name;
    this.namespace = props.namespace ?? name;
    this.defaultDeny = props.defaultDeny ?? false;
    this.onChange = onChange;
  }

  /** The field path in the topology vocabulary, e.g. `applications.bookinfo`. */
  public get field(): string {
    return `applications.${this.name}`;
  }

  /** Declares a service (a Kubernetes Service selecting the workloads named like it). */
  public addService(name: string, props: ServiceProps): ApplicationService {
    this._changed();
    const s = new ApplicationService(this, name, props);
    this._services.push(s);
    return s;
  }

  /** Declares a workload, placed once on its clusters with per-cluster overrides. */
  public addWorkload(name: string, props: WorkloadProps): Workload {
    this._changed();
    const w = new Workload(this, name, props);
    this._workloads.push(w);
    return w;
  }

  /** Declares the application's ingress (gateway, Gateway and VirtualService). */
  public addIngress(props: IngressProps): Ingress {
    this._changed();
    const i = new Ingress(this, props);
    this._ingresses.push(i);
    return i;
  }

  /**
   * Declares a waypoint proxy of the namespace (ambient meshes only) and the services that use it: the
   * Gateway `istioctl waypoint apply` would apply, in every cluster that has one of those services.
   */
  public addWaypoint(props: WaypointProps = {}): Waypoint {
    this._changed();
    const w = new Waypoint(this, props);
    this._waypoints.push(w);
    return w;
  }

  /** The waypoints, in declaration order. */
  public get waypoints(): readonly Waypoint[] {
    return [...this._waypoints];
  }

  /** The services, in declaration order. */
  public get services(): readonly ApplicationService[] {
    return [...this._services];
  }

  /** A service by name. */
  public service(name: string): ApplicationService | undefined {
    return this._services.find((s) => s.name === name);
  }

  /** The workloads, in declaration order. */
  public get workloads(): readonly Workload[] {
    return [...this._workloads];
  }

  /** The ingress, if declared. */
  public get ingress(): Ingress | undefined {
    return this._ingresses[0];
  }

  /** The workloads of a service: those named like it. */
  public workloadsOf(service: ApplicationService): readonly Workload[] {
    return this._workloads.filter((w) => w.name === service.name);
  }

  /** @internal tells the mesh its derived indexes are stale */
  public _changed(): void {
    this.onChange();
  }

  /** Problems of the application's own declarations (cross-cluster checks live in MeshApplications). */
  public problems(): Problem[] {
    const problems: Problem[] = [];
    const f = this.field;
    if (!isDnsLabel(this.name)) {
      problems.push({ field: f, value: this.name, message: 'is not a valid application name', allowed: 'a DNS-1123 label (lowercase letters, digits, "-")', fix: 'rename the application, e.g. "bookinfo"' });
    }
    if (!isDnsLabel(this.namespace)) {
      problems.push({ field: `${f}.namespace`, value: this.namespace, message: 'is not a valid namespace name', allowed: 'a DNS-1123 label: lowercase letters, digits and "-", at most 63 characters', fix: 'use e.g. "bookinfo"' });
    } else if (RESERVED_NAMESPACES.includes(this.namespace) || this.mesh.clusters.some((c) => c.controlPlaneNamespace === this.namespace)) {
      problems.push({ field: `${f}.namespace`, value: this.namespace, message: 'is a namespace of Kubernetes or of the Istio control plane', fix: 'give the application its own namespace' });
    }
    if (this._ingresses.length > 1) {
      problems.push({ field: `${f}.ingress`, message: `is declared ${this._ingresses.length} times`, fix: 'declare one ingress per application and expose every service through it' });
    }
    this._services.forEach((s, i) => {
      if (this._services.findIndex((x) => x.name === s.name) !== i) {
        problems.push({ field: s.field, value: s.name, message: `is declared twice in namespace "${this.namespace}"; a namespace holds one Service of a name`, fix: 'declare the service once and add ports to it' });
      }
      problems.push(...s.problems());
    });
    this._workloads.forEach((w, i) => {
      if (this._workloads.findIndex((x) => x.key === w.key) !== i) {
        problems.push({ field: w.field, value: w.key, message: 'is declared twice (same name and version)', fix: 'declare each version of a workload once; use overrides for per-cluster differences' });
      }
      problems.push(...w.problems());
    });
    for (const ing of this._ingresses) problems.push(...ing.problems());
    for (const w of this._waypoints) problems.push(...w.problems());
    return problems;
  }
}
