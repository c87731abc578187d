import { ISTIO_SYSTEM_NAMESPACE, ISTIO_VERSION } from './istio';

/**
 * Istio's install inputs for one cluster: the Helm values of the `base` and `istiod` charts and the
 * equivalent IstioOperator for `istioctl install`. They are not Kubernetes objects for the cluster,
 * so the writer puts them outside the cluster's apply directory.
 *
 * @see https://istio.io/latest/docs/setup/install/multicluster/multi-primary/
 */
export interface InstallInputs {
  /** The Istio version the values were written for (charts are pinned to it). */
  readonly istioVersion: string;
  /** Namespace the charts are installed into. */
  readonly namespace: string;
  /** Values for `helm install istio-base istio/base`. */
  readonly baseValues: Record<string, unknown>;
  /** Values for `helm install istiod istio/istiod`. */
  readonly istiodValues: Record<string, unknown>;
  /** The same install as an IstioOperator for `istioctl install -f`. */
  readonly istioOperator: Record<string, unknown>;
}

/** What a primary cluster's install needs to know. */
export interface PrimaryInstallFacts {
  readonly meshId: string;
  readonly clusterName: string;
  readonly network: string;
  readonly trustDomain: string;
  readonly namespace: string;
  readonly externalIstiod: boolean;
}

/** The default trust domain of Istio (meshConfig.trustDomain). */
export const DEFAULT_TRUST_DOMAIN = 'cluster.local';

/**
 * Install inputs of a primary cluster: `global.meshID`, `global.multiCluster.clusterName` and
 * `global.network` on the istiod chart, as the multi-primary docs set them, plus
 * `global.externalIstiod` when the primary serves remote clusters, and the trust domain and
 * namespace only when they differ from Istio's defaults (so the common case reads like the docs).
 */
export function primaryInstallInputs(f: PrimaryInstallFacts): InstallInputs {
  const global: Record<string, unknown> = {
    meshID: f.meshId,
    multiCluster: { clusterName: f.clusterName },
    network: f.network,
  };
  if (f.externalIstiod) global.externalIstiod = true;
  if (f.namespace !== ISTIO_SYSTEM_NAMESPACE) global.istioNamespace = f.namespace;
  const meshConfig = f.trustDomain !== DEFAULT_TRUST_DOMAIN ? { trustDomain: f.trustDomain } : undefined;

  const baseValues: Record<string, unknown> = f.namespace !== ISTIO_SYSTEM_NAMESPACE
    ? { global: { istioNamespace: f.namespace } } : {};
  const istiodValues: Record<string, unknown> = { global, ...(meshConfig ? { meshConfig } : {}) };
  const istioOperator = {
    apiVersion: 'install.istio.io/v1alpha1',
    kind: 'IstioOperator',
    metadata: { name: f.clusterName, namespace: f.namespace },
    spec: {
      ...(meshConfig ? { meshConfig } : {}),
      values: { global },
    },
  };
  return { istioVersion: ISTIO_VERSION, namespace: f.namespace, baseValues, istiodValues, istioOperator };
}
