import { ISTIO_SYSTEM_NAMESPACE, ISTIO_VERSION } from './istio';

/** One Helm release of Istio's charts to install in a cluster. */
export interface HelmRelease {
  /** Release name, as in the docs (`istio-base`, `istiod`). */
  readonly name: string;
  /** Chart of the `istio` repository (https://istio-release.storage.googleapis.com/charts). */
  readonly chart: 'base' | 'istiod' | 'cni' | 'ztunnel';
  /** Namespace the release is installed into. */
  readonly namespace: string;
  /** The release's values. */
  readonly values: Record<string, unknown>;
  /** File name of the values under the cluster's install-inputs folder. */
  readonly file: string;
  /** Chart version, when it is not the inputs' `istioVersion` (a canary revision). */
  readonly version?: string;
}

/** One IstioOperator for `istioctl install -f`. */
export interface IstioOperatorInput {
  /** File name under the cluster's install-inputs folder. */
  readonly file: string;
  readonly manifest: Record<string, unknown>;
}

/**
 * Istio's install inputs for one cluster: the Helm releases (in install order) and the equivalent
 * IstioOperators for `istioctl install`. They are not Kubernetes objects for the cluster, so the writer
 * puts them outside the cluster's apply directory.
 *
 * @see https://istio.io/latest/docs/setup/install/multicluster/
 */
export interface InstallInputs {
  /** The Istio version the values were written for (charts are pinned to it). */
  readonly istioVersion: string;
  /** Helm releases in install order. */
  readonly releases: HelmRelease[];
  /** The same installs for istioctl, in install order. */
  readonly istioOperators: IstioOperatorInput[];
}

/** The default trust domain of Istio (meshConfig.trustDomain). */
export const DEFAULT_TRUST_DOMAIN = 'cluster.local';

/** Facts every install needs. */
interface CommonFacts {
  readonly clusterName: string;
  readonly network: string;
  readonly namespace: string;
  /**
   * The reader identity is part of this cluster's output (other control planes discover the cluster),
   * so the charts must not render a second copy: `global.enableReaderRBAC: false` on base and istiod
   * (Istio ≥ 1.30; the ServiceAccount is in base, the ClusterRole/Binding in istiod).
   */
  readonly readerIdentityInOutput: boolean;
  /**
   * No other control plane reads this cluster (e.g. a primary that only serves remotes), so the reader
   * identity the charts render by default would be an unused credential with cluster-wide read access:
   * `global.enableReaderRBAC: false` too. @default false
   */
  readonly readerIdentityUnused?: boolean;
}

/** What a primary cluster's install needs to know. */
export interface PrimaryInstallFacts extends CommonFacts {
  readonly meshId: string;
  readonly trustDomain: string;
  /** `global.externalIstiod`: the primary also serves remote clusters. */
  readonly externalIstiod: boolean;
  /** Mount remote kubeconfigs from this Secret (RemoteSecretDelivery.KUBECONFIG_DIRECTORY). */
  readonly kubeconfigDirectory?: { readonly secretName: string; readonly path: string };
}

/** How a remote cluster reaches the istiod that serves it. */
export interface RemoteDiscovery {
  /**
   * Address of the serving istiod as remotes reach it: a primary's east-west gateway, or an external
   * control plane's ingress gateway.
   */
  readonly address: string;
  /**
   * Use URLs (`istiodRemote.injectionURL`, `base.validationURL`) on a TLS-terminating DNS name, as the
   * external control-plane docs do; otherwise `global.remotePilotAddress` plus `injectionPath` (the chart
   * renders an EndpointSlice for an IP address and an ExternalName Service for a DNS name).
   */
  readonly useUrls: boolean;
}

