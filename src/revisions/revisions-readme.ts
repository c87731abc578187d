import { GATEWAY_API_STANDARD_INSTALL, GATEWAY_API_VERSION } from '../ambient/gateway-api';
import { DataPlaneMode } from '../ambient/mesh-ambient';
import { ControlPlaneModel } from '../control-plane';
import type { Mesh } from '../mesh';
import { SAIL_INACTIVE_REVISION_GRACE_SECONDS, SailUpdateStrategy } from './sail-revision-based';

/**
 * The output README's section on the mesh's revisions: what runs where, and the canary rollout steps in
 * order (control planes on every cluster first, primaries before remotes, then tags, workload restarts,
 * gateways, removal) with the checks between them. No istio.io page walks the multicluster case; the
 * order follows the canary docs per cluster and istio/tools#1370's multicluster script.
 * Plus, for ambient meshes, the Gateway API prerequisite. Empty for a plain sidecar mesh.
 *
 * @see https://istio.io/latest/docs/setup/upgrade/canary/
 */
export function revisionsReadme(mesh: Mesh): string[] {
  const lines: string[] = [];
  const r = mesh.revisions;
  if (r.enabled) {
    const primaries = mesh.clusters.filter((c) => c.controlPlane.model !== ControlPlaneModel.REMOTE).map((c) => `\`${c.name}\``);
    const remotes = mesh.clusters.filter((c) => c.controlPlane.model === ControlPlaneModel.REMOTE).map((c) => `\`${c.name}\``);
    // VMs hold their istiod host in their files (src/vm/vm-revision.ts): they move by new files, not by a tag.
    const vms = mesh.vmGroups.all.length > 0;
    lines.push(
      '## Control-plane revisions',
      '',
      `Namespaces are labelled \`istio.io/rev=${r.workloadRevision}\`; gateways run on \`${r.gatewayRevision}\`.`,
      '',
      '| Revision | Istio | Tags | Clusters |',
      '| --- | --- | --- | --- |',
      ...r.revisions.map((rev) => `| \`${rev.name}\` | ${rev.version} | ${r.tagsOf(rev).map((t) => `\`${t}\``).join(', ') || '—'} | ${mesh.clusters.filter((c) => r.installedOn(c).includes(rev)).map((c) => `\`${c.name}\``).join(', ')} |`),
      '',
      'Canary upgrade: one topology edit per step, reviewed with `npm run plan`, applied on every cluster before the next step.',
      '',
      `1. Add the new revision and install it on the primaries (${primaries.join(', ')})${remotes.length > 0 ? `, then the remotes (${remotes.join(', ')})` : ''}. Check: \`kubectl -n istio-system get pods -l app=istiod,istio.io/rev=<new>\` ready everywhere; \`istioctl remote-clusters\` on each primary shows every cluster synced.`,
      '2. Optionally point a test namespace at a canary tag and restart it. Check: cross-cluster requests from that namespace reach every cluster.',
      '3. Move the tag the namespaces use to the new revision (no namespace is relabelled). Check: `kubectl get mutatingwebhookconfiguration -l istio.io/tag=<tag> -o yaml` names `istiod-<new>` on every cluster.',
      '4. Restart the workloads, namespace by namespace, on every cluster. Check: `istioctl proxy-status` shows every proxy on the new revision.'
        + (vms ? ' VM groups (their revision, or the tag they follow): re-make each VM\'s files from this synth and restart its agent (Virtual machines, above).' : ''),
      '5. Move the gateways (gatewayRevision, or the tag they use) and restart them one cluster at a time. Check: cross-network requests still succeed.',
      `6. Remove the old revision: remotes first${remotes.length > 0 ? '' : ' (none here)'}, then primaries (\`helm uninstall istiod-<old> -n istio-system\`). Synth refuses while a tag, workloadRevision${vms ? ', gatewayRevision or a VM group' : ' or gatewayRevision'} still uses it.`,
      '',
    );
    if (r.sailUpdateStrategy === SailUpdateStrategy.REVISION_BASED) lines.push(...revisionBasedReadme());
  }
  if (mesh.ambient.enabled) {
    lines.push(
      '## Ambient data plane',
      '',
      `Every cluster needs the Gateway API ${GATEWAY_API_VERSION} CRDs before Istio: \`kubectl apply --server-side -f ${GATEWAY_API_STANDARD_INSTALL}\``
        + (mesh.argoCd ? ' (with Argo CD: the `*-gateway-api-crds` Applications, in the prerequisites\' wave).' : '.'),
      'Then base, istiod, cni and ztunnel (`_install-inputs/<cluster>`), then the cluster directory; namespaces are enrolled with `istio.io/dataplane-mode=ambient`,'
        + ' and services reachable across clusters carry `istio.io/global: "true"`.',
      ...sidecarClustersReadme(mesh),
      '',
    );
  }
  return lines;
}

/** The clusters of an ambient mesh whose workloads keep sidecars (their declared dataPlaneMode). */
function sidecarClustersReadme(mesh: Mesh): string[] {
  const sidecars = mesh.clusters.filter((c) => mesh.ambient.workloadMode(c) === DataPlaneMode.SIDECAR).map((c) => `\`${c.name}\``);
  if (sidecars.length === 0) return [];
  return [
    `The workloads of ${sidecars.join(', ')} keep sidecars (the cluster's \`dataPlaneMode: sidecar\`): their namespaces are labelled for injection,`
      + ' while the cluster installs the ambient components like the others (the ambient profile gives sidecars HBONE, so they reach the ambient workloads).'
      + ' To move such a cluster to ambient, follow istio.io\'s ambient/migrate steps per namespace, then remove its `dataPlaneMode`.',
  ];
}

/** What changes in the steps when Sail installs the revisions with one RevisionBased `Istio` per cluster. */
function revisionBasedReadme(): string[] {
  return [
    'Sail `updateStrategy: RevisionBased`: each cluster has one `Istio` carrying the newest revision\'s version. Step 1 raises its `spec.version`'
      + ' (Sail creates the new IstioRevision beside the old one; check `kubectl get istiorevisions`). The tags are `IstioRevisionTag`s targeting'
      + ` IstioRevisions. Step 6 deletes nothing by hand: once no tag, namespace or pod uses the old IstioRevision, Sail removes it after ${SAIL_INACTIVE_REVISION_GRACE_SECONDS} s.`
      + ' Sail creates an IstioRevision only when the `Istio` reaches its version: a cluster added mid-canary has only the newest one, so add clusters before or after a canary, not during it.',
    '',
  ];
}
