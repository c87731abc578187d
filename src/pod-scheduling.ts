import { isLabelValue, qualifiedNameProblem, suggest } from './names';
import { Problem } from './problem';

/** A Kubernetes quantity as written in YAML: a string (`500m`, `2Gi`) or a plain number. */
export type QuantityValue = string | number;

/** Container resources, as in a pod spec (`requests`/`limits` by resource name: `cpu`, `memory`, ...). */
export interface ResourceRequirements {
  readonly requests?: { readonly [resource: string]: QuantityValue };
  readonly limits?: { readonly [resource: string]: QuantityValue };
}

/** A pod toleration, as in a pod spec. */
export interface Toleration {
  /** The taint key; empty with operator `Exists` tolerates every taint. */
  readonly key?: string;
  /** `Equal` (default) or `Exists`. */
  readonly operator?: 'Equal' | 'Exists';
  /** The taint value (`Equal` only). */
  readonly value?: string;
  /** `NoSchedule`, `PreferNoSchedule` or `NoExecute`; empty matches every effect. */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  /** How long a `NoExecute` taint is tolerated, in seconds. */
  readonly tolerationSeconds?: number;
}

/** A topology spread constraint, as in a pod spec. */
export interface TopologySpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  readonly labelSelector?: Record<string, unknown>;
  readonly [field: string]: unknown;
}

/** Where the pods of a Deployment run: the pod spec's scheduling fields. */
export interface PodScheduling {
  /** Node labels the pods require (`spec.nodeSelector`). @default - none */
  readonly nodeSelector?: { readonly [label: string]: string };
  /** Taints the pods tolerate (`spec.tolerations`). @default - none */
  readonly tolerations?: readonly Toleration[];
  /** Node and pod (anti-)affinity (`spec.affinity`, the Kubernetes Affinity type). @default - none */
  readonly affinity?: { readonly nodeAffinity?: unknown; readonly podAffinity?: unknown; readonly podAntiAffinity?: unknown };
  /** Spread across zones or nodes (`spec.topologySpreadConstraints`). @default - none */
  readonly topologySpreadConstraints?: readonly TopologySpreadConstraint[];
}

// resource.QuantityValue's syntax (k8s.io/apimachinery/pkg/api/resource/quantity.go): a signed decimal with an
// optional binary (Ki..Ei), decimal (n, u, m, k, M..E) or exponent suffix.
const QUANTITY = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** Where a problem belongs: the cluster (if any) and the field path prefix. */
export interface ProblemPlace {
  readonly cluster?: string;
  readonly field: string;
}

function at(place: ProblemPlace, suffix: string, p: Omit<Problem, 'cluster' | 'field'>): Problem {
  return { ...(place.cluster !== undefined ? { cluster: place.cluster } : {}), field: `${place.field}${suffix}`, ...p };
}

/** Unknown keys of `value` (a did-you-mean problem each). */
function unknownKeys(place: ProblemPlace, value: Record<string, unknown>, known: readonly string[], what: string): Problem[] {
  return Object.keys(value).filter((k) => !known.includes(k)).map((k) => {
    const guess = suggest(k, known);
    return at(place, `.${k}`, {
      message: `is not a field of ${what}`, allowed: known.join(', '),
      fix: guess ? `did you mean "${guess}"?` : 'remove it',
    });
  });
}

