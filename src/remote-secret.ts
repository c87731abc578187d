import { Construct } from 'constructs';
import {
  ExternalSecret, ExternalSecretSpecTargetCreationPolicy, ExternalSecretSpecTargetDeletionPolicy,
  ExternalSecretSpecTargetTemplateEngineVersion, ExternalSecretSpecTargetTemplateMergePolicy, toJson_ExternalSecretSpec,
} from '../imports/external-secrets-externalsecret-external-secrets.io';
import { toYaml } from './output/yaml';
import { Phase } from './phase';
import { PlainApiObject } from './plain-api-object';
import type { SecretStore } from './secret-store';

/** Label istiod's secret controller selects remote secrets by (`MultiClusterSecretLabel`). */
export const MULTICLUSTER_SECRET_LABEL = 'istio/multiCluster';
/** Annotation istioctl puts on remote secrets (`clusterNameAnnotationKey`). */
export const CLUSTER_NAME_ANNOTATION = 'networking.istio.io/cluster';

/**
 * Annotation on the ExternalSecrets whose readiness depends on other clusters (their PushSecrets): the
 * names of those clusters, comma-separated. The Argo CD health check we emit (argocd.ts) reports such
 * an ExternalSecret Healthy while it waits, so that a peer that does not exist yet never holds a sync.
 */
export const PEER_CLUSTERS_ANNOTATION = 'istio-multicluster.cdk8s.io/peer-clusters';

/** `istio-remote-secret-<cluster>`, the name `istioctl create-remote-secret --name <cluster>` gives. */
export function remoteSecretName(sourceCluster: string): string {
  return `istio-remote-secret-${sourceCluster}`;
}

/** How remote kubeconfigs reach a consuming istiod. */
export enum RemoteSecretDelivery {
  /**
   * One Secret `istio-remote-secret-<cluster>` per discovered cluster, labelled `istio/multiCluster: "true"`,
   * which istiod watches in its namespace: exactly what `istioctl create-remote-secret | kubectl apply`
   * produces. Works with every Istio version.
   */
  LABELLED_SECRETS = 'labelledSecrets',
  /**
   * Istio ≥ 1.30: one Secret `istio-remote-kubeconfigs` with a `<cluster>.yaml` kubeconfig per discovered
   * cluster, mounted into istiod, which reads (and watches) the directory named by
   * `PILOT_MULTICLUSTER_KUBECONFIG_PATH` instead of watching labelled Secrets (which it then ignores).
   * istiod takes each cluster ID from the kubeconfig's current context, which our kubeconfigs name after
   * the cluster. Pick it when the remote credentials should not be Secrets istiod discovers by label,
   * e.g. for an external control plane (Istio PR 58927). Mind that one unparsable file stops istiod from
   * loading any of them; the files here are all rendered from one template.
   */
  KUBECONFIG_DIRECTORY = 'kubeconfigDirectory',
}

/** Name of the Secret holding the kubeconfig files in `KUBECONFIG_DIRECTORY` mode. */
export const REMOTE_KUBECONFIGS_SECRET = 'istio-remote-kubeconfigs';
/** Where istiod mounts it. */
export const REMOTE_KUBECONFIGS_PATH = '/etc/istio/remote-kubeconfigs';

/** What a kubeconfig for a discovered cluster needs to know. */
export interface RemoteClusterAccess {
  /** Name of the discovered (source) cluster: the cluster ID. */
  readonly cluster: string;
  readonly apiServer: string;
  readonly tlsServerName?: string;
}

/**
 * The kubeconfig `istioctl create-remote-secret` writes, as an object: field for field and in its key order
 * the istioctl output (cluster, context and user all named after the cluster; `tls-server-name` only when
 * set).
 *
 * @param caData base64 of the API server's PEM CA (`certificate-authority-data`)
 * @param token the bearer token
 */
export function remoteKubeconfig(access: RemoteClusterAccess, caData: string, token: string): Record<string, unknown> {
  const name = access.cluster;
  return {
    apiVersion: 'v1',
    clusters: [{
      cluster: {
        'certificate-authority-data': caData,
        'server': access.apiServer,
        ...(access.tlsServerName ? { 'tls-server-name': access.tlsServerName } : {}),
      },
      name,
    }],
    contexts: [{ context: { cluster: name, user: name }, name }],
    'current-context': name,
    'kind': 'Config',
    'users': [{ name, user: { token } }],
  };
}

