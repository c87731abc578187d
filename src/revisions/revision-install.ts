import type { HelmRelease, InstallInputs, IstioOperatorInput } from '../install-inputs';
import type { MeshRevisions } from './mesh-revisions';
import type { Revision } from './revision';

/**
 * Install inputs with revisioned control planes: the cluster's one `istiod` release becomes one release
 * `istiod-<rev>` per revision (values `revision: <rev>` and `revisionTags` of the tags pointing at it,
 * its own chart version), as the Helm canary docs install them; the IstioOperator becomes one per revision
 * (`spec.revision`, as `istioctl install --set revision=<rev>`). On a primary the base chart's
 * `defaultRevision` names the revision the workload tag resolves to, so `istiod-default-validator` calls a
 * Service that exists (`istiod-<rev>`; base/templates/defaultrevision-validatingwebhookconfiguration.yaml).
 * Remotes get the same per-revision split with `profile: remote`: the chart renders Service and
 * EndpointSlice `istiod-<rev>` and MWC `istio-sidecar-injector-<rev>` there.
 *
 * `installed` is the cluster's subset of the mesh's revisions (MeshRevisions.installedOn).
 * Inputs of a cluster without an `istiod` release (none today) are returned as they are.
 *
 * @see https://istio.io/latest/docs/setup/upgrade/helm/#canary-upgrade-recommended
 */
export function withRevisions(inputs: InstallInputs, revisions: MeshRevisions, installed: readonly Revision[] = revisions.revisions): InstallInputs {
  if (!revisions.enabled) return inputs;
  const istiod = inputs.releases.filter((r) => r.chart === 'istiod');
  if (istiod.length !== 1) return inputs;
  const remote = istiod[0].values.profile === 'remote';
  const defaultRevision = remote ? undefined : revisions.resolve(revisions.workloadRevision!)?.name;
  const perRevision = (r: (typeof revisions.revisions)[number]) => {
    const tags = revisions.tagsOf(r);
    return { revision: r.name, ...(tags.length > 0 ? { revisionTags: tags } : {}) };
  };
  const releases: HelmRelease[] = [];
  for (const release of inputs.releases) {
    if (release.chart === 'base') {
      releases.push(defaultRevision ? { ...release, values: { ...release.values, defaultRevision } } : release);
      continue;
    }
    if (release.chart !== 'istiod') {
      // ztunnel is upgraded in place and talks to one istiod (CA_ADDRESS istiod-<rev>, ztunnel/templates/
      // daemonset.yaml): the revision the workloads' tag resolves to (docs ambient/upgrade/helm).
      const workload = revisions.resolve(revisions.workloadRevision!)?.name;
      releases.push(release.chart === 'ztunnel' && workload ? { ...release, values: { ...release.values, revision: workload } } : release);
      continue;
    }
    for (const r of installed) {
      releases.push({
        ...release,
        name: `istiod-${r.name}`,
        file: `helm-values-istiod-${r.name}.yaml`,
        values: { ...release.values, ...perRevision(r) },
        ...(r.version !== inputs.istioVersion ? { version: r.version } : {}),
      });
    }
  }
  const istioOperators: IstioOperatorInput[] = [];
  for (const o of inputs.istioOperators) {
    const spec = o.manifest.spec as Record<string, any>;
    const metadata = o.manifest.metadata as Record<string, any>;
    for (const r of installed) {
      const { revisionTags } = perRevision(r);
      istioOperators.push({
        file: o.file.replace(/\.yaml$/, `-${r.name}.yaml`),
        manifest: {
          ...o.manifest,
          metadata: { ...metadata, name: `${metadata.name}-${r.name}` },
          spec: {
            ...spec,
            revision: r.name,
            ...(r.version !== inputs.istioVersion ? { tag: r.version } : {}),
            values: { ...spec.values, ...(defaultRevision ? { defaultRevision } : {}), ...(revisionTags ? { revisionTags } : {}) },
          },
        },
      });
    }
  }
  return { ...inputs, releases, istioOperators };
}
