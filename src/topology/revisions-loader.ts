import { AmbientProps, DataPlaneMode } from '../ambient/mesh-ambient';
import type { Mesh } from '../mesh';
import type { SailUpdateStrategy } from '../revisions/sail-revision-based';

/** The revision and data-plane fields of a topology document (see topology.schema.json, `$defs.revision`). */
export interface TopologyRevisions {
  readonly revisions?: readonly { readonly name: string; readonly version?: string }[];
  readonly revisionTags?: readonly { readonly name: string; readonly revision: string }[];
  readonly workloadRevision?: string;
  readonly gatewayRevision?: string;
  readonly sailUpdateStrategy?: 'InPlace' | 'RevisionBased';
  readonly dataPlaneMode?: 'sidecar' | 'ambient';
  readonly ambient?: AmbientProps;
}

/** The mesh props of the data-plane fields (given at construction). */
export function meshAmbientProps(doc: TopologyRevisions): { dataPlaneMode?: DataPlaneMode; ambient?: AmbientProps } {
  return { dataPlaneMode: dataPlaneModeOf(doc.dataPlaneMode) ?? DataPlaneMode.SIDECAR, ambient: doc.ambient };
}

/** A file's `dataPlaneMode` (mesh or cluster) as the enum; undefined when not written. */
export function dataPlaneModeOf(mode: 'sidecar' | 'ambient' | undefined): DataPlaneMode | undefined {
  if (mode === undefined) return undefined;
  return mode === 'ambient' ? DataPlaneMode.AMBIENT : DataPlaneMode.SIDECAR;
}

/**
 * Declares a topology's revisions and tags on the mesh, in file order (the order of Helm releases and
 * IstioOperators). Their problems come from the mesh's validation, with the file's field paths.
 */
export function addTopologyRevisions(mesh: Mesh, doc: TopologyRevisions): void {
  for (const r of doc.revisions ?? []) mesh.addRevision(r.name, { version: r.version });
  for (const t of doc.revisionTags ?? []) mesh.addRevisionTag(t.name, t.revision);
  mesh.revisions.workloadRevision = doc.workloadRevision;
  mesh.revisions.gatewayRevision = doc.gatewayRevision;
  mesh.revisions.sailUpdateStrategy = doc.sailUpdateStrategy as SailUpdateStrategy | undefined;
}
