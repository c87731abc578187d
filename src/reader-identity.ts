import { k8s } from './k8s';
import { Construct } from 'constructs';
import {
  PushSecret, PushSecretSpecDataConversionStrategy, PushSecretSpecDeletionPolicy, PushSecretSpecSecretStoreRefsKind, PushSecretSpecUpdatePolicy,
} from '../imports/external-secrets-pushsecret-external-secrets.io';
import { Phase } from './phase';
import { SecretStore, SecretStoreKind } from './secret-store';

/** The reader service account (`DefaultServiceAccountName` in istioctl's multicluster package). */
export const READER_SERVICE_ACCOUNT = 'istio-reader-service-account';


/** `istio-reader-clusterrole-<namespace>`, as the istiod chart names it (no revision). */
export function readerClusterRoleName(namespace: string): string {
  return `istio-reader-clusterrole-${namespace}`;
}

/**
 * The rules of Istio's reader ClusterRole, verbatim from
 * manifests/charts/istio-control/istio-discovery/templates/reader-clusterrole.yaml (1.30.3) with the
 * default MCS API group. `remoteProfile` adds the rules the chart renders for `profile=remote`
 * (`istiodRemote.enabled`), which let the controlling istiod patch webhooks and write ConfigMaps.
 */
export function readerClusterRoleRules(remoteProfile = false): k8s.PolicyRule[] {
  const rules: k8s.PolicyRule[] = [
    {
      apiGroups: ['config.istio.io', 'security.istio.io', 'networking.istio.io', 'authentication.istio.io', 'rbac.istio.io', 'telemetry.istio.io', 'extensions.istio.io'],
      resources: ['*'],
      verbs: ['get', 'list', 'watch'],
    },
    { apiGroups: [''], resources: ['endpoints', 'pods', 'services', 'nodes', 'replicationcontrollers', 'namespaces', 'secrets', 'configmaps'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['networking.istio.io'], verbs: ['get', 'watch', 'list'], resources: ['workloadentries'] },
    { apiGroups: ['networking.x-k8s.io', 'gateway.networking.k8s.io'], resources: ['gateways'], verbs: ['get', 'watch', 'list'] },
    { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['multicluster.x-k8s.io'], resources: ['serviceexports'], verbs: ['get', 'list', 'watch', 'create', 'delete'] },
    { apiGroups: ['multicluster.x-k8s.io'], resources: ['serviceimports'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
    { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
  ];
  if (remoteProfile) {
    rules.push(
      { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'get', 'list', 'watch', 'update'] },
      { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
      { apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingwebhookconfigurations'], verbs: ['get', 'list', 'watch', 'update'] },
    );
  }
  return rules;
}

/** Props of {@link ReaderIdentity}. */
export interface ReaderIdentityProps {
  readonly clusterName: string;
  readonly namespace: string;
  readonly store: SecretStore;
  /** Adds the remote-profile rules (clusters without their own istiod). @default false */
  readonly remoteProfile?: boolean;
}

/**
 * The identity other control planes use to read this cluster's API server, what
 * `istioctl create-remote-secret` relies on in the source cluster: `istio-reader-service-account`, the
 * reader ClusterRole and ClusterRoleBinding with exactly the chart's rules, and an explicit
 * `kubernetes.io/service-account-token` Secret (Kubernetes ≥ 1.24 creates none; the token controller
 * fills in `token` and `ca.crt`), pushed to the secret store (PushedServiceAccountToken), so no
 * credential ever passes through git.
 *
 * The Helm values set `global.enableReaderRBAC: false` on both charts so that Helm does not render a
 * second copy of these objects (see install-inputs.ts).
 */
export class ReaderIdentity extends Construct {
  constructor(scope: Construct, id: string, props: ReaderIdentityProps) {
    super(scope, id);
    const namespace = props.namespace;
    const labels = { 'app': 'istio-reader', 'app.kubernetes.io/name': 'istio-reader' };
    const roleName = readerClusterRoleName(namespace);

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: { name: READER_SERVICE_ACCOUNT, namespace, labels } });
    new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: roleName, labels },
      rules: readerClusterRoleRules(props.remoteProfile),
    });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: roleName, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
      subjects: [{ kind: 'ServiceAccount', name: READER_SERVICE_ACCOUNT, namespace }],
    });
    new PushedServiceAccountToken(this, 'Token', {
      serviceAccount: READER_SERVICE_ACCOUNT, namespace, labels, store: props.store, clusterName: props.clusterName,
    });
    Phase.assign(this, Phase.TRUST);
  }
}

