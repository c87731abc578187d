import { firstUnsafeCharacter, hasTemplateDelimiter, suggest } from '../names';
import { countProblem, PodScheduling, ProblemPlace, ResourceRequirements, resourcesProblems, schedulingProblems } from '../pod-scheduling';
import { Problem } from '../problem';
import { BASE_CHART_KEYS, ISTIOD_CHART_KEYS, KeyTree, MESH_CONFIG_KEYS, SAIL_VALUES_KEYS } from './chart-keys';

/** istiod's Deployment: resources, replicas and where its pods run (istiod chart values, IstioOperator `values.pilot`). */
export interface IstiodValues extends PodScheduling {
  /** istiod's container resources (`resources`). @default - the chart's: requests cpu 500m, memory 2048Mi */
  readonly resources?: ResourceRequirements;
  /**
   * A fixed number of istiod replicas (`replicaCount`, with `autoscaleEnabled: false`: with the chart's
   * HPA on, the Deployment has no replica count). Exclusive with `autoscale`.
   * @default - autoscaled by the chart's HPA from 1 to 5
   */
  readonly replicaCount?: number;
  /** The chart's HPA bounds (`autoscaleMin`, `autoscaleMax`). @default { min: 1, max: 5 } */
  readonly autoscale?: { readonly min?: number; readonly max?: number };
}

/** The common MeshConfig settings (istiod chart `meshConfig`, IstioOperator `spec.meshConfig`). */
export interface MeshConfigValues {
  /** Envoy access log path, e.g. `/dev/stdout`; empty turns access logs off. @default '' */
  readonly accessLogFile?: string;
  /** Access log encoding. @default 'TEXT' */
  readonly accessLogEncoding?: 'TEXT' | 'JSON';
  /** Access log format (Envoy command operators). @default - Istio's */
  readonly accessLogFormat?: string;
  /** Whether proxies emit traces. @default false */
  readonly enableTracing?: boolean;
  /** Whether Istio picks mTLS automatically for destinations with sidecars. @default true */
  readonly enableAutoMtls?: boolean;
  /** What proxies do with traffic to hosts outside the registry. @default ALLOW_ANY */
  readonly outboundTrafficPolicy?: { readonly mode?: 'ALLOW_ANY' | 'REGISTRY_ONLY' };
  /** Proxy defaults (`defaultConfig`, the ProxyConfig of every proxy). */
  readonly defaultConfig?: {
    /** Start the application container only once the proxy is ready. @default false */
    readonly holdApplicationUntilProxyStarts?: boolean;
  };
}

/**
 * Raw Helm values per chart, deep-merged over everything else (objects merge, lists and scalars replace,
 * as Helm merges values files). Keys are checked against the chart's values of Istio 1.30.3.
 */
export interface RawInstallValues {
  /** Values of the `base` chart. */
  readonly base?: { readonly [key: string]: unknown };
  /** Values of the `istiod` chart (top-level pilot values, `global`, `meshConfig`, ...). */
  readonly istiod?: { readonly [key: string]: unknown };
}

/**
 * Istio install values set by the user, mesh-wide (`MeshProps.installValues`) or per cluster
 * (`ClusterProps.installValues`). They reach every form that carries values: the Helm values files, the
 * IstioOperators, the Sail `Istio` resources and the Argo CD `valuesObject`. Per-cluster values are merged
 * over mesh-wide ones, which are merged over what synth derives from the model; in each, `raw` is merged
 * over the typed fields. A value the model derives (mesh ID, cluster name, network, trust domain, ...)
 * cannot be overridden: change the model instead.
 */
export interface InstallValues {
  /** Registry of Istio's images (`global.hub`), e.g. a private mirror. @default - the chart's (docker.io/istio) */
  readonly hub?: string;
  /** Tag of Istio's images (`global.tag`), e.g. `1.30.3-distroless`. @default - the chart's (the Istio version) */
  readonly tag?: string;
  /** istiod's resources, replicas and scheduling. */
  readonly istiod?: IstiodValues;
  /** Common mesh config settings. */
  readonly meshConfig?: MeshConfigValues;
  /** Raw chart values, for everything else. */
  readonly raw?: RawInstallValues;
}

/** Chart values per chart. */
export interface ChartValues {
  readonly base: Record<string, unknown>;
  readonly istiod: Record<string, unknown>;
}

