import { ApiObject, JsonPatch } from 'cdk8s';
import type { Cluster } from '../cluster';
import { ControlPlaneModel } from '../control-plane';
import { IstioGatewayChart } from '../gateway-chart';
import { INJECTION_LABEL } from '../istio';
import { didYouMean } from '../names';
import { Phase } from '../phase';
import type { Problem } from '../problem';
import { RevisionedIstiodExposure } from './revisioned-istiod-exposure';
import { Revision, RevisionProps, RevisionTag } from './revision';
import { sailRevisionBasedProblems, SailUpdateStrategy } from './sail-revision-based';

/** Label selecting a control-plane revision or tag (istio/api label/labels.yaml, Beta). */
export const REVISION_LABEL = 'istio.io/rev';

/** What the registry needs to know of the mesh (kept narrow: the mesh owns the registry). */
export interface RevisionsHost {
  readonly clusters: readonly Cluster[];
  /** Whether Istio is installed through the Sail Operator (`argoCd.istioInstall: sailOperator`). */
  readonly argoCd?: { readonly istioInstall?: string };
  /** The revisions VM groups join on a cluster (src/vm/mesh-vm-groups.ts). */
  readonly vmGroups?: { revisionsJoining(cluster: Cluster): readonly Revision[] };
}

/**
 * The control-plane revisions and revision tags of a mesh, declared once and followed by every output:
 * a revisioned istiod release per revision on every primary (and the revisioned remote install on every
 * remote), the tags on the release of the revision they point at, namespaces labelled `istio.io/rev`
 * instead of `istio-injection` (never both: the docs say the latter "takes precedence"), each revision's
 * istiod exposed on a primary's east-west gateway for its remotes, and gateway pods on a chosen revision.
 * With no revision declared nothing changes (the unrevisioned `istiod` of the docs).
 *
 * @see https://istio.io/latest/docs/setup/upgrade/canary/
 * @see https://istio.io/latest/docs/setup/upgrade/helm/#canary-upgrade-recommended
 */
export class MeshRevisions {
  private readonly _revisions: Revision[] = [];
  private readonly _tags: RevisionTag[] = [];
  private _workloads?: string;
  private _gateways?: string;

  /**
   * How the Sail Operator output installs the revisions (only with `argoCd.istioInstall: sailOperator`).
   * @default SailUpdateStrategy.IN_PLACE (one `Istio` per revision)
   */
  public sailUpdateStrategy?: SailUpdateStrategy;

  constructor(private readonly mesh: RevisionsHost) {}

  /** Declares a revision (`istiod-<name>` on every primary). */
  public add(name: string, props: RevisionProps = {}): Revision {
    const r = new Revision(name, props);
    this._revisions.push(r);
    return r;
  }

  /** Declares a tag pointing at a revision (by object or name). */
  public addTag(name: string, revision: Revision | string): RevisionTag {
    const t = new RevisionTag(name, typeof revision === 'string' ? revision : revision.name);
    this._tags.push(t);
    return t;
  }

  /**
   * The tag or revision the mesh's namespaces (applications, verification samples) are labelled with.
   * @default the first tag, else the last revision declared
   */
  public set workloadRevision(name: string | undefined) { this._workloads = name; }
  public get workloadRevision(): string | undefined {
    return this._workloads ?? this._tags[0]?.name ?? this._revisions[this._revisions.length - 1]?.name;
  }

  /**
   * The tag or revision gateway pods are injected by (pod label `istio.io/rev`, as the gateway chart's
   * `revision` value renders it). @default the workload revision
   */
  public set gatewayRevision(name: string | undefined) { this._gateways = name; }
  public get gatewayRevision(): string | undefined {
    return this._gateways ?? this.workloadRevision;
  }

  /** Whether the mesh runs revisioned control planes. */
  public get enabled(): boolean { return this._revisions.length > 0; }
  public get revisions(): readonly Revision[] { return this._revisions; }
  public get tags(): readonly RevisionTag[] { return this._tags; }

  /** The revision a tag or revision name resolves to. */
  public resolve(name: string): Revision | undefined {
    const tag = this._tags.find((t) => t.name === name);
    return this._revisions.find((r) => r.name === (tag ? tag.revision : name));
  }

  /**
   * The revisions installed on a cluster: those its `revisions` names (a canary cluster by cluster), else
   * every revision of the mesh.
   */
  public installedOn(cluster: Cluster): readonly Revision[] {
    const names = cluster.revisions;
    return names === undefined ? this._revisions : this._revisions.filter((r) => names.includes(r.name));
  }

