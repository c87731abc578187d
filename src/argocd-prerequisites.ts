/**
 * The operators the mesh's objects need in every cluster before the mesh syncs: the External Secrets
 * Operator (cacerts, remote secrets, reader-token PushSecrets) and cert-manager (trust source
 * certManager). With Argo CD output they are delivered as Applications of their upstream Helm charts,
 * pinned to the versions whose CRDs are in `crds/` (the schemas every emitted object is validated
 * against), in the app-of-apps wave before the mesh.
 */

/** Who installs a prerequisite operator in the clusters. */
export enum PrerequisiteInstall {
  /** An Application per cluster in `dist/_argocd`, in the wave before the mesh's Applications. */
  ARGOCD = 'argocd',
  /**
   * Already running when the cluster is registered in Argo CD (cluster bootstrap, Terraform, a managed
   * add-on): nothing to order.
   */
  PREINSTALLED = 'preinstalled',
  /**
   * Your own Application in the same app of apps that syncs `dist/_argocd`; give its `syncWave` (below
   * the mesh's waves) so that the mesh waits for it.
   */
  APP_OF_APPS = 'appOfApps',
}

/** How one prerequisite operator is provided. */
export interface PrerequisiteProps {
  /** @default PrerequisiteInstall.ARGOCD */
  readonly install?: PrerequisiteInstall;
  /**
   * With `install: appOfApps`: the sync wave of your Application installing the operator, in the app of
   * apps that also syncs `dist/_argocd`. Must be below 0 (the mesh's first wave). @default - none
   */
  readonly syncWave?: number;
}

/** The prerequisite operators of the mesh (each only when the output uses it). */
export interface ArgoCdPrerequisitesProps {
  /** External Secrets Operator. @default { install: PrerequisiteInstall.ARGOCD } */
  readonly externalSecrets?: PrerequisiteProps;
  /** cert-manager, when the trust source is certManager. @default { install: PrerequisiteInstall.ARGOCD } */
  readonly certManager?: PrerequisiteProps;
}

/** A pinned upstream Helm chart of a prerequisite operator. */
export interface PrerequisiteChart {
  /** Key in ArgoCdPrerequisitesProps. */
  readonly key: 'externalSecrets' | 'certManager';
  /** API group whose objects in a cluster's output need the operator. */
  readonly group: string;
  /** Suffix of the Application name (`<mesh>-<cluster>-<suffix>`). */
  readonly suffix: string;
  readonly repoURL: string;
  readonly chart: string;
  /** The chart version; the CRDs in crds/ are this release's. */
  readonly version: string;
  readonly namespace: string;
  /** Further namespaces the chart writes to (an AppProject must allow them). */
  readonly otherNamespaces: readonly string[];
  /** Values: the chart installs its CRDs (the mesh's objects need them). */
  readonly values: Record<string, unknown>;
}

/**
 * External Secrets Operator 2.9.0 (crds/external-secrets-2.9.0-*.yaml; the chart's version is the app's).
 * @see https://external-secrets.io/latest/introduction/getting-started/
 */
export const EXTERNAL_SECRETS_CHART: PrerequisiteChart = {
  key: 'externalSecrets',
  group: 'external-secrets.io',
  suffix: 'external-secrets',
  repoURL: 'https://charts.external-secrets.io',
  chart: 'external-secrets',
  version: '2.9.0',
  namespace: 'external-secrets',
  otherNamespaces: [],
  values: { installCRDs: true },
};

/**
 * cert-manager v1.21.1 (crds/cert-manager-1.21.1-*.yaml).
 * @see https://cert-manager.io/docs/installation/helm/
 */
export const CERT_MANAGER_CHART: PrerequisiteChart = {
  key: 'certManager',
  group: 'cert-manager.io',
  suffix: 'cert-manager',
  repoURL: 'https://charts.jetstack.io',
  chart: 'cert-manager',
  version: 'v1.21.1',
  namespace: 'cert-manager',
  // Its leader-election Roles live in kube-system (values global.leaderElection.namespace).
  otherNamespaces: ['kube-system'],
  values: { crds: { enabled: true } },
};

export const PREREQUISITE_CHARTS: readonly PrerequisiteChart[] = [EXTERNAL_SECRETS_CHART, CERT_MANAGER_CHART];
