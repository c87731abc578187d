/**
 * The Gateway API release the ambient output needs (the ambient east-west `Gateway`, waypoints, and
 * istiod's Gateway API controllers): standard channel v1.5.1, the release Istio 1.30.3 is built and tested
 * against (istio/istio@1.30.3 go.mod `sigs.k8s.io/gateway-api v1.5.1`; its integration tests install the
 * v1.5.1 CRDs, tests/integration/pilot/testdata/gateway-api-crd.yaml). Istio's own floor is lower
 * (`istioctl x precheck` errors below CRDs serving v1beta1 and warns below v1: IST0156/IST0172), but
 * v1.5.1 is what it is verified with. (The Sail Operator 1.30.3 multicluster docs still install v1.4.1.)
 * Its CRDs for the kinds the output emits are pinned in crds/gateway-api-1.5.1-*.yaml and validated against.
 */
export const GATEWAY_API_VERSION = 'v1.5.1';

/** Where the CRDs come from: the upstream repository's standard channel at the pinned tag. */
export const GATEWAY_API_REPO = 'https://github.com/kubernetes-sigs/gateway-api.git';
export const GATEWAY_API_CRD_PATH = 'config/crd/standard';

/** The release asset the Istio docs apply before installing ambient. */
export const GATEWAY_API_STANDARD_INSTALL = `https://github.com/kubernetes-sigs/gateway-api/releases/download/${GATEWAY_API_VERSION}/standard-install.yaml`;

/**
 * Oldest Kubernetes minor the pinned Gateway API supports: v1.5's standard channel includes TLSRoute,
 * whose "CEL validation requires Kubernetes 1.31 or higher", and a ValidatingAdmissionPolicy
 * (`safe-upgrades.gateway.networking.k8s.io`, GA in Kubernetes 1.30) (CHANGELOG/1.5-CHANGELOG.md at
 * v1.5.1). The project supports "a minimum of the most recent 5 Kubernetes minor versions"
 * (site-src/concepts/versioning.md) and v1.5.1 is built against Kubernetes 1.35 (go.mod k8s.io/api
 * v0.35.1): 1.31 through 1.35.
 */
export const GATEWAY_API_MIN_KUBERNETES: readonly [number, number] = [1, 31];

/** `1.29`, `v1.31.2` → [1, 29] / [1, 31]; undefined when it is not a Kubernetes version. */
export function parseKubernetesVersion(v: string): [number, number] | undefined {
  const m = /^v?(\d{1,3})\.(\d{1,3})(?:\.\d{1,4})?$/.exec(v);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** The API group of the Gateway API. */
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