  /** The tags pointing at a revision. */
  public tagsOf(revision: Revision): string[] {
    return this._tags.filter((t) => t.revision === revision.name).map((t) => t.name);
  }

  /**
   * The injection label of a mesh namespace: `istio.io/rev=<tag>` with revisions, else the docs'
   * `istio-injection=enabled`.
   */
  public namespaceLabels(): { [key: string]: string } {
    return this.enabled ? { [REVISION_LABEL]: this.workloadRevision! } : { [INJECTION_LABEL]: 'enabled' };
  }

  /** Every problem of the declared revisions and tags, at once. */
  public problems(): Problem[] {
    const problems: Problem[] = [];
    const names = this._revisions.map((r) => r.name);
    const seen = new Set<string>();
    this._revisions.forEach((r, i) => {
      problems.push(...r.problems(`revisions[${i}]`));
      if (seen.has(r.name)) {
        problems.push({ field: `revisions[${i}].name`, value: r.name, message: 'is declared twice', fix: 'remove the duplicate revision or rename it' });
      }
      seen.add(r.name);
    });
    const tagNames = new Set<string>();
    this._tags.forEach((t, i) => {
      const field = `revisionTags[${i}]`;
      problems.push(...t.problems(field));
      if (tagNames.has(t.name)) {
        problems.push({ field: `${field}.name`, value: t.name, message: 'is declared twice: a tag points at one revision', fix: 'remove the duplicate tag; to move a tag, change its revision' });
      }
      tagNames.add(t.name);
      if (names.includes(t.name)) {
        problems.push({ field: `${field}.name`, value: t.name, message: 'is also a revision name: istio.io/rev would be ambiguous', fix: 'rename the tag, e.g. "prod-stable"' });
      }
      if (!names.includes(t.revision)) {
        const hint = didYouMean(t.revision, names);
        problems.push({
          field: `${field}.revision`, value: t.revision,
          message: names.length === 0 ? 'names a revision, but the mesh declares none' : 'names a revision the mesh does not declare (a tag must be moved before its revision is removed)',
          allowed: names.length > 0 ? names.map((n) => JSON.stringify(n)).join(', ') : undefined,
          fix: hint ? `did you mean "${hint}"?` : names.length > 0 ? `point the tag at one of the declared revisions` : 'declare the revision under revisions:',
        });
      }
    });
    const selectable = [...this._tags.map((t) => t.name), ...names];
    for (const [field, value] of [['workloadRevision', this._workloads], ['gatewayRevision', this._gateways]] as const) {
      if (value !== undefined && !this.resolve(value)) {
        problems.push({
          field, value,
          message: 'names no declared tag or revision (namespaces and gateways still using a revision keep it from being removed)',
          allowed: selectable.length > 0 ? selectable.map((n) => JSON.stringify(n)).join(', ') : 'none declared',
          fix: didYouMean(value, selectable) ? `did you mean "${didYouMean(value, selectable)}"?` : 'move namespaces to a declared tag first, then remove the old revision',
        });
      }
    }
    for (const c of this.mesh.clusters) problems.push(...this.clusterProblems(c));
    problems.push(...sailRevisionBasedProblems(this.sailUpdateStrategy, this.mesh.argoCd?.istioInstall === 'sailOperator', this._revisions,
      this.mesh.clusters.filter((c) => c.controlPlane.model !== ControlPlaneModel.EXTERNAL), (c) => this.installedOn(c as Cluster)));
    if (this.enabled) {
      for (const c of this.mesh.clusters) {
        if (c.controlPlane.model === ControlPlaneModel.EXTERNAL) {
          problems.push({
            cluster: c.name, field: 'controlPlane', value: 'external',
            message: 'hosts an external control plane, which this library installs unrevisioned only',
            fix: 'remove revisions/revisionTags from the mesh, or run the control plane on a primary',
          });
        }
      }
    }
    return problems;
  }

