import { createHash } from 'crypto';
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Application } from '../imports/argocd-application-argoproj.io';
import { GATEWAY_API_CRD_PATH, GATEWAY_API_GROUP, GATEWAY_API_REPO, GATEWAY_API_VERSION } from './ambient/gateway-api';
import { argoCdHealthConfigMap } from './argocd-health';
import {
  ArgoCdPrerequisitesProps, PREREQUISITE_CHARTS, PrerequisiteChart, PrerequisiteInstall, PrerequisiteProps,
} from './argocd-prerequisites';
import type { Cluster } from './cluster';
import { ControlPlaneModel } from './control-plane';
import type { HelmRelease } from './install-inputs';
import { SYNC_WAVE_ANNOTATION } from './istio';
import { apiObjectsOf } from './phase';

/** How Istio itself is installed on the clusters. */
export enum IstioInstallMethod {
  /**
   * Istio's Helm charts (`base`, `istiod`) as sources of each cluster's Argo CD Application, with the
   * cluster's values from the model; with kubectl, `helm install` from the install inputs.
   */
  HELM = 'helm',
  /**
   * A Sail Operator `Istio` resource per control-plane namespace in the cluster's directory (the Sail
   * Operator must run in the cluster); its `values` are the same as the Helm values.
   * @see https://github.com/istio-ecosystem/sail-operator
   */
  SAIL_OPERATOR = 'sailOperator',
}

/** Argo CD delivery settings of a mesh. */
export interface ArgoCdProps {
  /** URL of the Git repository the synthesized `dist/` is committed to. */
  readonly repoURL: string;
  /** Revision (branch, tag, commit) Argo CD syncs. @default 'HEAD' */
  readonly targetRevision?: string;
  /** Path of the synthesized output in the repository. @default 'dist' */
  readonly path?: string;
  /** Argo CD project of the Applications. @default 'default' */
  readonly project?: string;
  /** Namespace Argo CD runs in (where Applications live). @default 'argocd' */
  readonly namespace?: string;
  /** Helm repository of Istio's charts. @default 'https://istio-release.storage.googleapis.com/charts' */
  readonly chartRepoURL?: string;
  /** How Istio is installed. @default IstioInstallMethod.HELM */
  readonly istioInstall?: IstioInstallMethod;
  /**
   * Put Argo CD's `resources-finalizer.argocd.argoproj.io` on the Applications: deleting a cluster's
   * Application (or removing the cluster from the topology, with a pruning app of apps) then deletes
   * what it deployed, Istio included. Without it, deleting the Application leaves everything running.
   * @default false
   */
  readonly resourcesFinalizer?: boolean;
  /**
   * How the operators the mesh needs in every cluster (External Secrets Operator; cert-manager with the
   * certManager trust source) are installed.
   * @default - an Application per cluster and operator, in the wave before the mesh
   */
  readonly prerequisites?: ArgoCdPrerequisitesProps;
}

/** Argo CD settings with their defaults resolved. */
export class ArgoCdSettings {
  public readonly repoURL: string;
  public readonly targetRevision: string;
  public readonly path: string;
  public readonly project: string;
  public readonly namespace: string;
  public readonly chartRepoURL: string;
  public readonly istioInstall: IstioInstallMethod;
  public readonly resourcesFinalizer: boolean;
  /** How each prerequisite operator is provided, by PrerequisiteChart.key. */
  public readonly prerequisites: Readonly<Record<PrerequisiteChart['key'], PrerequisiteProps & { install: PrerequisiteInstall }>>;

  constructor(props: ArgoCdProps) {
    this.repoURL = props.repoURL;
    this.targetRevision = props.targetRevision ?? 'HEAD';
    // Kept as written: the mesh validates it (a leading "/" or ".." is an error, not silently fixed).
    this.path = props.path ?? 'dist';
    this.project = props.project ?? 'default';
    this.namespace = props.namespace ?? 'argocd';
    this.chartRepoURL = props.chartRepoURL ?? 'https://istio-release.storage.googleapis.com/charts';
    this.istioInstall = props.istioInstall ?? IstioInstallMethod.HELM;
    this.resourcesFinalizer = props.resourcesFinalizer ?? false;
    const p = props.prerequisites ?? {};
    this.prerequisites = {
      externalSecrets: { ...p.externalSecrets, install: p.externalSecrets?.install ?? PrerequisiteInstall.ARGOCD },
      certManager: { ...p.certManager, install: p.certManager?.install ?? PrerequisiteInstall.ARGOCD },
    };
  }
}

