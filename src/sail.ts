import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { IstioSpecProfile } from '../imports/sail-istio-sailoperator.io';
import type { HelmRelease } from './install-inputs';
import { istiodChartToValuesApi } from './install-values/with-install-values';
import { mergeValues } from './install-values/install-values';
import { ISTIO_SYSTEM_NAMESPACE } from './istio';
import { Phase } from './phase';


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
    const namespaces = [...new Set(props.releases.map((r) => r.namespace))];
    for (const namespace of namespaces) {
      const { profile, values } = sailValues(props.releases.filter((r) => r.namespace === namespace));
      // A plain ApiObject with the imported GVK rather than the generated L1 class: the L1's toJson maps
      // the values through its camelCase types (`meshID` -> `meshId`) and drops what it cannot map,
      // even from JSON patches. Helm values must reach Sail verbatim.
      // The Sail import (~1 MB) is loaded only by meshes that use the Sail Operator.
      const { Istio, IstioSpecUpdateStrategyType, IstioSpecVersion }: typeof import('../imports/sail-istio-sailoperator.io') = require('../imports/sail-istio-sailoperator.io');
      new ApiObject(this, namespace, {
        ...Istio.GVK,
        metadata: { name: namespace === ISTIO_SYSTEM_NAMESPACE ? 'default' : namespace },
        spec: {
          version: IstioSpecVersion.V1_30_3,
          namespace,
          // The CRD's default, written out: the API server adds it, and a diff without it never settles.
          updateStrategy: { type: IstioSpecUpdateStrategyType.IN_PLACE },
          ...(profile ? { profile: profile as IstioSpecProfile } : {}),
          ...(Object.keys(values).length > 0 ? { values } : {}),
        },
      });
    }
    Phase.assign(this, Phase.ISTIO);
  }
}