/** Props of {@link PushedServiceAccountToken}. */
export interface PushedServiceAccountTokenProps {
  readonly serviceAccount: string;
  readonly namespace: string;
  readonly clusterName: string;
  readonly store: SecretStore;
  /** @default - none */
  readonly labels?: { [key: string]: string };
}

/**
 * A service account's token, made available to other clusters without passing through git: an explicit,
 * empty `kubernetes.io/service-account-token` Secret named as istioctl names it
 * (`<sa>-istio-remote-secret-token`; Kubernetes ≥ 1.24 creates none, the token controller fills in
 * `token` and `ca.crt`), and a PushSecret copying both to the store at `<prefix>/remote-secrets/<cluster>`.
 */
export class PushedServiceAccountToken extends Construct {
  /** Name of the token Secret. */
  public readonly secretName: string;

  constructor(scope: Construct, id: string, props: PushedServiceAccountTokenProps) {
    super(scope, id);
    const namespace = props.namespace;
    const name = `${props.serviceAccount}-istio-remote-secret-token`;
    this.secretName = name;
    const labels = props.labels ? { labels: { ...props.labels } } : {};
    new k8s.KubeSecret(this, 'Secret', {
      metadata: { name, namespace, ...labels, annotations: { 'kubernetes.io/service-account.name': props.serviceAccount } },
      type: 'kubernetes.io/service-account-token',
    });
    const remoteKey = props.store.remoteSecretKey(props.clusterName);
    new PushSecret(this, 'PushSecret', {
      metadata: { name, namespace, ...labels },
      spec: {
        refreshInterval: '1h',
        secretStoreRefs: [{
          name: props.store.name,
          kind: props.store.kind === SecretStoreKind.SECRET_STORE ? PushSecretSpecSecretStoreRefsKind.SECRET_STORE : PushSecretSpecSecretStoreRefsKind.CLUSTER_SECRET_STORE,
        }],
        selector: { secret: { name } },
        updatePolicy: PushSecretSpecUpdatePolicy.REPLACE,
        deletionPolicy: PushSecretSpecDeletionPolicy.DELETE,
        // conversionStrategy None is the CRD's default, written out so that diffs settle (issue 10).
        data: ['token', 'ca.crt'].map((k) => ({ match: { secretKey: k, remoteRef: { remoteKey, property: k } }, conversionStrategy: PushSecretSpecDataConversionStrategy.NONE })),
      },
    });
  }
}

/** The ServiceAccount the remote profile creates for istiod in a config cluster (`global.configCluster`). */
export const CONFIG_CLUSTER_SERVICE_ACCOUNT = 'istiod';

/** Props of {@link ConfigClusterCredentials}. */
export interface ConfigClusterCredentialsProps {
  readonly clusterName: string;
  readonly namespace: string;
  readonly store: SecretStore;
}

/**
 * What `istioctl create-remote-secret --type=config --service-account=istiod --create-service-account=false`
 * relies on in an external control plane's config cluster: the token of the `istiod` ServiceAccount
 * (created by the remote profile with `global.configCluster: true`), pushed to the store. Applied in the
 * control-plane phase, after Istio's charts created the ServiceAccount: a token Secret for a missing
 * ServiceAccount is deleted by Kubernetes.
 */
export class ConfigClusterCredentials extends Construct {
  constructor(scope: Construct, id: string, props: ConfigClusterCredentialsProps) {
    super(scope, id);
    new PushedServiceAccountToken(this, 'Token', { serviceAccount: CONFIG_CLUSTER_SERVICE_ACCOUNT, ...props });
    Phase.assign(this, Phase.CONTROL_PLANE);
  }
}