// The data keys the two template expressions name sit inside a Go string literal of the template: the
// Secret data key rule keeps quotes, backslashes and braces out of it.
const TEMPLATE_DATA_KEY = /^[-._a-zA-Z0-9]+$/;
const TEMPLATE_DELIMITER = /\{\{|\}\}/;

/**
 * {@link remoteKubeconfig} as an External Secrets template (engine v2, Go text/template), written by the
 * YAML emitter, with the token and CA filled in by the operator from the store at run time. The two
 * expressions are the only template actions: the emitter single-quotes them (they hold `"` and `|`), and
 * what the operator puts inside the quotes, a JWT and base64, holds no quote or line break, so the
 * rendered kubeconfig reads back as exactly those values. A `{{` or `}}` in a model value would be run by
 * the operator: topology validation rejects it, and this builder throws should one get here anyway.
 *
 * @param tokenKey the ExternalSecret data key holding the bearer token
 * @param caKey the ExternalSecret data key holding the PEM CA of the API server
 */
export function kubeconfigTemplate(access: RemoteClusterAccess, tokenKey: string, caKey: string): string {
  const fields: [string, string | undefined][] = [['clusterName', access.cluster], ['apiServer', access.apiServer], ['tlsServerName', access.tlsServerName]];
  for (const [field, value] of fields) {
    if (value !== undefined && TEMPLATE_DELIMITER.test(value)) {
      throw new Error(`cluster ${JSON.stringify(access.cluster)}: ${field} ${JSON.stringify(value)} holds a template delimiter ({{ or }}) and cannot go into the remote-secret kubeconfig template`);
    }
  }
  for (const key of [tokenKey, caKey]) {
    if (!TEMPLATE_DATA_KEY.test(key)) throw new Error(`cluster ${JSON.stringify(access.cluster)}: template data key ${JSON.stringify(key)} is not a valid Secret data key`);
  }
  const text = toYaml(remoteKubeconfig(access, `{{ index . "${caKey}" | b64enc }}`, `{{ index . "${tokenKey}" }}`));
  // The emitter adds quotes and escapes, never braces; still, the template must hold exactly our two actions.
  if (text.split('{{').length !== 3 || text.split('}}').length !== 3) {
    throw new Error(`cluster ${JSON.stringify(access.cluster)}: the remote-secret kubeconfig template holds a template delimiter of its own`);
  }
  return text;
}

/** Props of {@link RemoteSecret}. */
export interface RemoteSecretProps {
  readonly source: RemoteClusterAccess;
  /** The consuming istiod's namespace. */
  readonly namespace: string;
  readonly store: SecretStore;
  /**
   * The source is an external control plane's config cluster: the Secret is `istio-kubeconfig` with data
   * key `config`, as `istioctl create-remote-secret --type=config` makes it. @default false
   */
  readonly config?: boolean;
}

/** Name of the config-cluster kubeconfig Secret of an external istiod (`--type=config`). */
export const CONFIG_KUBECONFIG_SECRET = 'istio-kubeconfig';

/**
 * The remote secret that lets an istiod discover endpoints in another cluster, rendered by the External
 * Secrets Operator exactly as `istioctl create-remote-secret --name <cluster>` makes it: Secret
 * `istio-remote-secret-<cluster>` in the istiod namespace, label `istio/multiCluster: "true"`, annotation
 * `networking.istio.io/cluster: <cluster>` and one data key `<cluster>` holding the kubeconfig. The
 * token and CA come from the store, where the source cluster's PushSecret put them. For an external
 * control plane's config cluster it is the `--type=config` Secret `istio-kubeconfig` (key `config`)
 * instead, which the external istiod mounts.
 */
export class RemoteSecret extends Construct {
  constructor(scope: Construct, id: string, props: RemoteSecretProps) {
    super(scope, id);
    const name = props.config ? CONFIG_KUBECONFIG_SECRET : remoteSecretName(props.source.cluster);
    const dataKey = props.config ? 'config' : props.source.cluster;
    // A mesh has N×(N−1) of these: a PlainApiObject whose spec, the same for every consumer of a source,
    // is converted once and shared (see PlainApiObject).
    new PlainApiObject(this, 'Resource', {
      gvk: ExternalSecret.GVK,
      // The config kubeconfig gates the external istiod on purpose (it cannot run without it); remote
      // secrets are links that must not gate anything.
      metadata: { name, namespace: props.namespace, ...(props.config ? {} : { annotations: { [PEER_CLUSTERS_ANNOTATION]: props.source.cluster } }) },
      body: remoteSecretBody(props.source, props.store, name, dataKey),
    });
    // The external istiod mounts istio-kubeconfig, so it must exist before istiod starts; remote secrets
    // are watched and follow everything else (Phase.REMOTE_SECRETS).
    Phase.assign(this, props.config ? Phase.TRUST : Phase.REMOTE_SECRETS);
  }
}