/** What a remote cluster's install needs to know. */
export interface RemoteInstallFacts extends CommonFacts {
  readonly discovery: RemoteDiscovery;
  /**
   * `global.configCluster: true`: the remote gets the istiod ServiceAccount, RBAC and validation. The
   * primary-remote docs set it in their Helm tab; an external control plane's config cluster needs it.
   */
  readonly configCluster: boolean;
  /** The external control plane's config cluster: also `configMap: true` and `defaultRevision: default`. */
  readonly externalConfigCluster: boolean;
}

/** What the cluster hosting an external control plane needs to know. */
export interface ExternalInstallFacts {
  readonly meshId: string;
  readonly trustDomain: string;
  readonly hostCluster: string;
  /** The external istiod's namespace (`external-istiod`). */
  readonly namespace: string;
  /** The config cluster: the external istiod's cluster ID and network. */
  readonly configClusterName: string;
  readonly configClusterNetwork: string;
  readonly address: string;
  /** True when `address` is a DNS name with TLS terminated at the gateway. */
  readonly tlsAtGateway: boolean;
  readonly kubeconfigDirectory?: { readonly secretName: string; readonly path: string };
}

function withoutEmpty(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0)));
}

function istioOperator(file: string, name: string, namespace: string, spec: Record<string, unknown>): IstioOperatorInput {
  return { file, manifest: { apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name, namespace }, spec } };
}

