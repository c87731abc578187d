import { NETWORK_LABEL } from '../istio';
import type { Problem } from '../problem';

/** One string condition of a match (exactly one of the three). */
export interface StringMatch {
  /** Exact value. @default - none */
  readonly exact?: string;
  /** Prefix. @default - none */
  readonly prefix?: string;
  /** RE2 regular expression. @default - none */
  readonly regex?: string;
}

/**
 * An HTTP match condition of a route (all given conditions must hold).
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest
 */
export interface HttpMatch {
  /** URI condition. @default - any URI */
  readonly uri?: StringMatch;
  /** Header conditions by lowercase header name. @default - none */
  readonly headers?: { readonly [name: string]: StringMatch };
}

/** A destination of a route: a subset of the service, with a weight when traffic is split. */
export interface RouteDestination {
  /** Subset: a version of the service's workloads, or a cluster name when subsets by cluster are on. @default - the whole service */
  readonly subset?: string;
  /** Share of the traffic in percent; the weights of one route sum to 100. @default - 100 for a single destination */
  readonly weight?: number;
  /** Service port. @default - the only port, left out of the route */
  readonly port?: number;
}

/**
 * One HTTP route of a service's VirtualService, evaluated in the order added.
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRoute
 */
export interface RouteProps {
  /** Conditions (any of them); none: matches every request. @default - every request */
  readonly match?: readonly HttpMatch[];
  /** Where the traffic goes. */
  readonly to: readonly RouteDestination[];
}

/** Failover from one region to another. */
export interface LocalityFailover {
  readonly from: string;
  readonly to: string;
}

/** Weighted distribution from one locality (`region/zone/*`) to others. */
export interface LocalityDistribute {
  readonly from: string;
  /** Weights by locality; they sum to 100. */
  readonly to: { readonly [locality: string]: number };
}

/**
 * Locality load balancing, from the clusters' declared region and zone. Only one of the three may be set.
 * @see https://istio.io/latest/docs/tasks/traffic-management/locality-load-balancing/
 */
export interface LocalityLoadBalancing {
  /** Region failover. @default - none */
  readonly failover?: readonly LocalityFailover[];
  /** Labels endpoints are sorted by, e.g. `topology.istio.io/network`, `topology.istio.io/cluster`. @default - none */
  readonly failoverPriority?: readonly string[];
  /** Weighted distribution. @default - none */
  readonly distribute?: readonly LocalityDistribute[];
}

/** Outlier detection (ejects failing endpoints; locality failover depends on it). */
export interface OutlierDetection {
  /** @default 5 */
  readonly consecutive5xxErrors?: number;
  /** @default '10s' */
  readonly interval?: string;
  /** @default '30s' */
  readonly baseEjectionTime?: string;
  /** @default - Envoy's (10) */
  readonly maxEjectionPercent?: number;
}

/** A service's client-side load balancing. */
export interface LoadBalancingProps {
  /** Locality load balancing. @default - Istio's default (locality-aware when outlier detection is on) */
  readonly locality?: LocalityLoadBalancing;
  /**
   * Outlier detection.
   * @default - DEFAULT_OUTLIER_DETECTION when `locality` is set (Istio ignores locality settings without it)
   */
  readonly outlierDetection?: OutlierDetection;
}

/**
 * The outlier detection added when locality load balancing is declared without one: Istio's failover
 * "will not take effect" without outlier detection (DestinationRule API, `failover`). The values are
 * Envoy's own defaults for the consecutive-5xx detector, so nothing is ejected sooner than Envoy would.
 */