  /** Problems of a cluster's `revisions` (the subset installed there). */
  private clusterProblems(c: Cluster): Problem[] {
    const names = c.revisions;
    if (names === undefined) return [];
    const declared = this._revisions.map((r) => r.name);
    const problems: Problem[] = [];
    names.forEach((n, i) => {
      if (!declared.includes(n)) {
        const hint = didYouMean(n, declared);
        problems.push({
          cluster: c.name, field: `revisions[${i}]`, value: n, message: 'names a revision the mesh does not declare',
          allowed: declared.length > 0 ? declared.map((d) => JSON.stringify(d)).join(', ') : 'none declared',
          fix: hint ? `did you mean "${hint}"?` : 'declare it under the mesh\'s revisions, or remove it here',
        });
        return;
      }
      const primary = c.controlPlane.model === ControlPlaneModel.REMOTE ? c.controlPlane.servedBy : undefined;
      if (primary && primary.revisions !== undefined && !primary.revisions.includes(n)) {
        problems.push({
          cluster: c.name, field: `revisions[${i}]`, value: n,
          message: `asks for a revision its primary "${primary.name}" does not run: the remote's istiod-${n} Service would point at nothing`,
          allowed: primary.revisions.map((d) => JSON.stringify(d)).join(', ') || 'none',
          fix: `add "${n}" to the revisions of cluster "${primary.name}" first (control planes before remotes), or remove it here`,
        });
      }
    });
    for (const [field, value] of [['workloadRevision', this.workloadRevision], ['gatewayRevision', this.gatewayRevision]] as const) {
      const r = value === undefined ? undefined : this.resolve(value);
      if (r && declared.includes(r.name) && !names.includes(r.name)) {
        problems.push({
          cluster: c.name, field: 'revisions', value: [...names],
          message: `lacks revision "${r.name}", which ${field} "${value}" resolves to: this cluster's namespaces or gateways would not be injected`,
          fix: `add "${r.name}" to this cluster's revisions, or keep the tag on a revision every cluster runs`,
        });
      }
    }
    return problems;
  }

  /**
   * The revisions whose istiod a primary exposes on its east-west gateway, in declaration order, each once:
   * every installed revision when it serves remotes (a remote may run any of them), else those its VM
   * groups join (a VM reaches only its own revision, `istiod-<rev>` in its hosts file).
   */
  public exposedOn(cluster: Cluster): readonly Revision[] {
    if (cluster.controlPlane.model !== ControlPlaneModel.PRIMARY) return [];
    const installed = this.installedOn(cluster);
    if (cluster.servedClusters.length > 0) return installed;
    const vms = this.mesh.vmGroups?.revisionsJoining(cluster) ?? [];
    return installed.filter((r) => vms.includes(r));
  }

  /**
   * Places the revision objects: each revision's istiod exposed on every primary serving remotes or
   * joined by VMs (expose-istiod-rev.yaml.tmpl, exposedOn), gateway pods labelled with the gateway revision, and the Sail
   * `IstioRevisionTag`s where Sail installs Istio.
   */
  public build(sail: boolean): void {
    if (!this.enabled) return;
    const gatewayRevision = this.gatewayRevision!;
    for (const cluster of this.mesh.clusters) {
      this.exposedOn(cluster).forEach((r, i) => new RevisionedIstiodExposure(cluster, `ExposeIstiod-${r.name}`, {
        namespace: cluster.controlPlaneNamespace, revision: r.name, withGateway: i === 0,
      }));
      // The gateway chart's `revision` value: pod label istio.io/rev (gateway/_helpers.tpl sidecarInjectionLabels).
      for (const chart of cluster.node.findAll().filter((n): n is IstioGatewayChart => n instanceof IstioGatewayChart)) {
        for (const obj of chart.node.findAll().filter((n): n is ApiObject => n instanceof ApiObject && n.kind === 'Deployment')) {
          obj.addJsonPatch(JsonPatch.add('/spec/template/metadata/labels/istio.io~1rev', gatewayRevision));
        }
      }
      if (sail && cluster.controlPlane.model !== ControlPlaneModel.EXTERNAL) {
        const installed = this.installedOn(cluster).map((r) => r.name);
        for (const t of this._tags.filter((x) => installed.includes(x.revision))) {
          new ApiObject(cluster, `SailRevisionTag-${t.name}`, {
            apiVersion: 'sailoperator.io/v1', kind: 'IstioRevisionTag',
            metadata: { name: t.name },
            // InPlace: kind Istio, Sail follows the Istio's active revision; the Istio is named after the revision.
            // RevisionBased: the one Istio's active revision is only the newest, so the tag names the
            // IstioRevision itself (the revision's name is Sail's, sailRevisionBasedProblems): a tag keeps
            // its revision in use, and so alive, exactly as long as the topology points it there, and
            // istio.io/rev=<tag> namespaces are injected by that revision's istiod as with Helm's revisionTags.
            spec: { targetRef: this.sailUpdateStrategy === SailUpdateStrategy.REVISION_BASED ? { kind: 'IstioRevision', name: t.revision } : { kind: 'Istio', name: t.revision } },
          });
        }
      }
    }
    for (const cluster of this.mesh.clusters) {
      for (const n of cluster.node.findAll()) {
        if (n instanceof ApiObject && n.kind === 'IstioRevisionTag') Phase.assign(n, Phase.ISTIO);
      }
    }
  }
}
