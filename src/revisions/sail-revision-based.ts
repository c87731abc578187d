import { ISTIO_SYSTEM_NAMESPACE, ISTIO_VERSION } from '../istio';
import type { Problem } from '../problem';
import type { Revision } from './revision';

/*
 * Why RevisionBased is equivalent to the Helm path (src/revisions/revision-install.ts):
 * - Helm installs release `istiod-<rev>` with `revision: <rev>`; Sail renders an IstioRevision with the same
 *   istiod chart and `revision: <its name>`. With revisions named as Sail names them (checked below), both give
 *   Service `istiod-<rev>`, the injector of `istio.io/rev=<rev>`, and the east-west exposure `istiod-vs-<rev>`.
 * - Helm's `revisionTags: [<tag>]` on a release = an IstioRevisionTag `<tag>` targeting that IstioRevision: the
 *   tag's webhook injects `istio.io/rev=<tag>` namespaces from that revision's istiod; moving a tag is one edit.
 * - Lifetime: Helm keeps the old release until step 6 (`helm uninstall`); Sail keeps the old IstioRevision
 *   while a tag, namespace or pod (gateways included) uses it, i.e. until steps 3-5 are done, plus a grace.
 * - The difference: Sail creates an IstioRevision only when the Istio reaches its version, so a cluster
 *   created mid-canary has only the newest (the output README says so); InPlace has no such limit.
 */

/**
 * How the Sail Operator output installs the mesh's revisions (`Istio.spec.updateStrategy.type`,
 * crds/sail-operator-1.30.3-istios.yaml).
 */
export enum SailUpdateStrategy {
  /**
   * One `Istio` per revision, named after it, each updated in place: Sail names an InPlace Istio's
   * IstioRevision after the Istio, so `istiod-<rev>` is the Helm path's. Works on a fresh cluster too.
   */
  IN_PLACE = 'InPlace',
  /**
   * One `Istio` per cluster with `updateStrategy: RevisionBased`: each change of `spec.version` makes Sail
   * create a new IstioRevision `<Istio name>-v<version, dots as dashes>` beside the old one, which Sail
   * keeps while anything (a namespace, a pod, an IstioRevisionTag) still uses it.
   * @see https://github.com/istio-ecosystem/sail-operator/blob/main/docs/README.md
   * @see https://docs.openshift.com/service-mesh/3.0.0tp1/update/ossm-updating-openshift-service-mesh.html
   */
  REVISION_BASED = 'RevisionBased',
}

/**
 * Seconds Sail waits before deleting an IstioRevision no longer in use (`inactiveRevisionDeletionGracePeriodSeconds`):
 * the CRD defaults to 30 and advises "on the order of minutes", time for the last restarted pods to settle.
 */
export const SAIL_INACTIVE_REVISION_GRACE_SECONDS = 300;

/** The name of the Sail `Istio` of a control-plane namespace (`default` for istio-system, as src/sail.ts). */
export function sailIstioName(namespace: string): string {
  return namespace === ISTIO_SYSTEM_NAMESPACE ? 'default' : namespace;
}

/**
 * The IstioRevision Sail creates for an `Istio` with the RevisionBased strategy at a version:
 * `<Istio name>-v<major>-<minor>-<patch>`, e.g. `default-v1-30-3` (Sail's revision naming, documented by
 * OpenShift Service Mesh 3 "About RevisionBased strategy" and the istio-csr revisions it lists).
 * Sail renders that IstioRevision with Helm `revision: <that name>`, so its istiod is `istiod-<name>`.
 */
export function sailRevisionName(istioName: string, version: string): string {
  return `${istioName}-v${version.replace(/\./g, '-')}`;
}

/** Orders Istio versions numerically (1.29.10 after 1.29.6). */
export function compareIstioVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Of a namespace's revisioned istiod releases, the one the single RevisionBased `Istio` carries: the
 * newest version, i.e. the revision the canary moves to. Older revisions are not in the spec: Sail keeps
 * their IstioRevisions (created when the Istio had their version) for as long as they are in use.
 */
export function newestRelease<T extends { readonly version?: string }>(releases: readonly T[]): T {
  return [...releases].sort((a, b) => compareIstioVersions(b.version ?? ISTIO_VERSION, a.version ?? ISTIO_VERSION))[0];
}

/** The `spec.updateStrategy` of a RevisionBased `Istio`. */
export function revisionBasedUpdateStrategy(): { type: 'RevisionBased'; inactiveRevisionDeletionGracePeriodSeconds: number; updateWorkloads: boolean } {
  return {
    type: SailUpdateStrategy.REVISION_BASED,
    inactiveRevisionDeletionGracePeriodSeconds: SAIL_INACTIVE_REVISION_GRACE_SECONDS,
    // Workloads move when the user moves a tag (the topology edit), never by the operator on its own:
    // the same sequence as the Helm path's rollout steps.
    updateWorkloads: false,
  };
}

/** What the checks need of a cluster (kept narrow). */
export interface SailRevisionCluster {
  readonly name: string;
  readonly controlPlaneNamespace: string;
}

/**
 * Problems of `sailUpdateStrategy`: RevisionBased needs the Sail Operator output and declared revisions,
 * and every revision installed on a cluster must carry the name Sail gives it there (else `istiod-<rev>`,
 * the exposed istiod, `istio.io/rev` and the tags would name an IstioRevision that never exists).
 */
export function sailRevisionBasedProblems(
  strategy: SailUpdateStrategy | undefined, sail: boolean, revisions: readonly Revision[],
  clusters: readonly SailRevisionCluster[], installedOn: (c: SailRevisionCluster) => readonly Revision[],
): Problem[] {
  if (strategy === undefined || strategy === SailUpdateStrategy.IN_PLACE) return [];
  if (!sail) {
    return [{
      field: 'sailUpdateStrategy', value: strategy,
      message: 'applies to the Sail Operator output only (Helm and IstioOperator install one istiod-<rev> per revision already)',
      fix: 'set argoCd.istioInstall: sailOperator, or remove sailUpdateStrategy',
    }];
  }
  if (revisions.length === 0) {
    return [{
      field: 'sailUpdateStrategy', value: strategy,
      message: 'needs declared revisions: namespaces select a RevisionBased control plane by revision (istio.io/rev)',
      fix: `declare the revisions, e.g. revisions: [{ name: "${sailRevisionName('default', ISTIO_VERSION)}" }], or remove sailUpdateStrategy`,
    }];
  }
  const problems: Problem[] = [];
  const reported = new Set<string>();
  for (const c of clusters) {
    const istio = sailIstioName(c.controlPlaneNamespace);
    for (const r of installedOn(c)) {
      const expected = sailRevisionName(istio, r.version);
      const i = revisions.indexOf(r);
      if (r.name === expected || reported.has(`${i}/${expected}`)) continue;
      reported.add(`${i}/${expected}`);
      problems.push({
        cluster: istio === 'default' ? undefined : c.name,
        field: `revisions[${i}].name`, value: r.name,
        message: `is not the name the Sail Operator gives Istio "${istio}"'s revision at version ${r.version} with sailUpdateStrategy RevisionBased (<Istio name>-v<version, dots as dashes>): istiod-${r.name} and the tags would target an IstioRevision that never exists`,
        allowed: JSON.stringify(expected),
        fix: `rename the revision "${expected}" (and the tags, workloadRevision and cluster revisions naming it)`,
      });
    }
  }
  return problems;
}