/** Problems of container resources (quantity syntax; requests not above limits). */
export function resourcesProblems(place: ProblemPlace, r: unknown): Problem[] {
  if (r === undefined) return [];
  if (!isObject(r)) return [at(place, '', { value: r, message: 'is not a map', allowed: 'requests: and limits: maps of resource name to quantity', fix: 'write e.g. requests: { cpu: 500m, memory: 2Gi }' })];
  const problems = unknownKeys(place, r, ['requests', 'limits'], 'container resources');
  for (const kind of ['requests', 'limits'] as const) {
    const m = r[kind];
    if (m === undefined) continue;
    if (!isObject(m)) {
      problems.push(at(place, `.${kind}`, { value: m, message: 'is not a map of resource name to quantity', fix: 'write e.g. { cpu: 500m, memory: 2Gi }' }));
      continue;
    }
    for (const [name, q] of Object.entries(m)) {
      const keyProblem = qualifiedNameProblem(name);
      if (keyProblem) problems.push(at(place, `.${kind}`, { value: name, message: `has a resource name that is not valid: it ${keyProblem}`, fix: 'use cpu, memory, ephemeral-storage or an extended resource name' }));
      const ok = (typeof q === 'string' && QUANTITY.test(q)) || (typeof q === 'number' && Number.isFinite(q) && q >= 0);
      if (!ok || (typeof q === 'string' && q.startsWith('-'))) {
        problems.push(at(place, `.${kind}.${name}`, {
          value: q, message: 'is not a Kubernetes quantity',
          allowed: 'a non-negative number with an optional suffix: m (milli), k, M, G, T, P, E or Ki, Mi, Gi, Ti, Pi, Ei (e.g. 500m, 2Gi)',
          fix: name === 'cpu' ? 'write e.g. 500m or 2' : 'write e.g. 128Mi or 2Gi',
        }));
      }
    }
  }
  return problems;
}

const TOLERATION_FIELDS = ['key', 'operator', 'value', 'effect', 'tolerationSeconds'];
const OPERATORS = ['Equal', 'Exists'];
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const WHEN_UNSATISFIABLE = ['DoNotSchedule', 'ScheduleAnyway'];