/**
 * Values synth derives from the model, one source of truth each: a user override would contradict the
 * model (e.g. `global.network` must be the cluster's network, which also labels its namespace and gateway).
 * `pilot.<key>` is the same value as `<key>` in the istiod chart.
 */
const DERIVED: { readonly [chart in keyof ChartValues]: readonly string[] } = {
  base: ['profile', 'defaultRevision', 'global.istioNamespace', 'global.enableReaderRBAC', 'base.validationURL'],
  istiod: [
    'profile', 'revision', 'configMap', 'istiodRemote', 'volumes', 'volumeMounts',
    'global.meshID', 'global.multiCluster.clusterName', 'global.network', 'global.istioNamespace', 'global.externalIstiod',
    'global.remotePilotAddress', 'global.configCluster', 'global.caAddress', 'global.enableReaderRBAC', 'global.operatorManageWebhooks',
    'meshConfig.trustDomain', 'meshConfig.rootNamespace', 'meshConfig.serviceSettings', 'meshConfig.defaultConfig.discoveryAddress',
    'env.PILOT_MULTICLUSTER_KUBECONFIG_PATH', 'env.EXTERNAL_ISTIOD', 'env.LOCAL_CLUSTER_SECRET_WATCHER', 'env.SHARED_MESH_CONFIG',
    'env.INJECTION_WEBHOOK_CONFIG_NAME', 'env.VALIDATION_WEBHOOK_CONFIG_NAME', 'env.CLUSTER_ID',
    // VM groups (src/vm/vm-install-values.ts), revisions (src/revisions) and ambient (src/ambient)
    'env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION', 'env.PILOT_ENABLE_WORKLOAD_ENTRY_HEALTHCHECKS',
    'revisionTags', 'env.AMBIENT_ENABLE_MULTI_NETWORK', 'env.AMBIENT_ENABLE_MULTI_NETWORK_INGRESS',
    // federation (src/federation/mesh-values.ts) and tenancy (src/tenancy)
    'meshConfig.caCertificates', 'global.meshNetworks', 'env.ISTIO_MULTIROOT_MESH',
    'meshConfig.defaultVirtualServiceExportTo', 'meshConfig.defaultDestinationRuleExportTo', 'meshConfig.discoverySelectors',
  ],
};

/** Where each derived value comes from, for the fix. */
const DERIVED_FROM: { readonly [path: string]: string } = {
  'global.meshID': 'the mesh ID (meshID)',
  'global.multiCluster.clusterName': 'the cluster name (clusterName)',
  'global.network': 'the cluster\'s network (network)',
  'meshConfig.trustDomain': 'the mesh\'s trust domain (trustDomain)',
  'global.istioNamespace': 'the control plane namespace',
  'meshConfig.serviceSettings': 'the applications\' cluster-local services',
  'env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION': 'the mesh\'s VM groups (vmGroups)',
  'env.PILOT_ENABLE_WORKLOAD_ENTRY_HEALTHCHECKS': 'the mesh\'s VM groups (vmGroups)',
  'revisionTags': 'the mesh\'s revision tags (revisionTags)',
  'env.AMBIENT_ENABLE_MULTI_NETWORK': 'the data-plane mode (dataPlaneMode: ambient) on several networks',
  'env.AMBIENT_ENABLE_MULTI_NETWORK_INGRESS': 'the ambient setting ambient.ingressAcrossNetworks',
  'meshConfig.caCertificates': 'the federation\'s trust anchors (Federation, federation.trustAnchors)',
  'global.meshNetworks': 'the federation\'s imports (Federation, federation.imports)',
  'env.ISTIO_MULTIROOT_MESH': 'the federation (Federation)',
  'meshConfig.defaultVirtualServiceExportTo': 'tenancy (tenancy.scopeConfigToNamespace)',
  'meshConfig.defaultDestinationRuleExportTo': 'tenancy (tenancy.scopeConfigToNamespace)',
  'meshConfig.discoverySelectors': 'tenancy (tenancy.discoverySelectors)',
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Helm's merge of values: objects merge key by key, anything else in `over` replaces. Inputs are not modified. */
export function mergeValues(under: unknown, over: unknown): any {
  if (over === undefined) return clone(under);
  if (!isObject(under) || !isObject(over)) return clone(over);
  const out: Record<string, unknown> = { ...clone(under) };
  for (const [k, v] of Object.entries(over)) out[k] = mergeValues(out[k], v);
  return out;
}

function clone(v: unknown): any {
  if (Array.isArray(v)) return v.map(clone);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
  return v;
}

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    const inner = isObject(v) ? withoutUndefined(v) : v;
    if (isObject(inner) && Object.keys(inner).length === 0) continue;
    out[k] = inner;
  }
  return out;
}

