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
  /**
   * The reader identity is part of this cluster's output (it is discovered by other control planes), so
   * the charts must not render their own copy: `global.enableReaderRBAC: false` on base and istiod.
   */
  readonly readerIdentityInOutput: boolean;
  /**
   * Mount remote kubeconfigs from this Secret and point `PILOT_MULTICLUSTER_KUBECONFIG_PATH` at them
   * (RemoteSecretDelivery.KUBECONFIG_DIRECTORY).
   */
  readonly kubeconfigDirectory?: { readonly secretName: string; readonly path: string };
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
  // Istio >= 1.30: both charts must agree (the SA is in base, the ClusterRole/Binding in istiod).
  if (f.readerIdentityInOutput) global.enableReaderRBAC = false;
  const meshConfig = f.trustDomain !== DEFAULT_TRUST_DOMAIN ? { trustDomain: f.trustDomain } : undefined;

  const baseGlobal: Record<string, unknown> = {};
  if (f.namespace !== ISTIO_SYSTEM_NAMESPACE) baseGlobal.istioNamespace = f.namespace;
  if (f.readerIdentityInOutput) baseGlobal.enableReaderRBAC = false;
  const baseValues: Record<string, unknown> = Object.keys(baseGlobal).length > 0 ? { global: baseGlobal } : {};

  // istiod chart values `env`, `volumes`, `volumeMounts` (IstioOperator: the same under values.pilot).
  const pilot: Record<string, unknown> = {};
  if (f.kubeconfigDirectory) {
    const volume = 'remote-kubeconfigs';
    pilot.env = { PILOT_MULTICLUSTER_KUBECONFIG_PATH: f.kubeconfigDirectory.path };
    pilot.volumes = [{ name: volume, secret: { secretName: f.kubeconfigDirectory.secretName, optional: true } }];
    pilot.volumeMounts = [{ name: volume, mountPath: f.kubeconfigDirectory.path, readOnly: true }];
  }
  const istiodValues: Record<string, unknown> = { global, ...(meshConfig ? { meshConfig } : {}), ...pilot };
  const istioOperator = {
    apiVersion: 'install.istio.io/v1alpha1',
    kind: 'IstioOperator',
    metadata: { name: f.clusterName, namespace: f.namespace },
    spec: {
      ...(meshConfig ? { meshConfig } : {}),
      values: {
        global,
        ...(Object.keys(pilot).length > 0 ? { pilot } : {}),
      },
    },
  };
  return { istioVersion: ISTIO_VERSION, namespace: f.namespace, baseValues, istiodValues, istioOperator };
}
