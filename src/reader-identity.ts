import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  PushSecret, PushSecretSpecDeletionPolicy, PushSecretSpecSecretStoreRefsKind, PushSecretSpecUpdatePolicy,
} from '../imports/external-secrets-pushsecret-external-secrets.io';
import { Phase } from './phase';
import { SecretStore, SecretStoreKind } from './secret-store';

/** The reader service account (`DefaultServiceAccountName` in istioctl's multicluster package). */
export const READER_SERVICE_ACCOUNT = 'istio-reader-service-account';

/** The token Secret istioctl creates for the reader on Kubernetes ≥ 1.24 (`<sa>-istio-remote-secret-token`). */
export const READER_TOKEN_SECRET = `${READER_SERVICE_ACCOUNT}-istio-remote-secret-token`;

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
 * fills in `token` and `ca.crt`). A PushSecret then copies `token` and `ca.crt` to the secret store, so
 * no credential ever passes through git.
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
    // An empty token Secret: Kubernetes' token controller populates it. It carries no secret data in git.
    new k8s.KubeSecret(this, 'TokenSecret', {
      metadata: {
        name: READER_TOKEN_SECRET,
        namespace,
        labels,
        annotations: { 'kubernetes.io/service-account.name': READER_SERVICE_ACCOUNT },
      },
      type: 'kubernetes.io/service-account-token',
    });

    const remoteKey = props.store.remoteSecretKey(props.clusterName);
    new PushSecret(this, 'PushSecret', {
      metadata: { name: READER_TOKEN_SECRET, namespace, labels },
      spec: {
        refreshInterval: '1h',
        secretStoreRefs: [{
          name: props.store.name,
          kind: props.store.kind === SecretStoreKind.SECRET_STORE ? PushSecretSpecSecretStoreRefsKind.SECRET_STORE : PushSecretSpecSecretStoreRefsKind.CLUSTER_SECRET_STORE,
        }],
        selector: { secret: { name: READER_TOKEN_SECRET } },
        updatePolicy: PushSecretSpecUpdatePolicy.REPLACE,
        deletionPolicy: PushSecretSpecDeletionPolicy.DELETE,
        data: ['token', 'ca.crt'].map((k) => ({ match: { secretKey: k, remoteRef: { remoteKey, property: k } } })),
      },
    });
    Phase.assign(this, Phase.TRUST);
  }
}