/** The chart values of one layer of install values: typed fields mapped to chart keys, then `raw` over them. */
export function chartValuesOf(v: InstallValues | undefined): ChartValues {
  if (!v) return { base: {}, istiod: {} };
  const i = v.istiod ?? {};
  const m = v.meshConfig ?? {};
  const typed = withoutUndefined({
    global: { hub: v.hub, tag: v.tag },
    resources: i.resources,
    // A fixed count only takes effect with the chart's HPA off (istio-discovery templates/deployment.yaml).
    ...(i.replicaCount !== undefined ? { autoscaleEnabled: false, replicaCount: i.replicaCount } : {}),
    ...(i.autoscale !== undefined ? { autoscaleEnabled: true, autoscaleMin: i.autoscale.min, autoscaleMax: i.autoscale.max } : {}),
    nodeSelector: i.nodeSelector,
    tolerations: i.tolerations,
    affinity: i.affinity,
    topologySpreadConstraints: i.topologySpreadConstraints,
    meshConfig: {
      accessLogFile: m.accessLogFile,
      accessLogEncoding: m.accessLogEncoding,
      accessLogFormat: m.accessLogFormat,
      enableTracing: m.enableTracing,
      enableAutoMtls: m.enableAutoMtls,
      outboundTrafficPolicy: m.outboundTrafficPolicy && { mode: m.outboundTrafficPolicy.mode },
      defaultConfig: m.defaultConfig && { holdApplicationUntilProxyStarts: m.defaultConfig.holdApplicationUntilProxyStarts },
    },
  });
  return {
    base: mergeValues({}, v.raw?.base ?? {}),
    istiod: mergeValues(typed, v.raw?.istiod ?? {}),
  };
}

/** The values of the layers merged in order (later over earlier). */
export function mergedChartValues(layers: readonly (InstallValues | undefined)[]): ChartValues {
  return layers.map(chartValuesOf).reduce((a, b) => ({ base: mergeValues(a.base, b.base), istiod: mergeValues(a.istiod, b.istiod) }),
    { base: {}, istiod: {} } as ChartValues);
}

const MAX_DEPTH = 32;

/** Unknown keys (did-you-mean), derived values and unusable values in a raw chart values tree. */
function rawProblems(place: ProblemPlace, chart: keyof ChartValues, values: unknown): Problem[] {
  const problems: Problem[] = [];
  const root = chart === 'base' ? BASE_CHART_KEYS : ISTIOD_CHART_KEYS;
  const chartName = chart === 'base' ? 'base' : 'istiod (istio-discovery)';
  const walk = (v: unknown, tree: KeyTree, path: string[], seen: Set<unknown>) => {
    if (path.length > MAX_DEPTH) {
      problems.push(field(place, path, { message: `nests deeper than ${MAX_DEPTH} levels`, fix: 'flatten the values; no chart value nests this deep' }));
      return;
    }
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint' || (typeof v === 'number' && !Number.isFinite(v))) {
      problems.push(field(place, path, { value: String(v), message: 'is not a value a values file can hold', allowed: 'strings, numbers, booleans, null, lists and maps', fix: 'write a plain value' }));
      return;
    }
    if (!Array.isArray(v) && !isObject(v)) return;
    if (seen.has(v)) {
      problems.push(field(place, path, { message: 'contains itself (a cycle)', fix: 'write plain values' }));
      return;
    }
    seen.add(v);
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, 1, [...path.slice(0, -1), `${path[path.length - 1]}[${i}]`], seen));
    } else {
      for (const [k, x] of Object.entries(v)) {
        const p = [...path, k];
        const derived = DERIVED[chart].find((d) => pilotless(chart, p.join('.')) === d);
        if (derived) { problems.push(derivedProblem(place, p, x, derived)); continue; }
        if (tree === 1) { walk(x, 1, p, seen); continue; }
        const atRoot = path.length === 0 || (chart === 'istiod' && path.length === 1 && path[0] === 'pilot');
        let sub: KeyTree | undefined = tree[k];
        if (chart === 'istiod' && path.length === 0 && k === 'pilot') sub = ISTIOD_CHART_KEYS;
        if (chart === 'istiod' && atRoot && k === 'meshConfig') sub = MESH_CONFIG_KEYS;
        if (sub !== undefined) { walk(x, sub, p, seen); continue; }
        const known = Object.keys(tree);
        const guess = suggest(k, known);
        const inMeshConfig = chart === 'istiod' && path.includes('meshConfig');
        problems.push(field(place, p, {
          message: inMeshConfig ? 'is not a MeshConfig field (Istio 1.30.3); istiod would refuse the mesh config'
            : `is not a value of Istio 1.30.3's ${chartName} chart${path.length > 0 ? ` under ${path.join('.')}` : ''}; Helm would silently ignore it`,
          allowed: known.length <= 40 ? known.join(', ') : `${known.slice(0, 40).join(', ')}, ... (${known.length} keys)`,
          fix: guess ? `did you mean "${guess}"?` : 'remove it, or check the chart\'s values.yaml for the key',
        }));
      }
    }
    seen.delete(v);
  };
  if (values === undefined) return problems;
  if (!isObject(values)) return [field(place, [], { value: values, message: 'is not a map of chart values', fix: 'write the values as a map, as in a values file' })];
  walk(values, root, [], new Set());
  return problems;
}

