import type { InstallInputs } from '../install-inputs';

/**
 * Adds the cluster-local services to the mesh config of the istiods that own one (`meshConfig.serviceSettings`
 * with `settings.clusterLocal: true`): the Helm values and IstioOperators that set `global.meshID`. Remote
 * installs read their mesh config from the istiod that serves them, so they get none.
 *
 * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig-ServiceSettings
 */
export function withServiceSettings(inputs: InstallInputs, clusterLocalHosts: readonly string[]): InstallInputs {
  if (clusterLocalHosts.length === 0) return inputs;
  const serviceSettings = [{ settings: { clusterLocal: true }, hosts: [...clusterLocalHosts] }];
  const ownsMeshConfig = (values: any) => values?.global?.meshID !== undefined;
  return {
    ...inputs,
    releases: inputs.releases.map((r) => (ownsMeshConfig(r.values)
      ? { ...r, values: { ...r.values, meshConfig: { ...(r.values.meshConfig as object), serviceSettings } } } : r)),
    istioOperators: inputs.istioOperators.map((o) => {
      const spec = o.manifest.spec as any;
      return ownsMeshConfig(spec?.values)
        ? { ...o, manifest: { ...o.manifest, spec: { ...spec, meshConfig: { ...spec.meshConfig, serviceSettings } } } } : o;
    }),
  };
}
