import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { SYNC_WAVE_ANNOTATION } from './istio';
import { MeshValidationError } from './problem';

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
   * Assigns a phase to `scope` and everything below it, including objects added later: the phase is
   * looked up when the object is rendered (build time), from the object up to its chart; the innermost
   * assignment wins. An explicit `argocd.argoproj.io/sync-wave` annotation a user puts on an object wins
   * over every assignment (see annotateSyncWave). Objects without any are namespaces (NAMESPACES) or
   * workloads (WORKLOADS).
   */
  public static assign(scope: IConstruct, phase: Phase): void {
    (scope as any)[PHASE_KEY] = phase;
  }

  /**
   * A phase of your own, for objects that must be applied at a wave the built-in phases do not cover
   * (e.g. after the remote secrets, wave 7 or later, or in the same wave as a built-in phase but in a
   * folder of their own). Assign it with `Phase.assign(scope, phase)`. The cluster's kustomization
   * lists phase folders by wave, built-in phases first within a wave, then by folder.
   *
   * @param folder the folder inside the cluster directory: a DNS label (e.g. `90-batch`), not a
   *   built-in phase's folder
   * @param wave the Argo CD sync wave (an integer)
   */
  public static custom(folder: string, wave: number): Phase {
    const problems = [];
    if (typeof folder !== 'string' || !PHASE_FOLDER.test(folder) || folder.length > 63) {
      problems.push({ field: 'Phase.custom folder', value: folder, message: 'is not a valid phase folder', allowed: 'a DNS label: lowercase letters, digits and "-", at most 63 characters (e.g. 90-batch)', fix: 'name the folder like the built-in phases, e.g. 90-batch' });
    } else if (Phase.ALL.some((p) => p.folder === folder)) {
      problems.push({ field: 'Phase.custom folder', value: folder, message: 'is the folder of a built-in phase', allowed: `any folder but ${Phase.ALL.map((p) => p.folder).join(', ')}`, fix: `use the built-in Phase whose folder is ${folder}, or another folder name` });
    }
    if (!Number.isSafeInteger(wave)) {
      problems.push({ field: 'Phase.custom wave', value: wave, message: 'is not an integer', allowed: 'an integer (Argo CD sync waves are integers)', fix: 'pass an integer wave, e.g. 7' });
    }
    const existing = CUSTOM_PHASES.get(folder);
    if (problems.length === 0 && existing && existing.wave !== wave) {
      problems.push({ field: 'Phase.custom wave', value: wave, message: `differs from the wave ${existing.wave} folder ${folder} was declared with`, fix: 'declare each custom phase folder with one wave' });
    }
    if (problems.length > 0) throw new MeshValidationError(problems, 'a custom phase');
    if (existing) return existing;
    const phase = new Phase(folder, wave, true);
    CUSTOM_PHASES.set(folder, phase);
    return phase;
  }

  /**
   * The phase of an API object: an explicit sync-wave annotation of the user's (see annotateSyncWave),
   * else the innermost phase assigned to the object or a scope above it (up to its chart), else the
   * default of its kind.
   */
  public static of(obj: ApiObject): Phase {
    const wave = userWave(obj);
    if (wave !== undefined) return phaseOfWave(obj, wave);
    for (let c: IConstruct | undefined = obj; c; c = c.node.scope) {
      const assigned = (c as any)[PHASE_KEY] as Phase | undefined;
      if (assigned) return assigned;
      if (Chart.isChart(c)) break;
    }
    return obj.kind === 'Namespace' ? Phase.NAMESPACES : Phase.WORKLOADS;
  }

  /** Orders phases for apply: by wave, built-in phases before custom ones in the same wave, then by folder. */
  public static compare(a: Phase, b: Phase): number {
    return a.wave - b.wave || Number(a.custom) - Number(b.custom) || (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0);
  }

  private constructor(
    /** The folder of this phase inside a cluster's directory, e.g. `10-trust`. */
    public readonly folder: string,
    /** The Argo CD sync wave. */
    public readonly wave: number,
    /** Whether the phase is a user's (Phase.custom, or an explicit sync-wave annotation). */
    public readonly custom = false,
  ) {}

  /** The phase's name, e.g. `trust`. */
  public get name(): string {
    return this.folder.replace(/^\d+-/, '');
  }
}

const PHASE_KEY = Symbol.for('cdk8s-istio-multicluster.phase');
const PHASE_FOLDER = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const CUSTOM_PHASES = new Map<string, Phase>();
/** The wave we wrote on each object: a different (or earlier) value there is the user's. */
const WRITTEN_WAVE = new WeakMap<ApiObject, { readonly wave: string; readonly fromUser: boolean }>();

/** The sync-wave annotation a user put on the object themselves (undefined when none, or ours). */
function userWave(obj: ApiObject): string | undefined {
  const value = annotationOf(obj, SYNC_WAVE_ANNOTATION);
  if (value === undefined) return undefined;
  const written = WRITTEN_WAVE.get(obj);
  if (written && written.wave === String(value) && !written.fromUser) return undefined;
  return String(value);
}

/**
 * One annotation of an object, as set on it. cdk8s has `metadata.getLabel()` but no `getAnnotation()`, and
 * resolving the whole metadata (`toJson()`) for every object, twice per render, was a fifth of a
 * 200-cluster synth (bench/profile.ts); so the map cdk8s keeps is read the way its getLabel reads labels.
 * Any other value (a cdk8s `Lazy`, which toJson resolves), or a cdk8s keeping annotations elsewhere, goes
 * through `toJson()`.
 */
function annotationOf(obj: ApiObject, key: string): unknown {
  const set = (obj.metadata as unknown as { readonly annotations?: Record<string, unknown> }).annotations;
  if (set !== null && typeof set === 'object') {
    const value = set[key];
    if (value === undefined || typeof value === 'string') return value;
  }
  return (obj.metadata.toJson().annotations ?? {})[key];
}

/**
 * The phase of a user's explicit wave: the built-in phase of that wave (so the object lands in the folder
 * Argo CD and kubectl apply in the same order), else a custom phase `wave-<n>` (`wave-minus-<n>` below 0).
 */
function phaseOfWave(obj: ApiObject, text: string): Phase {
  if (!/^-?(0|[1-9][0-9]{0,8})$/.test(text)) {
    throw new MeshValidationError([{
      field: `${obj.kind}/${obj.name} metadata.annotations.${SYNC_WAVE_ANNOTATION}`, value: text, message: 'is not an integer sync wave',
      allowed: `an integer; the built-in phases use ${Phase.ALL.map((p) => `${p.wave} (${p.folder})`).join(', ')}`,
      fix: 'set the annotation to an integer, or remove it and assign a Phase',
    }], 'an object\'s sync wave');
  }
  const wave = Number(text);
  return Phase.ALL.find((p) => p.wave === wave) ?? Phase.custom(wave < 0 ? `wave-minus-${-wave}` : `wave-${wave}`, wave);
}

/**
 * Puts the object's phase on it as Argo CD's sync-wave annotation (on the construct, so that cdk8s's own
 * `App.synth()` emits it too). A wave the user set on the object is kept (it decides the phase).
 * Idempotent; returns the phase.
 */
export function annotateSyncWave(obj: ApiObject): Phase {
  const fromUser = userWave(obj) !== undefined;
  const phase = Phase.of(obj);
  const wave = String(phase.wave);
  obj.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, wave);
  WRITTEN_WAVE.set(obj, { wave, fromUser });
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