/** `pilot.x` of the istiod chart is `x`. */
function pilotless(chart: keyof ChartValues, path: string): string {
  return chart === 'istiod' && path.startsWith('pilot.') ? path.slice('pilot.'.length) : path;
}

function field(place: ProblemPlace, path: readonly string[], p: Omit<Problem, 'cluster' | 'field'>): Problem {
  return { ...(place.cluster !== undefined ? { cluster: place.cluster } : {}), field: [place.field, ...path].join('.'), ...p };
}

function derivedProblem(place: ProblemPlace, path: readonly string[], value: unknown, derived: string): Problem {
  const from = DERIVED_FROM[derived];
  return field(place, path, {
    value,
    message: `is derived from ${from ?? 'the model'} and written into every install form; an override would contradict it`,
    fix: from ? `change ${from} instead, and remove this value` : 'remove this value; synth sets it from the topology',
  });
}

const HUB = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * Problems of one layer of install values; `place.field` is `installValues`. With `sail` (the Sail
 * Operator installs Istio), raw values its `Istio` API cannot carry are problems too.
 */
export function installValuesProblems(place: ProblemPlace, v: InstallValues | undefined, options: { readonly sail?: boolean } = {}): Problem[] {
  if (v === undefined) return [];
  if (!isObject(v)) return [field(place, [], { value: v, message: 'is not a map', fix: 'write installValues as a map: hub, tag, istiod, meshConfig, raw' })];
  const problems: Problem[] = [];
  const known = ['hub', 'tag', 'istiod', 'meshConfig', 'raw'];
  for (const k of Object.keys(v)) {
    if (!known.includes(k)) problems.push(field(place, [k], { message: 'is not an install values setting', allowed: known.join(', '), fix: `did you mean "${suggest(k, known) ?? 'raw'}"? Chart values go under raw.istiod or raw.base` }));
  }
  const text = (name: string, s: unknown, re: RegExp, allowed: string, example: string) => {
    if (s === undefined) return;
    const unsafe = typeof s === 'string' ? firstUnsafeCharacter(s) : undefined;
    if (typeof s !== 'string' || !re.test(s) || unsafe || hasTemplateDelimiter(s)) {
      problems.push(field(place, [name], { value: s, message: `is not a valid image ${name}${unsafe ? ` (it contains ${unsafe})` : ''}`, allowed, fix: `write e.g. "${example}"` }));
    }
  };
  text('hub', v.hub, HUB, 'a registry host (optionally :port) and path, lowercase path components, no tag (e.g. registry.example.com/istio)', 'registry.example.com/istio');
  text('tag', v.tag, TAG, 'an image tag: letters, digits, "_", "." and "-", at most 128 characters, not starting with "." or "-"', '1.30.3-distroless');
  const i = v.istiod;
  if (i !== undefined) {
    const sub = { ...place, field: `${place.field}.istiod` };
    if (!isObject(i)) problems.push(field(sub, [], { value: i, message: 'is not a map', fix: 'write resources, replicaCount, autoscale, nodeSelector, tolerations, affinity, topologySpreadConstraints' }));
    else {
      const fields = ['resources', 'replicaCount', 'autoscale', 'nodeSelector', 'tolerations', 'affinity', 'topologySpreadConstraints'];
      for (const k of Object.keys(i)) {
        if (!fields.includes(k)) problems.push(field(sub, [k], { message: 'is not an istiod setting', allowed: fields.join(', '), fix: suggest(k, fields) ? `did you mean "${suggest(k, fields)}"?` : 'set other istiod chart values under raw.istiod' }));
      }
      problems.push(...resourcesProblems({ ...sub, field: `${sub.field}.resources` }, i.resources));
      problems.push(...schedulingProblems(sub, i));
      problems.push(...countProblem(sub, '.replicaCount', i.replicaCount, 1, 'replicaCount'));
      if (i.autoscale !== undefined) {
        const a = i.autoscale;
        if (!isObject(a)) problems.push(field(sub, ['autoscale'], { value: a, message: 'is not a map', fix: 'write { min: 2, max: 5 }' }));
        else {
          problems.push(...countProblem(sub, '.autoscale.min', a.min, 1, 'min'), ...countProblem(sub, '.autoscale.max', a.max, 1, 'max'));
          const min = a.min ?? 1; const max = a.max ?? 5;
          if (typeof min === 'number' && typeof max === 'number' && min > max) {
            problems.push(field(sub, ['autoscale'], { value: a, message: `has min ${min} above max ${max} (the chart's defaults are min 1, max 5)`, fix: 'make min at most max' }));
          }
        }
        if (i.replicaCount !== undefined) {
          problems.push(field(sub, ['replicaCount'], { value: i.replicaCount, message: 'is set together with autoscale; with the HPA on, the chart ignores the replica count', fix: 'keep either replicaCount (fixed) or autoscale' }));
        }
      }
    }
  }
  const m = v.meshConfig;
  if (m !== undefined) {
    const sub = { ...place, field: `${place.field}.meshConfig` };
    if (!isObject(m)) problems.push(field(sub, [], { value: m, message: 'is not a map', fix: 'write MeshConfig fields, e.g. accessLogFile: /dev/stdout' }));
    else {
      const fields = ['accessLogFile', 'accessLogEncoding', 'accessLogFormat', 'enableTracing', 'enableAutoMtls', 'outboundTrafficPolicy', 'defaultConfig'];
      for (const k of Object.keys(m)) {
        if (!fields.includes(k)) {
          const inMesh = (MESH_CONFIG_KEYS as Record<string, KeyTree>)[k] !== undefined;
          problems.push(field(sub, [k], {
            message: inMesh ? 'is a MeshConfig field without a typed setting here' : 'is not a MeshConfig field (Istio 1.30.3)',
            allowed: fields.join(', '),
            fix: inMesh ? `set it under raw.istiod.meshConfig.${k}` : suggest(k, fields) ? `did you mean "${suggest(k, fields)}"?` : 'remove it',
          }));
        }
      }
      for (const k of ['accessLogFile', 'accessLogFormat'] as const) {
        const s = m[k];
        if (s !== undefined && (typeof s !== 'string' || (k === 'accessLogFile' && firstUnsafeCharacter(s)))) {
          problems.push(field(sub, [k], { value: s, message: k === 'accessLogFile' ? 'is not a file path' : 'is not a string', fix: k === 'accessLogFile' ? 'write e.g. /dev/stdout, or "" to turn access logs off' : 'write an Envoy access log format string' }));
        }
      }
      const oneOf = (path: string[], s: unknown, allowed: readonly string[]) => {
        if (s !== undefined && !allowed.includes(s as string)) {
          problems.push(field(sub, path, { value: s, message: 'is not allowed', allowed: allowed.join(', '), fix: `use ${suggest(String(s), allowed) ?? allowed[0]}` }));
        }
      };
      oneOf(['accessLogEncoding'], m.accessLogEncoding, ['TEXT', 'JSON']);
      for (const k of ['enableTracing', 'enableAutoMtls'] as const) {
        if (m[k] !== undefined && typeof m[k] !== 'boolean') problems.push(field(sub, [k], { value: m[k], message: 'is not a boolean', fix: 'write true or false' }));
      }
      if (m.outboundTrafficPolicy !== undefined) {
        if (!isObject(m.outboundTrafficPolicy)) problems.push(field(sub, ['outboundTrafficPolicy'], { value: m.outboundTrafficPolicy, message: 'is not a map', fix: 'write { mode: REGISTRY_ONLY }' }));
        else oneOf(['outboundTrafficPolicy', 'mode'], m.outboundTrafficPolicy.mode, ['ALLOW_ANY', 'REGISTRY_ONLY']);
      }
      if (m.defaultConfig !== undefined) {
        const d = m.defaultConfig;
        if (!isObject(d) || (d.holdApplicationUntilProxyStarts !== undefined && typeof d.holdApplicationUntilProxyStarts !== 'boolean')) {
          problems.push(field(sub, ['defaultConfig'], { value: d, message: 'is not { holdApplicationUntilProxyStarts: <boolean> }', fix: 'set other ProxyConfig fields under raw.istiod.meshConfig.defaultConfig' }));
        }
      }
    }
  }
  const raw = v.raw;
  if (raw !== undefined) {
    const sub = { ...place, field: `${place.field}.raw` };
    if (!isObject(raw)) problems.push(field(sub, [], { value: raw, message: 'is not a map', fix: 'write { istiod: {...}, base: {...} }' }));
    else {
      for (const k of Object.keys(raw)) {
        if (k !== 'base' && k !== 'istiod') problems.push(field(sub, [k], { message: 'is not a chart this project installs', allowed: 'base, istiod', fix: `did you mean "${suggest(k, ['base', 'istiod']) ?? 'istiod'}"?` }));
      }
      problems.push(...rawProblems({ ...sub, field: `${sub.field}.base` }, 'base', raw.base));
      problems.push(...rawProblems({ ...sub, field: `${sub.field}.istiod` }, 'istiod', raw.istiod));
    }
  }
  // A key unknown to the chart is reported once, as such.
  if (options.sail && problems.length === 0) problems.push(...sailValuesProblems(place, v));
  return problems;
}

