import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { SYNC_WAVE_ANNOTATION } from './istio';

/**
 * When an object is applied, relative to the others of its cluster. Phases give order once; the writer
 * turns them into folder/file order for kubectl and `argocd.argoproj.io/sync-wave` for Argo CD, so the
 * two can never disagree.
 *
 * The order follows Istio's install recipes: namespaces (with their network labels) exist before Istio
 * is installed, trust material (`cacerts`) before istiod starts, istiod before the gateways it injects
 * and the Istio resources it validates, and workloads last. Istio itself is installed at wave 0: the
 * Helm charts of the Argo CD Application carry no sync-wave annotation (wave 0), so everything that must
 * exist before istiod has a negative wave.
 */
export class Phase {
  /** Namespaces and their Istio labels/annotations. */
  public static readonly NAMESPACES = new Phase('00-namespaces', -2);
  /** Trust material and reader identities (cacerts, istio-reader-service-account). */
  public static readonly TRUST = new Phase('10-trust', -1);
  /** Istio itself: Sail Operator `Istio` resources (the Helm charts sync in this wave too). */
  public static readonly ISTIO = new Phase('20-istio', 0);
  /** Objects that need the installed control plane's own objects (e.g. the istiod ServiceAccount). */
  public static readonly CONTROL_PLANE = new Phase('30-control-plane', 1);
  /** Gateways (their pods are injected by istiod, so istiod must run first). */
  public static readonly GATEWAYS = new Phase('40-gateways', 2);
  /** Istio resources (validated by istiod's webhook). */
  public static readonly MESH_CONFIG = new Phase('50-mesh-config', 3);
  /** Application workloads (sidecar injection needs istiod and mesh config). */
  public static readonly WORKLOADS = new Phase('60-workloads', 4);
  /** VirtualServices: after the DestinationRules whose subsets they use and the workloads they route to. */
  public static readonly ROUTES = new Phase('70-routes', 5);

  /**
   * The links to other clusters (remote secrets, the remote-kubeconfig directory), last: each becomes
   * ready only once the other cluster has pushed its reader token, so nothing of this cluster may wait
   * for them. istiod watches them and picks each up when it arrives; adding or removing a cluster thus
   * never holds the other clusters' own objects (issue 10).
   */
  public static readonly REMOTE_SECRETS = new Phase('80-remote-secrets', 6);

  /** All phases in apply order. */
  public static readonly ALL: readonly Phase[] = [
    Phase.NAMESPACES, Phase.TRUST, Phase.ISTIO, Phase.CONTROL_PLANE, Phase.GATEWAYS, Phase.MESH_CONFIG, Phase.WORKLOADS,
    Phase.ROUTES, Phase.REMOTE_SECRETS,
  ];

  /** The phases applied before Istio is installed with Helm or istioctl. */
  public static readonly BEFORE_ISTIO: readonly Phase[] = [Phase.NAMESPACES, Phase.TRUST];

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
    /** The folder of this phase inside a cluster's directory, e.g. `10-trust`. */
    public readonly folder: string,
    /** The Argo CD sync wave. */
    public readonly wave: number,
  ) {}

  /** The phase's name, e.g. `trust`. */
  public get name(): string {
    return this.folder.replace(/^\d+-/, '');
  }
}

const PHASE_KEY = Symbol.for('cdk8s-istio-multicluster.phase');

/**
 * Puts the object's phase on it as Argo CD's sync-wave annotation (on the construct, so that cdk8s's own
 * `App.synth()` emits it too). Idempotent; returns the phase.
 */
export function annotateSyncWave(obj: ApiObject): Phase {
  const phase = Phase.of(obj);
  obj.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, String(phase.wave));
  return phase;
}

/** The API objects whose closest chart is `chart` (as cdk8s assigns them). */
export function apiObjectsOf(chart: Chart): ApiObject[] {
  const out: ApiObject[] = [];
  const visit = (c: IConstruct) => {
    for (const child of c.node.children) {
      if (Chart.isChart(child) && child !== chart) continue; // nested charts render on their own
      if (ApiObject.isApiObject(child)) out.push(child);
      visit(child);
    }
  };
  visit(chart);
  return out;
}
