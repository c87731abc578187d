/**
 * The Gateway API release the ambient output needs (the ambient east-west `Gateway`, and istiod's
 * Gateway API controllers): standard channel v1.4.1, the version the Sail Operator 1.30.3 multicluster
 * docs install (docs/deployment-models/multicluster.adoc). Its CRDs for the kinds the output emits are
 * pinned in crds/gateway-api-1.4.1-*.yaml (validated against in the tests).
 */
export const GATEWAY_API_VERSION = 'v1.4.1';

/** Where the CRDs come from: the upstream repository's standard channel at the pinned tag. */
export const GATEWAY_API_REPO = 'https://github.com/kubernetes-sigs/gateway-api.git';
export const GATEWAY_API_CRD_PATH = 'config/crd/standard';

/** The release asset the Istio docs apply before installing ambient. */
export const GATEWAY_API_STANDARD_INSTALL = `https://github.com/kubernetes-sigs/gateway-api/releases/download/${GATEWAY_API_VERSION}/standard-install.yaml`;

/**
 * Oldest Kubernetes minor the pinned Gateway API supports: the project supports "a minimum of the most
 * recent 5 Kubernetes minor versions" (site-src/concepts/versioning.md at v1.4.1); v1.4 was built
 * against Kubernetes 1.34 (CHANGELOG/1.4-CHANGELOG.md), so 1.30 through 1.34.
 */
export const GATEWAY_API_MIN_KUBERNETES: readonly [number, number] = [1, 30];

/** `1.29`, `v1.31.2` → [1, 29] / [1, 31]; undefined when it is not a Kubernetes version. */
export function parseKubernetesVersion(v: string): [number, number] | undefined {
  const m = /^v?(\d{1,3})\.(\d{1,3})(?:\.\d{1,4})?$/.exec(v);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** The API group of the Gateway API. */
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
