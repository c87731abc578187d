/**
 * Kubernetes' own L1 classes, as cdk8s-plus-27 exports them (`import { k8s } from 'cdk8s-plus-27'`),
 * loaded from their module directly: the package index also loads every cdk8s-plus L2 class, which
 * this library does not use (see EastWestGateway for why) and which costs ~25 ms at every synth start.
 * The version is pinned in package.json.
 */
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';

export { k8s };