/** Problems of the scheduling fields (label syntax, toleration enums, spread constraints). */
export function schedulingProblems(place: ProblemPlace, s: PodScheduling): Problem[] {
  const problems: Problem[] = [];
  if (s.nodeSelector !== undefined) {
    const sub = { ...place, field: `${place.field}.nodeSelector` };
    if (!isObject(s.nodeSelector)) problems.push(at(sub, '', { value: s.nodeSelector, message: 'is not a map of node label to value', fix: 'write e.g. { kubernetes.io/os: linux }' }));
    else {
      for (const [k, v] of Object.entries(s.nodeSelector)) {
        const p = qualifiedNameProblem(k);
        if (p) problems.push(at(sub, '', { value: k, message: `has a key that is not a valid label key: it ${p}`, fix: 'use a node label key, e.g. "kubernetes.io/os" or "node.kubernetes.io/instance-type"' }));
        if (typeof v !== 'string' || !isLabelValue(v)) {
          problems.push(at(sub, `.${k}`, { value: v, message: 'is not a valid label value', allowed: 'a string of at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit', fix: 'use the node label\'s value as `kubectl get nodes --show-labels` shows it' }));
        }
      }
    }
  }
  if (s.tolerations !== undefined) {
    if (!Array.isArray(s.tolerations)) problems.push(at(place, '.tolerations', { value: s.tolerations, message: 'is not a list of tolerations', fix: 'write e.g. [{ key: dedicated, operator: Equal, value: istio, effect: NoSchedule }]' }));
    else {
      s.tolerations.forEach((t: unknown, i) => {
        const sub = { ...place, field: `${place.field}.tolerations[${i}]` };
        if (!isObject(t)) { problems.push(at(sub, '', { value: t, message: 'is not a toleration', fix: 'write { key, operator, value, effect }' })); return; }
        problems.push(...unknownKeys(sub, t, TOLERATION_FIELDS, 'a toleration'));
        if (t.operator !== undefined && !OPERATORS.includes(t.operator as string)) {
          problems.push(at(sub, '.operator', { value: t.operator, message: 'is not a toleration operator', allowed: OPERATORS.join(', '), fix: `use ${suggest(String(t.operator), OPERATORS) ?? 'Equal'}` }));
        }
        if (t.effect !== undefined && t.effect !== '' && !EFFECTS.includes(t.effect as string)) {
          problems.push(at(sub, '.effect', { value: t.effect, message: 'is not a taint effect', allowed: `${EFFECTS.join(', ')} (or empty for all)`, fix: `use ${suggest(String(t.effect), EFFECTS) ?? 'NoSchedule'}` }));
        }
        if (t.key !== undefined && t.key !== '') {
          const p = typeof t.key === 'string' ? qualifiedNameProblem(t.key) : 'is not a string';
          if (p) problems.push(at(sub, '.key', { value: t.key, message: `is not a valid taint key: it ${p}`, fix: 'use the taint key as `kubectl describe node` shows it' }));
        } else if (t.operator !== 'Exists' && t.key !== undefined) {
          problems.push(at(sub, '.key', { value: t.key, message: 'is empty, which Kubernetes allows only with operator Exists', fix: 'name the taint key, or set operator: Exists' }));
        }
        if (t.operator === 'Exists' && t.value !== undefined && t.value !== '') {
          problems.push(at(sub, '.value', { value: t.value, message: 'is set with operator Exists, which matches any value', fix: 'remove the value, or use operator Equal' }));
        }
        if (t.value !== undefined && (typeof t.value !== 'string' || !isLabelValue(t.value))) {
          problems.push(at(sub, '.value', { value: t.value, message: 'is not a valid taint value', allowed: 'at most 63 letters, digits, "-", "_" and "."', fix: 'use the taint value as the node shows it' }));
        }
        if (t.tolerationSeconds !== undefined && (!isCount(t.tolerationSeconds) || t.effect !== 'NoExecute')) {
          problems.push(at(sub, '.tolerationSeconds', { value: t.tolerationSeconds, message: t.effect !== 'NoExecute' ? 'applies only to effect NoExecute' : 'is not a whole number of seconds', fix: 'remove it, or set effect: NoExecute and a whole number' }));
        }
      });
    }
  }
  if (s.affinity !== undefined) {
    if (!isObject(s.affinity)) problems.push(at(place, '.affinity', { value: s.affinity, message: 'is not a Kubernetes Affinity', fix: 'write { nodeAffinity: ..., podAntiAffinity: ... }' }));
    else problems.push(...unknownKeys({ ...place, field: `${place.field}.affinity` }, s.affinity, ['nodeAffinity', 'podAffinity', 'podAntiAffinity'], 'a Kubernetes Affinity'));
  }
  if (s.topologySpreadConstraints !== undefined) {
    if (!Array.isArray(s.topologySpreadConstraints)) problems.push(at(place, '.topologySpreadConstraints', { value: s.topologySpreadConstraints, message: 'is not a list', fix: 'write a list of { maxSkew, topologyKey, whenUnsatisfiable }' }));
    else {
      s.topologySpreadConstraints.forEach((c: unknown, i) => {
        const sub = { ...place, field: `${place.field}.topologySpreadConstraints[${i}]` };
        if (!isObject(c)) { problems.push(at(sub, '', { value: c, message: 'is not a topology spread constraint', fix: 'write { maxSkew, topologyKey, whenUnsatisfiable }' })); return; }
        if (!isCount(c.maxSkew) || c.maxSkew < 1) problems.push(at(sub, '.maxSkew', { value: c.maxSkew, message: 'is not a whole number of at least 1', fix: 'write e.g. 1' }));
        if (typeof c.topologyKey !== 'string' || qualifiedNameProblem(c.topologyKey)) problems.push(at(sub, '.topologyKey', { value: c.topologyKey, message: 'is not a node label key', fix: 'write e.g. topology.kubernetes.io/zone' }));
        if (!WHEN_UNSATISFIABLE.includes(c.whenUnsatisfiable as string)) problems.push(at(sub, '.whenUnsatisfiable', { value: c.whenUnsatisfiable, message: 'is not allowed', allowed: WHEN_UNSATISFIABLE.join(', '), fix: 'use DoNotSchedule or ScheduleAnyway' }));
      });
    }
  }
  return problems;
}

/** A problem unless `v` is undefined or a whole number ≥ `min`. */
export function countProblem(place: ProblemPlace, suffix: string, v: unknown, min: number, what: string): Problem[] {
  if (v === undefined || (isCount(v) && v >= min)) return [];
  return [at(place, suffix, { value: v, message: `is not a whole number of at least ${min}`, fix: `set ${what} to ${min} or more` })];
}
