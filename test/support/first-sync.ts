import { GATEWAY_API_CRD_PATH, GATEWAY_API_GROUP, GATEWAY_API_REPO } from '../../src/ambient/gateway-api';
import { parseYamlDocuments } from '../../src/output/yaml';
import type { OutputFile } from '../../src/output/render';
import { PEER_CLUSTERS_ANNOTATION } from '../../src/remote-secret';

/**
 * A model of Argo CD's first sync of the whole output (dist/_argocd and every cluster directory), to
 * check ordering without a cluster:
 *
 * - App of apps: the Applications of `dist/_argocd` sync by sync wave; a wave starts when every
 *   Application of the earlier waves is Healthy (the Application health check we emit).
 * - Inside an Application: waves in order, a wave is applied when every object of the earlier waves is
 *   Healthy. Helm sources (Istio's charts) are wave 0 (no annotation), CRDs first within a wave.
 * - Health: an object is Healthy once applied and its dependencies are Healthy; the dependencies encode
 *   what makes the real object healthy (Argo CD's built-in checks: Deployment = pods ready,
 *   ExternalSecret/PushSecret = Ready condition; ours: Sail Istio, ExternalSecret links, Application).
 *   Kinds without a health check are Healthy when applied.
 * - At apply time a custom resource needs its CRD, and a Deployment whose pods are injected needs the
 *   injection webhook configuration to exist (otherwise its pods start without a sidecar and stay broken).
 *
 * Facts outside the output are preconditions (README "First sync"): Argo CD with the health checks
 * merged, the clusters registered, the secret store and its keys (cacerts material), the cert-manager
 * issuer, the Sail Operator (Sail mode), LoadBalancer addresses.
 */

export interface SyncObject {
  readonly app: string;
  readonly cluster: string;
  readonly wave: number;
  readonly id: string;
  readonly kind: string;
  /** Must be Healthy before this object is applied. */
  readonly applyAfter: string[];
  /** Must be Healthy for this object to become Healthy. */
  readonly healthAfter: string[];
  /** Healthy by our health check although it waits for another cluster (remote-secret links). */
  readonly link: boolean;
  /** Created by an operator at some unknown later time, which Argo CD does not wait for (no health check). */
  readonly async?: boolean;
}

export interface SyncModelOptions {
  /** Emulate a missing Sail `Istio` health check (Argo CD's default: Healthy at once). */
  readonly withoutSailHealthCheck?: boolean;
  /** Emulate a missing ExternalSecret link override (Argo CD's built-in check only). */
  readonly withoutLinkOverride?: boolean;
  /** Operators installed before the clusters are registered (install: preinstalled). */
  readonly preinstalled?: readonly string[];
}

export interface SyncResult {
  /** Objects that never became Healthy, with the dependencies they wait for. */
  readonly stuck: { id: string; waitsFor: string[] }[];
  /** Apply-time requirements that were not met when the object was applied. */
  readonly violations: string[];
  /** Waits (when a wave started) on an object of another cluster that was not Healthy yet: [waiter, awaited]. */
  readonly crossClusterWaits: [string, string][];
  /** The order in which Applications became Healthy. */
  readonly appOrder: string[];
}

