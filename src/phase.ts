import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * When an object is applied, relative to the others of its cluster. Phases give order once; the writer
 * turns them into folder/file order for kubectl and `argocd.argoproj.io/sync-wave` for Argo CD, so the
 * two can never disagree.
 *
 * The order follows Istio's install recipes: namespaces (with their network labels) exist before Istio
 * is installed, trust material (`cacerts`) before istiod starts, istiod before the gateways it injects
 * and the Istio resources it validates, and workloads last.
 */
export class Phase {
  /** Namespaces and their Istio labels/annotations. */
  public static readonly NAMESPACES = new Phase('namespaces', 0);
  /** Trust material and reader identities (cacerts, istio-reader-service-account). */
  public static readonly TRUST = new Phase('trust', 1);
  /** The control plane's own objects (istiod is installed from Istio's charts; see install inputs). */
  public static readonly CONTROL_PLANE = new Phase('control-plane', 2);
  /** Gateways (their pods are injected by istiod, so istiod must run first). */
  public static readonly GATEWAYS = new Phase('gateways', 3);
  /** Istio resources (validated by istiod's webhook) and remote secrets. */
  public static readonly MESH_CONFIG = new Phase('mesh-config', 4);
  /** Application workloads (sidecar injection needs istiod and mesh config). */
  public static readonly WORKLOADS = new Phase('workloads', 5);

  /** All phases in apply order. */
  public static readonly ALL: readonly Phase[] = [
    Phase.NAMESPACES, Phase.TRUST, Phase.CONTROL_PLANE, Phase.GATEWAYS, Phase.MESH_CONFIG, Phase.WORKLOADS,
  ];

  /**
   * Assigns a phase to every API object in `scope` (the scope itself, or the objects below it).
   * Objects without an assigned phase are namespaces (NAMESPACES) or workloads (WORKLOADS).
   */
  public static assign(scope: IConstruct, phase: Phase): void {
    for (const c of scope.node.findAll()) {
      if (ApiObject.isApiObject(c)) {
        (c as any)[PHASE_KEY] = phase;
      }
    }
  }

  /** The phase of an API object. */
  public static of(obj: ApiObject): Phase {
    const assigned = (obj as any)[PHASE_KEY] as Phase | undefined;
    if (assigned) return assigned;
    return obj.kind === 'Namespace' ? Phase.NAMESPACES : Phase.WORKLOADS;
  }

  private constructor(
    /** Name used in folder names (`<wave>0-<name>`). */
    public readonly name: string,
    /** The Argo CD sync wave. */
    public readonly wave: number,
  ) {}

  /** The folder of this phase inside a cluster's directory, e.g. `10-trust`. */
  public get folder(): string {
    return `${String(this.wave * 10).padStart(2, '0')}-${this.name}`;
  }
}

const PHASE_KEY = Symbol.for('cdk8s-istio-multicluster.phase');
