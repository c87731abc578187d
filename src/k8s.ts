/**
 * Kubernetes' own L1 classes (Kubernetes 1.27), as cdk8s-plus-27 generates them: vendored in
 * imports/k8s.ts (provenance in its header) so that neither this library nor its users depend on
 * cdk8s-plus-27, and loaded from that module alone.
 */
import * as k8s from '../imports/k8s';

export { k8s };
