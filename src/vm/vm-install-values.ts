import type { InstallInputs } from '../install-inputs';

/**
 * istiod env the VM docs set on the cluster VMs join (ISTIO-MULTICLUSTER-FACTS §3.3): autoregistration
 * of WorkloadEntries and their health checks. Both default to true since Istio 1.10; they are written
 * anyway, as the docs do, so that an install with other defaults (or an override) cannot silently break VMs.
 * @see https://istio.io/latest/docs/setup/install/virtual-machine/#install-the-istio-control-plane
 */
export const VM_PILOT_ENV: Readonly<Record<string, string>> = {
  PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION: 'true',
  PILOT_ENABLE_WORKLOAD_ENTRY_HEALTHCHECKS: 'true',
};

/**
 * Adds VM_PILOT_ENV to the istiod of a cluster VMs join: the istiod chart's `env` (Sail's `values.pilot.env`
 * is made from it) and the IstioOperator's `values.pilot.env`. Other installs are returned unchanged.
 */
export function withVmInstallValues(inputs: InstallInputs, joinedByVms: boolean): InstallInputs {
  if (!joinedByVms) return inputs;
  return {
    ...inputs,
    releases: inputs.releases.map((r) => (r.chart === 'istiod'
      ? { ...r, values: { ...r.values, env: { ...(r.values.env as object), ...VM_PILOT_ENV } } } : r)),
    istioOperators: inputs.istioOperators.map((o) => {
      const spec = o.manifest.spec as any;
      const values = spec?.values ?? {};
      return { ...o, manifest: { ...o.manifest, spec: { ...spec, values: { ...values, pilot: { ...values.pilot, env: { ...values.pilot?.env, ...VM_PILOT_ENV } } } } } };
    }),
  };
}
