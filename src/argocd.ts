import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Application } from '../imports/argocd-application-argoproj.io';
import type { Cluster } from './cluster';
import { ControlPlaneModel } from './control-plane';
import type { HelmRelease } from './install-inputs';
import { SYNC_WAVE_ANNOTATION } from './istio';

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

  constructor(props: ArgoCdProps) {
    this.repoURL = props.repoURL;
    this.targetRevision = props.targetRevision ?? 'HEAD';
    // Kept as written: the mesh validates it (a leading "/" or ".." is an error, not silently fixed).
    this.path = props.path ?? 'dist';
    this.project = props.project ?? 'default';
    this.namespace = props.namespace ?? 'argocd';
    this.chartRepoURL = props.chartRepoURL ?? 'https://istio-release.storage.googleapis.com/charts';
    this.istioInstall = props.istioInstall ?? IstioInstallMethod.HELM;
  }
}

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
 * The order in which clusters sync, as the `sync-wave` of their Applications in the app of apps:
 * serving clusters before the clusters they serve (a remote's injection webhook points at its istiod),
 * and an external control plane's config cluster before the external istiod that reads it.
 */
export function clusterSyncWave(cluster: Cluster): number {
  const cp = cluster.controlPlane;
  if (cp.model === ControlPlaneModel.PRIMARY) return 0;
  if (cp.model === ControlPlaneModel.EXTERNAL) return 1;
  if (cp.servedBy!.controlPlane.model === ControlPlaneModel.PRIMARY) return 1;
  return cp.configCluster ? 0 : 2;
}

/** Props of {@link ArgoCdApplications}. */
export interface ArgoCdApplicationsProps {
  readonly settings: ArgoCdSettings;
  readonly meshId: string;
  readonly clusters: readonly Cluster[];
}

/**
 * The Argo CD output, applied to the Argo CD management cluster (`kubectl apply -k dist/_argocd`, or
 * a root Application pointing at it): one Application per cluster.
 *
 * Each Application is multi-source: Istio's `base` and `istiod` charts (pinned version, the cluster's
 * values as `valuesObject`, release namespace) and the cluster's directory `dist/<cluster>`. One sync
 * then applies everything in sync-wave order, so the order inside a cluster is enforced by Argo CD itself:
 * namespaces (-2) and trust (-1) before the charts (wave 0, no annotation), the rest after
 * istiod is healthy. Separate Applications could only be ordered through an app of apps, which waits
 * for child Applications only with a custom health check. With `SkipDryRunOnMissingResource` Istio's
 * resources pass the dry run before their CRDs exist, `ServerSideApply` keeps the large CRDs within the
 * annotation size limit, and `ignoreDifferences` (respected at sync) keeps istiod's own webhook edits
 * from showing as drift.
 */
export class ArgoCdApplications extends Chart {
  constructor(scope: Construct, id: string, props: ArgoCdApplicationsProps) {
    super(scope, id);
    const s = props.settings;
    for (const cluster of props.clusters) {
      const dest = cluster.argoCdDestination;
      const inputs = cluster.installInputs;
      const charts = s.istioInstall === IstioInstallMethod.HELM ? inputs.releases.map((r) => chartSource(s, r, inputs.istioVersion)) : [];
      new Application(this, cluster.name, {
        metadata: {
          name: `${props.meshId}-${cluster.name}`.toLowerCase(),
          namespace: s.namespace,
          labels: { 'app.kubernetes.io/part-of': props.meshId, 'istio.io/cluster': cluster.name },
          annotations: { [SYNC_WAVE_ANNOTATION]: String(clusterSyncWave(cluster)) },
        },
        spec: {
          project: s.project,
          destination: { ...(dest.server ? { server: dest.server } : { name: dest.name ?? cluster.name }), namespace: cluster.controlPlaneNamespace },
          sources: [
            ...charts,
            { repoUrl: s.repoURL, targetRevision: s.targetRevision, path: `${s.path}/${cluster.name}` },
          ],
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            syncOptions: ['SkipDryRunOnMissingResource=true', 'ServerSideApply=true', 'RespectIgnoreDifferences=true'],
            retry: { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
          },
          ignoreDifferences: ISTIO_IGNORE_DIFFERENCES.map((d) => ({ ...d, jqPathExpressions: [...d.jqPathExpressions] })),
        },
      });
    }
  }
}

function chartSource(s: ArgoCdSettings, release: HelmRelease, version: string) {
  return {
    repoUrl: s.chartRepoURL,
    chart: release.chart,
    targetRevision: version,
    helm: { releaseName: release.name, namespace: release.namespace, valuesObject: release.values },
  };
}