/**
 * The top-level sections of Istio's `values` API (operator/pkg/apis/values_types.proto, also the Sail
 * `Istio` resource's `spec.values`): istiod chart keys outside them are pilot values, which an
 * IstioOperator and Sail write under `values.pilot`.
 */
export const VALUES_SECTIONS: ReadonlySet<string> = new Set([
  'base', 'compatibilityVersion', 'defaultRevision', 'experimental', 'gatewayClasses', 'gateways', 'global', 'istiodRemote',
  'meshConfig', 'ownerName', 'pilot', 'profile', 'revision', 'revisionTags', 'sidecarInjectorWebhook', 'telemetry',
]);

/**
 * Raw chart values the Sail Operator's `Istio` API cannot carry (its `spec.values` schema lags the charts:
 * e.g. `pilot.pdb`, `global.proxy.variant`); the API server would drop them, so with the Sail Operator as
 * install method they are refused rather than lost.
 */
export function sailValuesProblems(place: ProblemPlace, v: InstallValues | undefined): Problem[] {
  const problems: Problem[] = [];
  if (!isObject(v) || !isObject(v.raw)) return problems;
  for (const chart of ['base', 'istiod'] as const) {
    const values = v.raw[chart];
    if (!isObject(values)) continue;
    for (const [k, x] of Object.entries(values)) {
      const apiPath = chart === 'istiod' && !VALUES_SECTIONS.has(k) ? ['pilot', k] : [k];
      check(x, apiPath, [k]);
    }
    function check(value: unknown, apiPath: string[], userPath: string[]): void {
      let node: KeyTree | undefined = SAIL_VALUES_KEYS;
      for (const seg of apiPath) {
        if (node === 1) return;
        node = node?.[seg];
      }
      if (node === undefined) {
        problems.push(field({ ...place, field: `${place.field}.raw.${chart}` }, userPath, {
          message: `is not in the Sail Operator's Istio values API (sailoperator.io/v1 ${'`'}spec.values.${apiPath.join('.')}${'`'}, 1.30.3); the API server would drop it from the Istio resource`,
          fix: 'set it another way (e.g. a patch of the rendered object), or install Istio with Helm (argoCd.istioInstall: helm)',
        }));
        return;
      }
      if (node === 1 || !isObject(value)) return;
      for (const [k, x] of Object.entries(value)) check(x, [...apiPath, k], [...userPath, k]);
    }
  }
  return problems;
}
