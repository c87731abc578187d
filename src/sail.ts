import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { IstioSpecProfile } from '../imports/sail-istio-sailoperator.io';
import type { HelmRelease } from './install-inputs';
import { istiodChartToValuesApi } from './install-values/with-install-values';
import { mergeValues } from './install-values/install-values';
import { ISTIO_SYSTEM_NAMESPACE } from './istio';
import { Phase } from './phase';
import { newestRelease, revisionBasedUpdateStrategy, sailIstioName, SailUpdateStrategy } from './revisions/sail-revision-based';


/**
 * The Sail Operator `Istio` resource of one control-plane namespace, equivalent to the Helm releases of
 * that namespace: Sail's `values` mirror the charts' values (base and istiod share `global`, merged as
 * Helm merges), except that the istiod chart's top-level pilot values (`env`, `volumes`, `resources`, ...)
 * are written under `pilot` (where Istio's charts also accept them) and `profile` is a field of the spec.
 */
export function sailValues(releases: readonly HelmRelease[]): { profile?: string; values: Record<string, any> } {
  let values: Record<string, any> = {};
  let profile: string | undefined;
  for (const r of releases) {
    const { profile: p, ...rest } = r.chart === 'istiod' ? istiodChartToValuesApi(r.values) : r.values;
    if (p !== undefined) profile = p as string;
    values = mergeValues(values, rest);
  }
  return { profile, values };
}

/** Props of {@link SailIstio}. */
export interface SailIstioProps {
  /** The Helm releases of the cluster (grouped here by namespace). */
  readonly releases: readonly HelmRelease[];
  /**
   * How revisioned releases are installed (src/revisions/sail-revision-based.ts).
   * @default SailUpdateStrategy.IN_PLACE
   */
  readonly updateStrategy?: SailUpdateStrategy;
}

/**
 * Sail Operator `Istio` resources (cluster-scoped, `sailoperator.io/v1`) for a cluster, one per
 * control-plane namespace of its Helm releases: `default` for `istio-system`, else the namespace's name.
 *
 * @see https://github.com/istio-ecosystem/sail-operator/blob/main/docs/README.md
 */
export class SailIstio extends Construct {
  constructor(scope: Construct, id: string, props: SailIstioProps) {
    super(scope, id);
    // cni and ztunnel have their own Sail resources (IstioCNI, ZTunnel: src/ambient).
    const releases = props.releases.filter((r) => r.chart === 'base' || r.chart === 'istiod');
    const namespaces = [...new Set(releases.map((r) => r.namespace))];
    const revisionBased = props.updateStrategy === SailUpdateStrategy.REVISION_BASED;
    // Revisioned releases (src/revisions) give one Istio per revision, named after it: Sail names the
    // IstioRevision after an InPlace Istio, so istiod-<rev> and istio.io/rev=<rev> are the Helm path's.
    // Tags become IstioRevisionTags (src/revisions/mesh-revisions.ts), not values.
    const groups = namespaces.flatMap((namespace) => {
      const inNamespace = releases.filter((r) => r.namespace === namespace);
      const revisioned = inNamespace.filter((r) => typeof r.values.revision === 'string');
      if (revisioned.length === 0) return [{ namespace, name: namespace === ISTIO_SYSTEM_NAMESPACE ? 'default' : namespace, releases: inNamespace, version: undefined as string | undefined, revisionBasedGroup: false }];
      const shared = inNamespace.filter((r) => !revisioned.includes(r));
      if (revisionBased) {
        // One Istio at the newest revision's version: Sail creates that IstioRevision beside the older
        // ones, which it keeps while tags or namespaces use them (src/revisions/sail-revision-based.ts).
        const newest = newestRelease(revisioned);
        const { revision, revisionTags, ...values } = newest.values;
        return [{ namespace, name: sailIstioName(namespace), releases: [...shared, { ...newest, values }], version: newest.version, revisionBasedGroup: true }];
      }
      return revisioned.map((r) => {
        const { revision, revisionTags, ...values } = r.values;
        return { namespace, name: revision as string, releases: [...shared, { ...r, values }], version: r.version, revisionBasedGroup: false };
      });
    });
    for (const { namespace, name, releases, version, revisionBasedGroup } of groups) {
      const { profile, values } = sailValues(releases);
      // A plain ApiObject with the imported GVK rather than the generated L1 class: the L1's toJson maps
      // the values through its camelCase types (`meshID` -> `meshId`) and drops what it cannot map,
      // even from JSON patches. Helm values must reach Sail verbatim.
      // The Sail import (~1 MB) is loaded only by meshes that use the Sail Operator.
      const { Istio, IstioSpecUpdateStrategyType, IstioSpecVersion }: typeof import('../imports/sail-istio-sailoperator.io') = require('../imports/sail-istio-sailoperator.io');
      new ApiObject(this, name === 'default' || name === namespace ? namespace : `${namespace}-${name}`, {
        ...Istio.GVK,
        metadata: { name },
        spec: {
          version: version ? `v${version}` as typeof IstioSpecVersion.V1_30_3 : IstioSpecVersion.V1_30_3,
          namespace,
          // The CRD's default, written out: the API server adds it, and a diff without it never settles.
          updateStrategy: revisionBasedGroup ? revisionBasedUpdateStrategy() : { type: IstioSpecUpdateStrategyType.IN_PLACE },
          ...(profile ? { profile: profile as IstioSpecProfile } : {}),
          ...(Object.keys(values).length > 0 ? { values } : {}),
        },
      });
    }
    Phase.assign(this, Phase.ISTIO);
  }
}
