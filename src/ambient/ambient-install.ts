import type { HelmRelease, InstallInputs } from '../install-inputs';

/** What the ambient install values of one cluster depend on. */
export interface AmbientInstallFacts {
  readonly clusterName: string;
  readonly network: string;
  /** `AMBIENT_ENABLE_MULTI_NETWORK=true` on istiod (the mesh spans several networks). */
  readonly multiNetwork: boolean;
  /** `AMBIENT_ENABLE_MULTI_NETWORK_INGRESS=true` on istiod (ingress gateways reach other networks). */
  readonly ingressAcrossNetworks?: boolean;
}

/**
 * Install inputs of an ambient cluster, as the ambient multi-primary multi-network docs install it:
 * istiod with `profile: ambient` (and `env.AMBIENT_ENABLE_MULTI_NETWORK: "true"` across networks), then
 * the `cni` chart (`profile: ambient`) and the `ztunnel` chart with the cluster's name and network, which
 * ztunnel otherwise takes as `Kubernetes` and "" (ztunnel/templates/daemonset.yaml `ISTIO_META_CLUSTER_ID`).
 * The IstioOperator gets the docs' `profile: ambient` and `components.pilot.k8s.env`; istioctl renders
 * cni and ztunnel from that profile, with clusterName and network from `values.global` (the charts
 * flatten `global` onto their own values, zzz_profile.yaml).
 *
 * @see https://istio.io/latest/docs/ambient/install/multicluster/multi-primary_multi-network/
 */
export function withAmbient(inputs: InstallInputs, f: AmbientInstallFacts | undefined): InstallInputs {
  if (!f) return inputs;
  const env = f.multiNetwork
    ? { AMBIENT_ENABLE_MULTI_NETWORK: 'true', ...(f.ingressAcrossNetworks ? { AMBIENT_ENABLE_MULTI_NETWORK_INGRESS: 'true' } : {}) }
    : undefined;
  const releases: HelmRelease[] = [];
  for (const r of inputs.releases) {
    if (r.chart !== 'istiod') {
      releases.push(r);
      continue;
    }
    releases.push({ ...r, values: { profile: 'ambient', ...r.values, ...(env ? { env: { ...(r.values.env as object), ...env } } : {}) } });
  }
  const namespace = inputs.releases[0].namespace;
  releases.push(
    { name: 'istio-cni', chart: 'cni', namespace, file: 'helm-values-cni.yaml', values: { profile: 'ambient' } },
    {
      name: 'ztunnel', chart: 'ztunnel', namespace, file: 'helm-values-ztunnel.yaml',
      values: { multiCluster: { clusterName: f.clusterName }, global: { network: f.network } },
    },
  );
  return {
    ...inputs,
    releases,
    istioOperators: inputs.istioOperators.map((o) => {
      const spec = o.manifest.spec as Record<string, any>;
      const pilotEnv = env ? Object.entries(env).map(([name, value]) => ({ name, value })) : undefined;
      const components = pilotEnv
        ? { ...spec.components, pilot: { ...spec.components?.pilot, k8s: { ...spec.components?.pilot?.k8s, env: [...(spec.components?.pilot?.k8s?.env ?? []), ...pilotEnv] } } }
        : spec.components;
      return { ...o, manifest: { ...o.manifest, spec: { profile: 'ambient', ...spec, ...(components ? { components } : {}) } } };
    }),
  };
}