/** The injection path of a remote: `/inject/cluster/<cluster>/net/<network>` (pkg/kube/inject/webhook.go). */
export function injectionPath(cluster: string, network: string): string {
  const escape = (s: string) => s.replace(/\//g, '--slash--');
  return `/inject/cluster/${escape(cluster)}/net/${escape(network)}`;
}

/** istiod chart values `env`, `volumes`, `volumeMounts` (IstioOperator: the same under values.pilot). */
function kubeconfigDirectoryValues(dir: PrimaryInstallFacts['kubeconfigDirectory']): Record<string, any> {
  if (!dir) return {};
  const volume = 'remote-kubeconfigs';
  return {
    env: { PILOT_MULTICLUSTER_KUBECONFIG_PATH: dir.path },
    volumes: [{ name: volume, secret: { secretName: dir.secretName, optional: true } }],
    volumeMounts: [{ name: volume, mountPath: dir.path, readOnly: true }],
  };
}

/**
 * The globals the base and istiod charts must agree on: the control-plane namespace when it is not
 * Istio's default, and `enableReaderRBAC: false` when the reader identity is part of the output or
 * nobody reads the cluster.
 */
function sharedGlobals(f: CommonFacts): Record<string, unknown> {
  return withoutEmpty({
    istioNamespace: f.namespace !== ISTIO_SYSTEM_NAMESPACE ? f.namespace : undefined,
    enableReaderRBAC: f.readerIdentityInOutput || f.readerIdentityUnused ? false : undefined,
  });
}

/**
 * Install inputs of a primary cluster: `global.meshID`, `global.multiCluster.clusterName` and
 * `global.network` on the istiod chart, as the multi-primary docs set them, plus
 * `global.externalIstiod` when the primary serves remote clusters, and the trust domain and
 * namespace only when they differ from Istio's defaults (so the common case reads like the docs).
 */
export function primaryInstallInputs(f: PrimaryInstallFacts): InstallInputs {
  const baseGlobal = sharedGlobals(f);
  const global = withoutEmpty({
    meshID: f.meshId,
    multiCluster: { clusterName: f.clusterName },
    network: f.network,
    externalIstiod: f.externalIstiod ? true : undefined,
    ...baseGlobal,
  });
  const meshConfig = f.trustDomain !== DEFAULT_TRUST_DOMAIN ? { trustDomain: f.trustDomain } : undefined;
  const pilot = kubeconfigDirectoryValues(f.kubeconfigDirectory);
  return {
    istioVersion: ISTIO_VERSION,
    releases: [
      { name: 'istio-base', chart: 'base', namespace: f.namespace, values: withoutEmpty({ global: baseGlobal }), file: 'helm-values-base.yaml' },
      { name: 'istiod', chart: 'istiod', namespace: f.namespace, values: withoutEmpty({ global, meshConfig, ...pilot }), file: 'helm-values-istiod.yaml' },
    ],
    istioOperators: [istioOperator('istio-operator.yaml', f.clusterName, f.namespace, withoutEmpty({
      meshConfig,
      values: withoutEmpty({ global, pilot }),
    }))],
  };
}

/**
 * Install inputs of a remote cluster (`profile: remote` on both charts): the injection webhook points
 * at the serving istiod, no istiod runs here. Unlike the docs' IstioOperator tab, clusterName and
 * network are always set (the Helm tab sets them; without them injected proxies get the wrong cluster
 * ID and network).
 */
export function remoteInstallInputs(f: RemoteInstallFacts): InstallInputs {
  const path = injectionPath(f.clusterName, f.network);
  const d = f.discovery;
  const baseGlobal = sharedGlobals(f);
  const global = withoutEmpty({
    multiCluster: { clusterName: f.clusterName },
    network: f.network,
    configCluster: f.configCluster ? true : undefined,
    remotePilotAddress: d.useUrls ? undefined : d.address,
    ...baseGlobal,
  });
  const istiodRemote = d.useUrls ? { injectionURL: `https://${d.address}:15017${path}` } : { injectionPath: path };
  const validationURL = d.useUrls && f.externalConfigCluster ? `https://${d.address}:15017/validate` : undefined;
  const defaultRevision = f.externalConfigCluster ? 'default' : undefined;
  return {
    istioVersion: ISTIO_VERSION,
    releases: [
      {
        name: 'istio-base', chart: 'base', namespace: f.namespace, file: 'helm-values-base.yaml',
        values: withoutEmpty({ profile: 'remote', defaultRevision, global: baseGlobal, base: withoutEmpty({ validationURL }) }),
      },
      {
        name: 'istiod', chart: 'istiod', namespace: f.namespace, file: 'helm-values-istiod.yaml',
        values: withoutEmpty({ profile: 'remote', global, configMap: f.externalConfigCluster ? true : undefined, istiodRemote }),
      },
    ],
    istioOperators: [istioOperator('istio-operator.yaml', f.clusterName, f.namespace, {
      profile: 'remote',
      values: withoutEmpty({
        defaultRevision,
        global,
        pilot: f.externalConfigCluster ? { configMap: true } : undefined,
        istiodRemote,
        base: withoutEmpty({ validationURL }),
      }),
    })],
  };
}

/**
 * Install inputs of the cluster hosting an external control plane, as the external-controlplane docs
 * install it: Istio in `istio-system` (base and a helper istiod that only injects the ingress gateway
 * exposing the external istiod), and the external istiod in its own namespace, configured with the
 * docs' env (EXTERNAL_ISTIOD, LOCAL_CLUSTER_SECRET_WATCHER, CLUSTER_ID = the config cluster,
 * SHARED_MESH_CONFIG) and volumes; the Helm values leave CLUSTER_ID to the chart (see below). The docs
 * install it with istioctl only; the Helm values are the
 * equivalent chart values of that IstioOperator.
 */
export function externalInstallInputs(f: ExternalInstallFacts): InstallInputs {
  const discovery = `${f.address}:15012`;
  const env: Record<string, string> = {
    // Empty names keep istiod from patching webhooks it does not own (hostname variant); the IP variant
    // names the remote's webhook configurations.
    INJECTION_WEBHOOK_CONFIG_NAME: f.tlsAtGateway ? '' : `istio-sidecar-injector-${f.namespace}`,
    VALIDATION_WEBHOOK_CONFIG_NAME: f.tlsAtGateway ? '' : `istio-validator-${f.namespace}`,
    EXTERNAL_ISTIOD: 'true',
    LOCAL_CLUSTER_SECRET_WATCHER: 'true',
    SHARED_MESH_CONFIG: 'istio',
  };
  const dir = kubeconfigDirectoryValues(f.kubeconfigDirectory);
  const volumes = [
    { name: 'config-volume', configMap: { name: 'istio' } },
    { name: 'inject-volume', configMap: { name: 'istio-sidecar-injector' } },
    ...(dir.volumes ?? []),
  ];
  const volumeMounts = [
    { name: 'config-volume', mountPath: '/etc/istio/config' },
    { name: 'inject-volume', mountPath: '/var/lib/istio/inject' },
    ...(dir.volumeMounts ?? []),
  ];
  const global = {
    externalIstiod: true,
    caAddress: discovery,
    istioNamespace: f.namespace,
    operatorManageWebhooks: true,
    configValidation: false,
    meshID: f.meshId,
    multiCluster: { clusterName: f.configClusterName },
    network: f.configClusterNetwork,
  };
  const meshConfig = withoutEmpty({
    rootNamespace: f.namespace,
    trustDomain: f.trustDomain !== DEFAULT_TRUST_DOMAIN ? f.trustDomain : undefined,
    defaultConfig: withoutEmpty({
      discoveryAddress: discovery,
      // With a publicly signed gateway certificate, proxies verify istiod with the system CAs.
      proxyMetadata: f.tlsAtGateway
        ? { XDS_ROOT_CA: '/etc/ssl/certs/ca-certificates.crt', CA_ROOT_CA: '/etc/ssl/certs/ca-certificates.crt' } : undefined,
    }),
  });
  const allEnv = { ...env, ...(dir.env ?? {}) };
  // The chart always renders CLUSTER_ID from global.multiCluster.clusterName (the config cluster here) and
  // guards only EXTERNAL_ISTIOD against a duplicate (istio-discovery/templates/deployment.yaml): CLUSTER_ID
  // in the chart's env would give the Deployment two entries, which server-side apply rejects. The
  // IstioOperator keeps the docs' CLUSTER_ID: istioctl merges k8s.env by name.
  const { SHARED_MESH_CONFIG, ...docsHead } = env;
  const iopEnv = { ...docsHead, CLUSTER_ID: f.configClusterName, SHARED_MESH_CONFIG, ...(dir.env ?? {}) };
  return {
    istioVersion: ISTIO_VERSION,
    releases: [
      { name: 'istio-base', chart: 'base', namespace: ISTIO_SYSTEM_NAMESPACE, values: {}, file: 'helm-values-base.yaml' },
      { name: 'istiod', chart: 'istiod', namespace: ISTIO_SYSTEM_NAMESPACE, values: {}, file: 'helm-values-istiod.yaml' },
      {
        name: 'istiod', chart: 'istiod', namespace: f.namespace, file: `helm-values-istiod-${f.namespace}.yaml`,
        values: { global, meshConfig, env: allEnv, volumes, volumeMounts },
      },
    ],
    istioOperators: [
      // The helper istiod in istio-system; the ingress gateway itself is part of dist/.
      istioOperator('istio-operator.yaml', f.hostCluster, ISTIO_SYSTEM_NAMESPACE, { profile: 'minimal' }),
      istioOperator(`istio-operator-${f.namespace}.yaml`, `${f.hostCluster}-${f.namespace}`, f.namespace, {
        profile: 'empty',
        meshConfig,
        components: {
          pilot: {
            enabled: true,
            k8s: {
              overlays: [{
                kind: 'Deployment',
                name: 'istiod',
                patches: [
                  ...volumes.map((v) => ({ path: 'spec.template.spec.volumes[100]', value: v })),
                  ...volumeMounts.map((m) => ({ path: 'spec.template.spec.containers[0].volumeMounts[100]', value: m })),
                ],
              }],
              env: Object.entries(iopEnv).map(([name, value]) => ({ name, value })),
            },
          },
        },
        values: { global },
      }),
    ],
  };
}
