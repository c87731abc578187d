/**
 * Canonical Istio names and well-known keys. They are part of Istio's contract (docs, istioctl,
 * charts), so they are spelled once here and never derived or hashed.
 */

/** The Istio release whose charts, CRDs and samples this library mirrors. */
export const ISTIO_VERSION = '1.30.3';

/** Default control-plane namespace (`global.istioNamespace`). */
export const ISTIO_SYSTEM_NAMESPACE = 'istio-system';

/** Name of the east-west gateway (gen-eastwest-gateway.sh, the docs' `helm install istio-eastwestgateway`). */
export const EAST_WEST_GATEWAY_NAME = 'istio-eastwestgateway';

/** Gateway of samples/multicluster/expose-services.yaml. */
export const CROSS_NETWORK_GATEWAY_NAME = 'cross-network-gateway';

/** Label key: the network a namespace, gateway Service or pod belongs to. */
export const NETWORK_LABEL = 'topology.istio.io/network';

/** Annotation on a remote's system namespace: the cluster ID(s) of the istiod that manages it. */
export const CONTROL_PLANE_CLUSTERS_ANNOTATION = 'topology.istio.io/controlPlaneClusters';

/** Label key for sidecar injection on a namespace. */
export const INJECTION_LABEL = 'istio-injection';

/** Well-known Kubernetes topology labels used for locality. */
export const REGION_LABEL = 'topology.kubernetes.io/region';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** Env var of the east-west gateway: traffic through it is routed inside its network. */
export const REQUESTED_NETWORK_VIEW_ENV = 'ISTIO_META_REQUESTED_NETWORK_VIEW';

/** Argo CD's ordering annotation. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