const wave = (o: any) => Number(o.metadata?.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
const group = (o: any) => (String(o.apiVersion).includes('/') ? String(o.apiVersion).split('/')[0] : '');
const idOf = (cluster: string, o: any) => `${cluster}:${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

/** Builds the model's objects from the rendered output. */
export function syncModel(files: readonly OutputFile[], options: SyncModelOptions = {}): { apps: Map<string, { wave: number; cluster: string }>; objects: SyncObject[] } {
  const docs = (prefix: string) => files.filter((f) => f.path.startsWith(prefix) && f.path.endsWith('.yaml') && !f.path.endsWith('kustomization.yaml'))
    .flatMap((f) => parseYamlDocuments(f.content) as any[]);
  const argo = docs('_argocd/').filter((o) => o.kind === 'Application');
  const apps = new Map<string, { wave: number; cluster: string }>();
  const objects: SyncObject[] = [];
  // The Gateway API CRDs come from an Application of the upstream repository's CRD directory.
  const isGatewayApiCrds = (a: any) => a.spec.sources.some((s: any) => s.repoURL === GATEWAY_API_REPO && s.path === GATEWAY_API_CRD_PATH);
  const meshApps = argo.filter((a) => !isGatewayApiCrds(a) && a.spec.sources.some((s: any) => s.path !== undefined));
  const clusterObjects = new Map<string, any[]>();
  for (const a of meshApps) {
    const cluster = a.metadata.labels['istio.io/cluster'];
    clusterObjects.set(cluster, docs(`${cluster}/`));
  }
  // Where each store key is pushed from (PushSecret), to know whose PushSecret an ExternalSecret reads.
  const pushedBy = new Map<string, string>();
  for (const [cluster, objs] of clusterObjects) {
    for (const o of objs.filter((x) => x.kind === 'PushSecret')) {
      for (const d of o.spec.data) pushedBy.set(d.match.remoteRef.remoteKey, idOf(cluster, o));
    }
  }
  const preinstalled = new Set(options.preinstalled ?? []);
  for (const a of argo) {
    const cluster = a.metadata.labels['istio.io/cluster'];
    apps.set(a.metadata.name, { wave: wave(a), cluster });
    const charts = a.spec.sources.filter((s: any) => s.chart !== undefined);
    if (isGatewayApiCrds(a)) {
      objects.push({ app: a.metadata.name, cluster, wave: 0, id: `${cluster}:crds:${GATEWAY_API_GROUP}`, kind: 'CRDs', applyAfter: [], healthAfter: [], link: false });
      continue;
    }
    const isMesh = a.spec.sources.some((s: any) => s.path !== undefined);
    if (!isMesh) {
      // A prerequisite operator: its CRDs and controller (the chart's Deployments are Healthy once running).
      for (const s of charts) {
        const g = s.chart === 'external-secrets' ? 'external-secrets.io' : s.chart === 'cert-manager' ? 'cert-manager.io' : s.chart;
        objects.push({ app: a.metadata.name, cluster, wave: 0, id: `${cluster}:crds:${g}`, kind: 'CRDs', applyAfter: [], healthAfter: [], link: false });
      }
      continue;
    }
    const objs = clusterObjects.get(cluster)!;
    const sail = charts.length === 0;
    const nsLabels = new Map<string, Record<string, string>>(objs.filter((o) => o.kind === 'Namespace').map((o) => [o.metadata.name, o.metadata.labels ?? {}]));
    const add = (o: Omit<SyncObject, 'app' | 'cluster'>) => objects.push({ app: a.metadata.name, cluster, ...o });
    const crdNode = (g: string) => {
      if (g === 'sailoperator.io' || preinstalled.has(g)) return []; // preconditions
      if (/\.istio\.io$/.test(g)) return [`${cluster}:crds:istio`];
      return [`${cluster}:crds:${g}`];
    };
    const cacerts = (ns: string) => objs.filter((o) => o.metadata.name === 'cacerts' && o.metadata.namespace === ns && o.kind !== 'Secret').map((o) => idOf(cluster, o));
    const kubeconfig = (ns: string) => objs.filter((o) => o.kind === 'ExternalSecret' && o.metadata.name === 'istio-kubeconfig' && o.metadata.namespace === ns).map((o) => idOf(cluster, o));
    // Istio's charts: CRDs, webhooks and (unless the remote profile) istiod, all in wave 0.
    if (!sail) {
      add({ wave: 0, id: `${cluster}:crds:istio`, kind: 'CRDs', applyAfter: [], healthAfter: [], link: false });
      for (const s of charts.filter((x: any) => x.chart === 'istiod')) {
        const ns = s.helm.namespace;
        add({ wave: 0, id: `${cluster}:webhook:${ns}`, kind: 'MutatingWebhookConfiguration', applyAfter: [], healthAfter: [], link: false });
        add({ wave: 0, id: `${cluster}:sa-istiod:${ns}`, kind: 'ServiceAccount', applyAfter: [], healthAfter: [], link: false });
        if (s.helm.valuesObject.profile !== 'remote') {
          add({ wave: 0, id: `${cluster}:istiod:${ns}`, kind: 'Deployment', applyAfter: [], healthAfter: [...cacerts(ns), ...kubeconfig(ns)], link: false });
        }
      }
    }
    // Sail: the operator renders the charts from each Istio resource (CRDs, webhook, istiod's
    // ServiceAccount, istiod); Argo CD knows they exist only through the Istio health check.
    for (const o of objs.filter((x) => x.kind === 'Istio')) {
      const id = idOf(cluster, o);
      const ns = o.spec.namespace;
      const without = options.withoutSailHealthCheck === true;
      const derived = (suffix: string, kind: string, extra: string[] = []) => add({
        wave: wave(o), id: `${cluster}:${suffix}`, kind, applyAfter: [], healthAfter: [id, ...extra], link: false, async: without,
      });
      derived('crds:istio', 'CRDs');
      derived(`webhook:${ns}`, 'MutatingWebhookConfiguration');
      derived(`sa-istiod:${ns}`, 'ServiceAccount');
      if (o.spec.profile !== 'remote') derived(`istiod:${ns}`, 'Deployment', [...cacerts(ns), ...kubeconfig(ns)]);
    }
    const cpNs: string = a.spec.destination.namespace;
    for (const o of objs) {
      const id = idOf(cluster, o);
      const g = group(o);
      const applyAfter = g === '' || ['apps', 'rbac.authorization.k8s.io', 'autoscaling', 'policy', 'discovery.k8s.io'].includes(g) ? [] : crdNode(g);
      const healthAfter: string[] = [];
      let link = false;
      if (o.kind === 'Istio') {
        // Our health check: Ready (istiod running) for a control plane; Reconciled for the remote profile.
        if (o.spec.profile !== 'remote' && !options.withoutSailHealthCheck) healthAfter.push(...cacerts(o.spec.namespace), ...kubeconfig(o.spec.namespace));
      } else if (o.kind === 'ExternalSecret') {
        const keys = new Set<string>(o.spec.data.map((d: any) => d.remoteRef.key));
        const pushers = [...keys].map((k) => pushedBy.get(k)).filter((p): p is string => p !== undefined);
        if (o.metadata.annotations?.[PEER_CLUSTERS_ANNOTATION] !== undefined && !options.withoutLinkOverride) link = true;
        else healthAfter.push(...pushers);
      } else if (o.kind === 'PushSecret') {
        const sa = objs.find((x) => x.kind === 'Secret' && x.metadata.name === o.spec.selector.secret.name)?.metadata.annotations['kubernetes.io/service-account.name'];
        const ours = objs.find((x) => x.kind === 'ServiceAccount' && x.metadata.name === sa && x.metadata.namespace === o.metadata.namespace);
        healthAfter.push(ours ? idOf(cluster, ours) : `${cluster}:sa-istiod:${o.metadata.namespace}`);
      } else if (o.kind === 'Deployment') {
        const tpl = o.spec.template.metadata ?? {};
        const injected = tpl.labels?.['sidecar.istio.io/inject'] === 'true' || tpl.annotations?.['sidecar.istio.io/inject'] === 'true'
          || tpl.annotations?.['inject.istio.io/templates'] !== undefined || nsLabels.get(o.metadata.namespace)?.['istio-injection'] === 'enabled';
        if (injected) {
          // The injector: an istiod in the Deployment's own namespace (the external cluster's helper
          // istiod), else the Istio install serving the cluster (here, or for a remote in another cluster).
          const here = (ns: string) => objects.some((x) => x.id === `${cluster}:istiod:${ns}`);
          const ns = here(o.metadata.namespace) ? o.metadata.namespace : cpNs;
          applyAfter.push(`${cluster}:webhook:${ns}`);
          healthAfter.push(here(ns) ? `${cluster}:istiod:${ns}` : `serving-istiod-of:${cluster}`);
        }
      }
      add({ wave: wave(o), id, kind: o.kind, applyAfter, healthAfter, link });
    }
  }
  return { apps, objects };
}

/**
 * Resolves `serving-istiod-of:<cluster>` (a remote's injector, in the cluster serving it) given the
 * remote -> serving cluster/namespace map, including the exposure objects remotes reach istiod through.
 */
export function resolveServing(objects: SyncObject[], serving: Map<string, { cluster: string; namespace: string }>): void {
  for (const o of objects) {
    for (let i = 0; i < o.healthAfter.length; i++) {
      const m = o.healthAfter[i].match(/^serving-istiod-of:(.*)$/);
      if (!m) continue;
      const s = serving.get(m[1]);
      if (!s) throw new Error(`no serving cluster known for ${m[1]}`);
      const exposure = objects.filter((x) => x.cluster === s.cluster && /^(Gateway|VirtualService|DestinationRule)\/.*\/(istiod-gateway|istiod-vs|istiod-dr|external-istiod-gw|external-istiod-vs|external-istiod-dr)$/.test(x.id.split(':')[1]));
      const gateways = objects.filter((x) => x.cluster === s.cluster && x.kind === 'Deployment' && /(istio-eastwestgateway|istio-ingressgateway)$/.test(x.id));
      o.healthAfter.splice(i, 1, `${s.cluster}:istiod:${s.namespace}`, ...exposure.map((x) => x.id), ...gateways.map((x) => x.id));
    }
  }
}

/** Runs the model to a fixed point. */
export function simulateFirstSync(model: { apps: Map<string, { wave: number; cluster: string }>; objects: SyncObject[] }): SyncResult {
  const key = (o: SyncObject) => `${o.app}|${o.id}|${o.wave}`;
  const healthyKeys = new Set<string>();
  const applied = new Set<string>();
  const violations: string[] = [];
  const crossClusterWaits: [string, string][] = [];
  const appOrder: string[] = [];
  const byApp = new Map<string, SyncObject[]>();
  for (const o of model.objects) byApp.set(o.app, [...(byApp.get(o.app) ?? []), o]);
  const byId = new Map<string, SyncObject[]>();
  for (const o of model.objects) byId.set(o.id, [...(byId.get(o.id) ?? []), o]);
  // A node is Healthy when every object carrying its id is (an id may be both a chart object and a
  // derived node); async objects never are: nobody knows when they appear.
  const nodeHealthy = (id: string) => (byId.get(id) ?? []).length > 0 && byId.get(id)!.every((o) => !o.async && healthyKeys.has(key(o)));
  const gates = (o: SyncObject) => !o.async;
  const clusterOf = (id: string) => id.split(':')[0];
  let progress = true;
  while (progress) {
    progress = false;
    for (const [name, app] of model.apps) {
      if (appOrder.includes(name)) continue;
      // App of apps: a wave starts when every Application of the earlier waves is Healthy.
      if (![...model.apps].every(([n, x]) => x.wave >= app.wave || appOrder.includes(n))) continue;
      const objs = byApp.get(name) ?? [];
      for (const w of [...new Set(objs.map((o) => o.wave))].sort((x, y) => x - y)) {
        if (!objs.filter((o) => o.wave < w && gates(o)).every((o) => healthyKeys.has(key(o)))) break;
        for (const o of objs.filter((x) => x.wave === w).sort((x, y) => Number(y.kind === 'CRDs') - Number(x.kind === 'CRDs'))) {
          if (applied.has(key(o))) continue;
          for (const r of o.applyAfter) if (!nodeHealthy(r)) violations.push(`${o.id} (wave ${o.wave} of ${o.app}) is applied before ${r} exists`);
          for (const d of o.healthAfter) if (clusterOf(d) !== o.cluster && !nodeHealthy(d)) crossClusterWaits.push([o.id, d]);
          applied.add(key(o));
          progress = true;
        }
        // Health of what was applied (CRDs are Healthy at once, so a wave's CRs can follow them).
        let changed = true;
        while (changed) {
          changed = false;
          for (const o of model.objects) {
            if (!applied.has(key(o)) || healthyKeys.has(key(o)) || o.async) continue;
            if (o.link || o.healthAfter.every(nodeHealthy)) {
              healthyKeys.add(key(o));
              changed = true;
              progress = true;
            }
          }
        }
      }
      if (objs.every((o) => !gates(o) || healthyKeys.has(key(o)))) {
        appOrder.push(name);
        progress = true;
      }
    }
  }
  const stuck = model.objects.filter((o) => gates(o) && !healthyKeys.has(key(o)))
    .map((o) => ({
      id: `${o.id} (wave ${o.wave} of ${o.app})`,
      waitsFor: applied.has(key(o)) ? o.healthAfter.filter((d) => !nodeHealthy(d)) : ['(never applied: an earlier wave or Application is not Healthy)'],
    }));
  return { stuck, violations: [...new Set(violations)], crossClusterWaits, appOrder };
}