export const DEFAULT_OUTLIER_DETECTION = { consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s' } as const;

/** Label Istio puts on every endpoint: the cluster it runs in (subsets by cluster). */
export const CLUSTER_LABEL = 'topology.istio.io/cluster';

/** A DestinationRule subset. */
export interface Subset {
  readonly name: string;
  readonly labels: { readonly [key: string]: string };
}

const DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

/** Problems of one string match. */
function stringMatchProblems(m: StringMatch, field: string, fix: string): Problem[] {
  const set = (['exact', 'prefix', 'regex'] as const).filter((k) => m[k] !== undefined);
  if (set.length !== 1) {
    return [{ field, value: m, message: set.length === 0 ? 'has no condition' : `sets ${set.join(' and ')}`, allowed: 'exactly one of exact, prefix, regex', fix }];
  }
  const v = m[set[0]]!;
  if (typeof v !== 'string' || v === '' || /[\u0000-\u001f]/.test(v)) {
    return [{ field: `${field}.${set[0]}`, value: v, message: 'is not a usable match value', allowed: 'a non-empty string without control characters', fix }];
  }
  return [];
}

/** Problems of the match conditions of a route. */
export function matchProblems(match: readonly HttpMatch[], field: string): Problem[] {
  const problems: Problem[] = [];
  match.forEach((m, i) => {
    const at = `${field}[${i}]`;
    if (m.uri === undefined && (m.headers === undefined || Object.keys(m.headers).length === 0)) {
      problems.push({ field: at, message: 'has no condition', fix: 'give a uri or headers condition, or leave out the match to route every request' });
    }
    if (m.uri) problems.push(...stringMatchProblems(m.uri, `${at}.uri`, 'use e.g. { exact: /productpage } or { prefix: /static }'));
    for (const [name, hm] of Object.entries(m.headers ?? {})) {
      if (!HEADER_NAME.test(name)) {
        problems.push({ field: `${at}.headers`, value: name, message: 'is not a lowercase HTTP header name', allowed: 'lowercase letters, digits and token characters', fix: 'write the header name in lowercase, e.g. "end-user"' });
      }
      problems.push(...stringMatchProblems(hm, `${at}.headers.${name}`, 'use e.g. { exact: jason }'));
    }
  });
  return problems;
}

/** Problems of one route: weights summing to 100, subsets some workload provides, ports the service has. */
export function routeProblems(route: RouteProps, field: string, subsets: readonly Subset[], ports: readonly number[]): Problem[] {
  const problems: Problem[] = [...matchProblems(route.match ?? [], `${field}.match`)];
  if (route.to.length === 0) {
    problems.push({ field: `${field}.to`, message: 'has no destination', fix: 'route to the service or one of its subsets, e.g. to: [{ subset: v1 }]' });
  }
  const weights = route.to.map((d) => d.weight);
  if (route.to.length > 1 || weights.some((w) => w !== undefined)) {
    const sum = weights.reduce<number>((a, w) => a + (w ?? 0), 0);
    if (weights.some((w) => w === undefined || !Number.isInteger(w) || w < 0) || sum !== 100) {
      problems.push({
        field: `${field}.to`, value: weights, message: `has weights that sum to ${sum}, not 100`,
        allowed: 'a whole-number weight on every destination, together 100', fix: 'adjust the weights, e.g. 80 and 20',
      });
    }
  }
  route.to.forEach((d, i) => {
    if (d.subset !== undefined && !subsets.some((s) => s.name === d.subset)) {
      problems.push({
        field: `${field}.to[${i}].subset`, value: d.subset, message: 'is a subset no workload of the service provides',
        allowed: subsets.length > 0 ? subsets.map((s) => s.name).join(', ') : 'none: no workload of the service has a version',
        fix: 'route to a version a placed workload has, or add that workload',
      });
    }
    if (d.port !== undefined && !ports.includes(d.port)) {
      problems.push({ field: `${field}.to[${i}].port`, value: d.port, message: 'is not a port of the service', allowed: ports.join(', '), fix: 'use one of the service\'s ports' });
    }
  });
  return problems;
}

/** Problems of a service's load balancing, given the regions (and `region/zone`s) the mesh's clusters declare. */
export function loadBalancingProblems(lb: LoadBalancingProps, field: string, regions: ReadonlySet<string>, zones: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  const known = [...regions].sort().join(', ') || 'none: no cluster declares a region';
  const loc = lb.locality;
  if (loc) {
    const set = (['failover', 'failoverPriority', 'distribute'] as const).filter((k) => loc[k] !== undefined);
    if (set.length !== 1) {
      problems.push({
        field: `${field}.locality`, value: set, message: set.length === 0 ? 'sets none of failover, failoverPriority, distribute' : `sets ${set.join(' and ')}; Istio takes only one`,
        allowed: 'exactly one of failover, failoverPriority, distribute', fix: 'keep one of them',
      });
    }
    const region = (value: string, at: string) => {
      if (!regions.has(value)) {
        problems.push({ field: at, value, message: 'names a region no cluster of the mesh has', allowed: known, fix: 'use the region of a declared cluster, or declare region on the clusters' });
      }
    };
    (loc.failover ?? []).forEach((f, i) => {
      region(f.from, `${field}.locality.failover[${i}].from`);
      region(f.to, `${field}.locality.failover[${i}].to`);
      if (f.from === f.to) problems.push({ field: `${field}.locality.failover[${i}]`, value: f, message: 'fails over to the same region', fix: 'fail over to another region' });
    });
    (loc.failoverPriority ?? []).forEach((label, i) => {
      if (!/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?(=[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(label)) {
        problems.push({ field: `${field}.locality.failoverPriority[${i}]`, value: label, message: 'is not a label key (optionally key=value)', allowed: `e.g. ${NETWORK_LABEL}, ${CLUSTER_LABEL}, topology.kubernetes.io/region`, fix: 'use a label key' });
      }
    });
    (loc.distribute ?? []).forEach((d, i) => {
      const at = `${field}.locality.distribute[${i}]`;
      for (const [where, value] of [['from', d.from], ...Object.keys(d.to).map((k) => ['to', k])] as [string, string][]) {
        const parts = value.split('/');
        if (parts.length > 3 || parts.some((p) => p === '') || parts[0] === '*') {
          problems.push({ field: `${at}.${where}`, value, message: 'is not a locality', allowed: 'region, region/zone or region/zone/subzone, "*" allowed after the region', fix: 'write e.g. region1/zone1/*' });
          continue;
        }
        region(parts[0], `${at}.${where}`);
        if (parts.length > 1 && parts[1] !== '*' && zones.size > 0 && !zones.has(`${parts[0]}/${parts[1]}`)) {
          problems.push({ field: `${at}.${where}`, value, message: 'names a zone no cluster of the mesh has', allowed: [...zones].sort().join(', '), fix: 'use the zone of a declared cluster, or "*"' });
        }
      }
      const weights = Object.values(d.to);
      const sum = weights.reduce((a, w) => a + w, 0);
      if (weights.length === 0 || weights.some((w) => !Number.isInteger(w) || w < 0) || sum !== 100) {
        problems.push({ field: `${at}.to`, value: d.to, message: `has weights that sum to ${sum}, not 100`, allowed: 'whole-number weights together 100', fix: 'adjust the weights so they sum to 100' });
      }
    });
  }
  const od = lb.outlierDetection;
  if (od) {
    for (const k of ['interval', 'baseEjectionTime'] as const) {
      if (od[k] !== undefined && !DURATION.test(od[k]!)) {
        problems.push({ field: `${field}.outlierDetection.${k}`, value: od[k], message: 'is not a duration', allowed: 'e.g. 1s, 500ms, 1m', fix: 'write a duration such as 10s' });
      }
    }
    for (const k of ['consecutive5xxErrors', 'maxEjectionPercent'] as const) {
      const v = od[k];
      if (v !== undefined && (!Number.isInteger(v) || v < 0 || (k === 'maxEjectionPercent' && v > 100))) {
        problems.push({ field: `${field}.outlierDetection.${k}`, value: v, message: 'is out of range', allowed: k === 'maxEjectionPercent' ? '0 to 100' : 'a whole number >= 0', fix: 'use a whole number' });
      }
    }
  }
  return problems;
}

/** The DestinationRule spec of a service: subsets, and locality load balancing with outlier detection. */
export function destinationRuleSpec(host: string, subsets: readonly Subset[], lb: LoadBalancingProps | undefined): Record<string, unknown> {
  const loc = lb?.locality;
  const od = lb?.outlierDetection ?? (loc ? DEFAULT_OUTLIER_DETECTION : undefined);
  const trafficPolicy = loc || od ? {
    ...(loc ? {
      loadBalancer: {
        localityLbSetting: {
          enabled: true,
          ...(loc.failover ? { failover: loc.failover.map((f) => ({ from: f.from, to: f.to })) } : {}),
          ...(loc.failoverPriority ? { failoverPriority: [...loc.failoverPriority] } : {}),
          ...(loc.distribute ? { distribute: loc.distribute.map((d) => ({ from: d.from, to: { ...d.to } })) } : {}),
        },
      },
    } : {}),
    ...(od ? { outlierDetection: { ...od } } : {}),
  } : undefined;
  return {
    host,
    ...(trafficPolicy ? { trafficPolicy } : {}),
    ...(subsets.length > 0 ? { subsets: subsets.map((s) => ({ name: s.name, labels: { ...s.labels } })) } : {}),
  };
}

/** The `match` list of a VirtualService http route. */
export function httpMatchJson(match: readonly HttpMatch[]): Record<string, unknown>[] {
  return match.map((m) => ({
    ...(m.uri ? { uri: { ...m.uri } } : {}),
    ...(m.headers ? { headers: Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, { ...v }])) } : {}),
  }));
}

/** One VirtualService http route to `host`. */
export function httpRouteJson(host: string, route: RouteProps): Record<string, unknown> {
  const single = route.to.length === 1;
  return {
    ...(route.match && route.match.length > 0 ? { match: httpMatchJson(route.match) } : {}),
    route: route.to.map((d) => ({
      destination: { host, ...(d.subset !== undefined ? { subset: d.subset } : {}), ...(d.port !== undefined ? { port: { number: d.port } } : {}) },
      ...(d.weight !== undefined && !(single && d.weight === 100) ? { weight: d.weight } : {}),
    })),
  };
}
