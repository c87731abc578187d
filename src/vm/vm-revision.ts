import { IstioInstallMethod } from '../argocd';
import type { Cluster } from '../cluster';
import type { Mesh } from '../mesh';
import { didYouMean } from '../names';
import type { Problem } from '../problem';
import type { Revision } from '../revisions/revision';
import { newestRelease, SailUpdateStrategy } from '../revisions/sail-revision-based';
import type { VmGroup } from './vm-group';

/*
 * Which control-plane revision a VM group runs against, and why a tag is resolved at synth time.
 *
 * The VM's files name istiod by host: cluster.env `CA_ADDR`, mesh.yaml `discoveryAddress` and the `hosts`
 * entry are `istiod-<rev>.istio-system.svc[:15012]` (IstiodHost/IstiodAddr in istio/istio@1.30.3
 * istioctl/pkg/workload/workload.go). A tag cannot stand there, although the istiod chart does render a
 * Service `istiod-revision-tag-<tag>` for every tag (templates/revision-tags-svc.yaml):
 * - `istioctl x workload entry configure --revision <tag>` reads ConfigMap `istio-<tag>`, which no chart
 *   renders (only `istio-<rev>`), and writes `istiod-<tag>.istio-system.svc`, a Service that does not exist;
 * - istiod's serving certificate holds `istiod`, `istiod-remote`, `istio-pilot` and `istiod-<rev>` in
 *   `<ns>.svc`, never `istiod-revision-tag-<tag>` (getDNSNames in pilot/pkg/bootstrap/server.go), so a VM
 *   dialing the tag's Service fails verification;
 * - expose-istiod-rev.yaml.tmpl routes SNI `istiod-<rev>.istio-system.svc` only.
 * So a tag resolves to its revision when synth writes the bundle: moving the tag later does NOT move VMs
 * already configured. They move when their files are re-made from the new synth and the agent restarted.
 */

/**
 * The revision a VM group's VMs join: its `revision` (a revision or a tag, resolved), else what the mesh's
 * namespaces use (`workloadRevision`). Undefined in an unrevisioned mesh (the VMs join `istiod`) or when the
 * name resolves to nothing (a problem, see vmRevisionProblems).
 */
export function vmRevision(mesh: Mesh, g: VmGroup): Revision | undefined {
  const name = g.revision ?? mesh.revisions.workloadRevision;
  return name === undefined ? undefined : mesh.revisions.resolve(name);
}

/**
 * Problems of a VM group's revision, with `joining` the primary whose istiod the VMs join: a name the mesh
 * does not declare (a typo, or a revision removed while VMs still run against it), a revision the joining
 * cluster does not install, and, with Sail's RevisionBased strategy, a revision nothing keeps alive.
 * A defaulted revision (the namespaces') is checked by MeshRevisions already.
 */
export function vmRevisionProblems(mesh: Mesh, g: VmGroup, joining: Cluster): Problem[] {
  const name = g.revision;
  if (name === undefined) return [];
  const field = `${g.field}.revision`;
  const revisions = mesh.revisions;
  if (!revisions.enabled) {
    return [{
      field, value: name,
      message: 'names a control-plane revision, but the mesh declares none: its VMs join the unrevisioned istiod',
      allowed: 'none declared (revisions: is empty)',
      fix: 'remove revision from the VM group, or declare the revision under revisions:',
    }];
  }
  const known = [...revisions.tags.map((t) => t.name), ...revisions.revisions.map((r) => r.name)];
  const revision = revisions.resolve(name);
  if (!revision) {
    const hint = typeof name === 'string' ? didYouMean(name, known) : undefined; // the TypeScript API may pass anything
    const to = revisions.workloadRevision ?? known[0];
    return [{
      field, value: name,
      message: 'names no revision or revision tag of the mesh (the VMs\' files would name an istiod that does not exist);'
        + ' a VM group keeps its revision in use, so a revision is removed only after the VM groups on it moved',
      allowed: known.map((n) => JSON.stringify(n)).join(', '),
      fix: `${hint ? `did you mean "${hint}"? ` : ''}If the revision was removed: move the VM group first (revision: "${to}"),`
        + ' re-run its finish-vm.sh, copy the files to each VM and restart istio there, then remove the old revision',
    }];
  }
  const through = name === revision.name ? '' : ` (through tag "${name}")`;
  const installed = revisions.installedOn(joining);
  if (!installed.includes(revision)) {
    const here = [...revisions.tags.filter((t) => installed.some((r) => r.name === t.revision)).map((t) => t.name), ...installed.map((r) => r.name)];
    return [{
      field, value: name,
      message: `resolves to revision "${revision.name}"${through}, which cluster "${joining.name}" (the primary the VMs join) does not install: no istiod-${revision.name} there`,
      allowed: here.map((n) => JSON.stringify(n)).join(', ') || 'none',
      fix: `add "${revision.name}" to the revisions of cluster "${joining.name}" first, or choose a revision it runs`,
    }];
  }
  if (revisions.sailUpdateStrategy === SailUpdateStrategy.REVISION_BASED && mesh.argoCd?.istioInstall === IstioInstallMethod.SAIL_OPERATOR) {
    // Sail deletes an inactive IstioRevision once no IstioRevisionTag, namespace or pod references it
    // (isRevisionReferenced, sail-operator controllers/istiorevision/istiorevision_controller.go); VMs are
    // none of these. The Istio's active revision (its newest) is never pruned.
    const kept = newestRelease(installed) === revision
      || revisions.tags.some((t) => t.revision === revision.name)
      || [revisions.workloadRevision, revisions.gatewayRevision].some((n) => n !== undefined && revisions.resolve(n) === revision);
    if (!kept) {
      return [{
        field, value: name,
        message: `resolves to revision "${revision.name}"${through}, which the Sail Operator (sailUpdateStrategy RevisionBased) deletes once no tag, namespace or pod uses it: VMs do not count, so their istiod would be removed under them`,
        fix: `point a revision tag at "${revision.name}" for as long as the VMs run on it (and give the VM group that tag), or move the VM group to "${newestRelease(installed).name}"`,
      }];
    }
  }
  return [];
}