/** Argo CD's finalizer that deletes an Application's resources with it. */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/** Argo CD's per-Application diff options: Server-Side Diff (stable since 3.1) for CRDs with defaults. */
export const COMPARE_OPTIONS_ANNOTATION = 'argocd.argoproj.io/compare-options';

/** Longest Application name: Argo CD's label tracking puts it in a label value (63 characters). */
export const MAX_APPLICATION_NAME = 63;

/**
 * The name of an Application, `<meshID>-<suffix>` in lowercase; longer than 63 characters, it is cut
 * and given a hash of the full name, so it stays unique and the same on every synth:
 * `<first 54 characters>-<8 hex of sha256>`.
 */
export function argoCdApplicationName(meshId: string, suffix: string): string {
  const full = `${meshId}-${suffix}`.toLowerCase();
  if (full.length <= MAX_APPLICATION_NAME) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, MAX_APPLICATION_NAME - 9).replace(/[-.]+$/, '')}-${hash}`;
}

/** The app-of-apps wave of the prerequisite operators' Applications (before every cluster's). */
export const PREREQUISITES_WAVE = -1;

/** Where Argo CD deploys a cluster's Application: a cluster registered in Argo CD, by name or server URL. */
export interface ArgoCdDestination {
  /** Name of the cluster in Argo CD. @default - the cluster name */
  readonly name?: string;
  /** API server URL of the cluster as registered in Argo CD (instead of `name`). @default - none */
  readonly server?: string;
}

/** The folder of the Argo CD output; the underscore keeps it apart from cluster names (DNS labels). */
export const ARGOCD_DIR = '_argocd';

/**
 * Fields istiod mutates at run time, which would otherwise keep a healthy mesh OutOfSync forever
 * (istio/istio#52785, argoproj/argo-cd#9323): the CA bundles it patches into its webhook configurations,
 * and the failurePolicy it flips to Fail once validation works.
 */
export const ISTIO_IGNORE_DIFFERENCES = [
  { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle', '.webhooks[]?.failurePolicy'] },
];

/**
 * The order in which clusters sync, as the `sync-wave` of their Applications in the app of apps (which
 * waits for each wave's Applications to be Healthy, with the Application health check we emit): serving
 * clusters before the clusters they serve (a remote's injection webhook points at its istiod). An
 * external control plane and its config cluster share wave 0 and sync side by side, because each waits
 * for the other halfway: the external istiod needs the config cluster's istiod token (pushed at its
 * wave 1), and the config cluster's gateways need the external istiod to inject them.
 */
export function clusterSyncWave(cluster: Cluster): number {
  const cp = cluster.controlPlane;
  if (cp.model === ControlPlaneModel.PRIMARY || cp.model === ControlPlaneModel.EXTERNAL) return 0;
  return cp.configCluster ? 0 : 1;
}

/** Props of {@link ArgoCdApplications}. */
export interface ArgoCdApplicationsProps {
  readonly settings: ArgoCdSettings;
  readonly meshId: string;
  readonly clusters: readonly Cluster[];
}

/** Sync options of every Application we emit. */
const SYNC_OPTIONS = ['SkipDryRunOnMissingResource=true', 'ServerSideApply=true', 'RespectIgnoreDifferences=true'];
const RETRY = { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } };

/**
 * Cluster-scoped kinds Istio's charts render (base: CRDs, webhooks, the default-revision validating
 * admission policy; istiod: ClusterRoles and bindings, webhooks) and the prerequisite charts (CRDs,
 * ClusterRoles, webhooks), by group; the AppProject adds those of the cluster directories.
 */
const CHART_CLUSTER_KINDS: readonly { group: string; kind: string }[] = [
  { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
  { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicyBinding' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
];

/** The prerequisite operators a cluster's objects need (by API group), in PREREQUISITE_CHARTS order. */
export function prerequisitesOf(cluster: Cluster): PrerequisiteChart[] {
  const groups = new Set(apiObjectsOf(cluster).map((o) => o.apiVersion.split('/')[0]));
  return PREREQUISITE_CHARTS.filter((c) => groups.has(c.group));
}

/**
 * The Argo CD output, applied to the Argo CD management cluster through an app of apps (a root
 * Application pointing at `dist/_argocd`, which orders its children by sync wave), or with
 * `kubectl apply -k dist/_argocd` (then without ordering between Applications):
 *
 * - one Application per cluster (wave 0, remotes of a primary wave 1, see clusterSyncWave);
 * - an Application per cluster and prerequisite operator (External Secrets, cert-manager), wave -1;
 * - the AppProject when `project` is not `default`, before all of them.
 *
 * Each cluster's Application is multi-source: Istio's `base` and `istiod` charts (pinned version, the
 * cluster's values as `valuesObject`, release namespace) and the cluster's directory `dist/<cluster>`.
 * One sync then applies everything in sync-wave order, so the order inside a cluster is enforced by Argo
 * CD itself: namespaces (-2) and trust (-1) before the charts (wave 0, no annotation), the rest after
 * istiod is healthy, and the links to other clusters (remote secrets) last. With
 * `SkipDryRunOnMissingResource` Istio's resources pass the dry run before their CRDs exist,
 * `ServerSideApply` keeps the large CRDs within the annotation size limit, Server-Side Diff compares
 * with what the API server would store (CRD defaults included), and `ignoreDifferences` (respected at
 * sync) keeps istiod's own webhook edits from showing as drift.
 */
export class ArgoCdApplications extends Chart {
  /** The argocd-cm merge patch with the health checks the output relies on (see argocd-health.ts). */
  public readonly healthChecks: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: ArgoCdApplicationsProps) {
    super(scope, id);
    const s = props.settings;
    const sail = s.istioInstall === IstioInstallMethod.SAIL_OPERATOR;
    this.healthChecks = argoCdHealthConfigMap(s.namespace, sail);
    const metadata = (name: string, cluster: Cluster, wave: number) => ({
      name,
      namespace: s.namespace,
      labels: { 'app.kubernetes.io/part-of': props.meshId, 'istio.io/cluster': cluster.name },
      annotations: { [SYNC_WAVE_ANNOTATION]: String(wave), [COMPARE_OPTIONS_ANNOTATION]: 'ServerSideDiff=true' },
      ...(s.resourcesFinalizer ? { finalizers: [RESOURCES_FINALIZER] } : {}),
    });
    const destinationOf = (cluster: Cluster, namespace: string) => {
      const dest = cluster.argoCdDestination;
      return { ...(dest.server ? { server: dest.server } : { name: dest.name ?? cluster.name }), namespace };
    };
    const waves: number[] = [];
    const sourceRepos = new Set<string>([s.repoURL]);
    for (const cluster of props.clusters) {
      const inputs = cluster.installInputs;
      const charts = sail ? [] : inputs.releases.map((r) => chartSource(s, r, inputs.istioVersion));
      if (charts.length > 0) sourceRepos.add(s.chartRepoURL);
      const wave = clusterSyncWave(cluster);
      waves.push(wave);
      new Application(this, cluster.name, {
        metadata: metadata(argoCdApplicationName(props.meshId, cluster.name), cluster, wave),
        spec: {
          project: s.project,
          destination: destinationOf(cluster, cluster.controlPlaneNamespace),
          sources: [
            ...charts,
            { repoUrl: s.repoURL, targetRevision: s.targetRevision, path: `${s.path}/${cluster.name}` },
          ],
          syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: [...SYNC_OPTIONS], retry: RETRY },
          ignoreDifferences: ISTIO_IGNORE_DIFFERENCES.map((d) => ({ ...d, jqPathExpressions: [...d.jqPathExpressions] })),
        },
      });
      for (const chart of prerequisitesOf(cluster)) {
        if (s.prerequisites[chart.key].install !== PrerequisiteInstall.ARGOCD) continue;
        sourceRepos.add(chart.repoURL);
        waves.push(PREREQUISITES_WAVE);
        new Application(this, `${cluster.name}-${chart.suffix}`, {
          metadata: metadata(argoCdApplicationName(props.meshId, `${cluster.name}-${chart.suffix}`), cluster, PREREQUISITES_WAVE),
          spec: {
            project: s.project,
            destination: destinationOf(cluster, chart.namespace),
            sources: [{ repoUrl: chart.repoURL, chart: chart.chart, targetRevision: chart.version, helm: { releaseName: chart.chart, valuesObject: chart.values } }],
            syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true', 'ServerSideApply=true'], retry: RETRY },
          },
        });
      }
    }
    // The Gateway API CRDs (standard channel, pinned) before a cluster whose output has Gateway API objects.
    for (const cluster of props.clusters.filter((c) => apiObjectsOf(c).some((o) => o.apiVersion.startsWith(`${GATEWAY_API_GROUP}/`)))) {
      sourceRepos.add(GATEWAY_API_REPO);
      waves.push(PREREQUISITES_WAVE);
      new Application(this, `${cluster.name}-gateway-api`, {
        metadata: metadata(argoCdApplicationName(props.meshId, `${cluster.name}-gateway-api-crds`), cluster, PREREQUISITES_WAVE),
        spec: {
          project: s.project,
          destination: destinationOf(cluster, cluster.controlPlaneNamespace),
          sources: [{ repoUrl: GATEWAY_API_REPO, targetRevision: GATEWAY_API_VERSION, path: GATEWAY_API_CRD_PATH }],
          syncPolicy: { automated: { prune: false, selfHeal: true }, syncOptions: ['ServerSideApply=true'], retry: RETRY },
        },
      });
    }
    if (s.project !== 'default') {
      this.project(props, sourceRepos, Math.min(...waves) - 1, destinationOf);
    }
  }

  /**
   * The AppProject of the Applications: their source repositories, each cluster's destination with the
   * namespaces the output uses, and exactly the cluster-scoped kinds the output and the charts need.
   */
  private project(props: ArgoCdApplicationsProps, repos: Set<string>, wave: number,
    destinationOf: (c: Cluster, ns: string) => Record<string, string>): void {
    const s = props.settings;
    const destinations: Record<string, string>[] = [];
    const kinds = new Map<string, { group: string; kind: string }>(CHART_CLUSTER_KINDS.map((k) => [`${k.group}/${k.kind}`, k]));
    for (const cluster of props.clusters) {
      const namespaces = new Set<string>([cluster.controlPlaneNamespace]);
      for (const r of cluster.installInputs.releases) namespaces.add(r.namespace);
      for (const chart of prerequisitesOf(cluster)) {
        if (s.prerequisites[chart.key].install === PrerequisiteInstall.ARGOCD) [chart.namespace, ...chart.otherNamespaces].forEach((ns) => namespaces.add(ns));
      }
      for (const o of apiObjectsOf(cluster)) {
        const ns = o.metadata.namespace;
        if (ns) namespaces.add(ns);
        else {
          const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''; // Argo CD spells the core group ""
          kinds.set(`${group}/${o.kind}`, { group, kind: o.kind });
          if (o.kind === 'Namespace' && o.metadata.name) namespaces.add(o.metadata.name);
        }
      }
      for (const ns of [...namespaces].sort()) destinations.push(destinationOf(cluster, ns));
    }
    new ApiObject(this, 'AppProject', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: {
        name: s.project,
        namespace: s.namespace,
        labels: { 'app.kubernetes.io/part-of': props.meshId },
        annotations: { [SYNC_WAVE_ANNOTATION]: String(wave) },
      },
      spec: {
        description: `Istio mesh ${props.meshId} (cdk8s-istio-multicluster)`,
        sourceRepos: [...repos].sort(),
        destinations,
        clusterResourceWhitelist: [...kinds.values()].sort((a, b) => (`${a.group}/${a.kind}` < `${b.group}/${b.kind}` ? -1 : 1)),
      },
    });
  }
}

function chartSource(s: ArgoCdSettings, release: HelmRelease, version: string) {
  return {
    repoUrl: s.chartRepoURL,
    chart: release.chart,
    targetRevision: release.version ?? version,
    helm: { releaseName: release.name, namespace: release.namespace, valuesObject: release.values },
  };
}