const BODIES = new WeakMap<SecretStore, Map<string, Readonly<Record<string, unknown>>>>();

/** The spec of a remote secret for a source, converted through the typed L1 once per store and source. */
function remoteSecretBody(source: RemoteClusterAccess, store: SecretStore, name: string, dataKey: string): Readonly<Record<string, unknown>> {
  const cacheKey = JSON.stringify([source.cluster, source.apiServer, source.tlsServerName ?? '', name, dataKey]);
  let byKey = BODIES.get(store);
  if (!byKey) BODIES.set(store, byKey = new Map());
  let body = byKey.get(cacheKey);
  if (!body) {
    const key = store.remoteSecretKey(source.cluster);
    body = {
      spec: toJson_ExternalSecretSpec({
        refreshInterval: '1h',
        secretStoreRef: store.ref,
        target: {
          name,
          creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
          // The CRD's defaults, written out: the API server adds them, and a diff against an object
          // without them never settles (issue 10).
          deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN,
          template: {
            engineVersion: ExternalSecretSpecTargetTemplateEngineVersion.V2,
            mergePolicy: ExternalSecretSpecTargetTemplateMergePolicy.REPLACE,
            metadata: {
              labels: { [MULTICLUSTER_SECRET_LABEL]: 'true' },
              annotations: { [CLUSTER_NAME_ANNOTATION]: source.cluster },
            },
            data: { [dataKey]: kubeconfigTemplate(source, 'token', 'ca.crt') },
          },
        },
        data: ['token', 'ca.crt'].map((k) => ({ secretKey: k, remoteRef: { key, property: k } })),
      })!,
    };
    byKey.set(cacheKey, body);
  }
  return body;
}

/** Props of {@link RemoteKubeconfigDirectory}. */
export interface RemoteKubeconfigDirectoryProps {
  readonly sources: RemoteClusterAccess[];
  readonly namespace: string;
  readonly store: SecretStore;
}

/**
 * `KUBECONFIG_DIRECTORY` delivery: one Secret with a `<cluster>.yaml` kubeconfig per discovered cluster,
 * the same kubeconfigs as the labelled remote secrets, for istiod to mount at
 * `PILOT_MULTICLUSTER_KUBECONFIG_PATH`.
 */
export class RemoteKubeconfigDirectory extends Construct {
  constructor(scope: Construct, id: string, props: RemoteKubeconfigDirectoryProps) {
    super(scope, id);
    const sources = [...props.sources].sort((a, b) => (a.cluster < b.cluster ? -1 : 1));
    new ExternalSecret(this, 'Resource', {
      metadata: { name: REMOTE_KUBECONFIGS_SECRET, namespace: props.namespace, annotations: { [PEER_CLUSTERS_ANNOTATION]: sources.map((s) => s.cluster).join(',') } },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: props.store.ref,
        target: {
          name: REMOTE_KUBECONFIGS_SECRET,
          creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
          deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN, // the CRD's defaults, written out
          template: {
            engineVersion: ExternalSecretSpecTargetTemplateEngineVersion.V2,
            mergePolicy: ExternalSecretSpecTargetTemplateMergePolicy.REPLACE,
            data: Object.fromEntries(sources.map((s) => [`${s.cluster}.yaml`, kubeconfigTemplate(s, `${s.cluster}-token`, `${s.cluster}-ca.crt`)])),
          },
        },
        data: sources.flatMap((s) => ['token', 'ca.crt'].map((k) => ({
          secretKey: `${s.cluster}-${k}`,
          remoteRef: { key: props.store.remoteSecretKey(s.cluster), property: k },
        }))),
      },
    });
    // istiod mounts the Secret as an optional volume and watches the directory, so it may arrive later.
    Phase.assign(this, Phase.REMOTE_SECRETS);
  }
}
