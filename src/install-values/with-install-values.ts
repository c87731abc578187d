import type { InstallInputs } from '../install-inputs';
import { ChartValues, InstallValues, mergedChartValues, mergeValues, VALUES_SECTIONS } from './install-values';

/** istiod chart values in the `values` API's shape: pilot keys under `pilot`. */
export function istiodChartToValuesApi(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(values)) {
    if (k === 'pilot') out.pilot = mergeValues(out.pilot, v);
    else if (VALUES_SECTIONS.has(k)) out[k] = mergeValues(out[k], v);
    else out.pilot = mergeValues(out.pilot, { [k]: v });
  }
  return out;
}

/**
 * The user's install values merged into every form of a cluster's install inputs: each Helm release of the
 * base and istiod charts (and so the Argo CD `valuesObject`, and the Sail `Istio` made from the releases),
 * and each IstioOperator, mapped as istioctl reads it: `meshConfig` to `spec.meshConfig`, istiod's pilot
 * values to `spec.values.pilot`, the rest (`global`, `base`, ...) to `spec.values`. Layers are merged in
 * order (mesh-wide, then the cluster's), over what synth derives. Derived values cannot be overridden
 * (installValuesProblems refuses them), so the merge never contradicts the model.
 */
export function withInstallValues(inputs: InstallInputs, layers: readonly (InstallValues | undefined)[]): InstallInputs {
  const user: ChartValues = mergedChartValues(layers);
  if (Object.keys(user.base).length === 0 && Object.keys(user.istiod).length === 0) return inputs;
  const { meshConfig, ...istiodApi } = istiodChartToValuesApi(user.istiod) as Record<string, unknown> & { meshConfig?: unknown };
  const operatorValues = mergeValues(user.base, istiodApi);
  return {
    ...inputs,
    // Only base and istiod take install values; the ambient cni and ztunnel releases keep what synth derives.
    releases: inputs.releases.map((r) => (r.chart === 'base' || r.chart === 'istiod' ? { ...r, values: mergeValues(r.values, user[r.chart]) } : r)),
    istioOperators: inputs.istioOperators.map((o) => {
      const spec = (o.manifest.spec ?? {}) as Record<string, unknown>;
      const merged: Record<string, unknown> = { ...spec };
      if (meshConfig !== undefined) merged.meshConfig = mergeValues(spec.meshConfig, meshConfig);
      if (Object.keys(operatorValues).length > 0) merged.values = mergeValues(spec.values, operatorValues);
      return { ...o, manifest: { ...o.manifest, spec: merged } };
    }),
  };
}
