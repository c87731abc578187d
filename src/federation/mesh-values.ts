import type { InstallInputs } from '../install-inputs';
import type { Mesh } from '../mesh';

/**
 * Install values a feature adds to every istiod that owns a mesh config (the Helm values and IstioOperators
 * that set `global.meshID`; Sail's `Istio` is made from the Helm values, Argo CD's valuesObject too).
 */
export interface MeshValues {
  /** Merged into `meshConfig` (objects merged key by key, arrays and scalars replaced). */
  readonly meshConfig?: Record<string, unknown>;
  /** istiod environment: chart value `env` (IstioOperator: `values.pilot.env`). */
  readonly pilotEnv?: Record<string, string>;
  /** Merged into `global` (e.g. `meshNetworks`). */
  readonly global?: Record<string, unknown>;
}

type Source = () => MeshValues;
const sources = new WeakMap<Mesh, Source[]>();

/** Registers a feature's values for a mesh (federation membership, tenancy); read at install-input time. */
export function addMeshValues(mesh: Mesh, source: Source): void {
  const list = sources.get(mesh);
  if (list) list.push(source);
  else sources.set(mesh, [source]);
}

/** Every registered feature's values of a mesh, merged in registration order. */
export function meshValuesOf(mesh: Mesh): MeshValues {
  let merged: MeshValues = {};
  for (const s of sources.get(mesh) ?? []) {
    const v = s();
    merged = {
      meshConfig: mergeObjects(merged.meshConfig, v.meshConfig),
      pilotEnv: { ...merged.pilotEnv, ...v.pilotEnv },
      global: mergeObjects(merged.global, v.global),
    };
  }
  return merged;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A deep merge of plain objects: `b` wins, arrays are replaced. */
export function mergeObjects(a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!b) return a;
  if (!a) return b;
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isObject(out[k]) && isObject(v) ? mergeObjects(out[k] as any, v) : v;
  return out;
}

/**
 * Returns `inputs` with the mesh's feature values merged into every form that owns a mesh config, like
 * withServiceSettings. Remote installs read their mesh config from the istiod serving them: untouched.
 */
export function withMeshValues(inputs: InstallInputs, values: MeshValues): InstallInputs {
  const nonEmpty = <T extends object>(o: T | undefined) => (o && Object.keys(o).length > 0 ? o : undefined);
  const env = nonEmpty(values.pilotEnv);
  values = { meshConfig: nonEmpty(values.meshConfig), global: nonEmpty(values.global) };
  if (!values.meshConfig && !env && !values.global) return inputs;
  const ownsMeshConfig = (v: any) => v?.global?.meshID !== undefined;
  const mergeValues = (v: any, envKey: 'top' | 'pilot') => {
    const out: any = { ...v };
    if (values.global) out.global = mergeObjects(v.global, values.global);
    if (env) {
      if (envKey === 'top') out.env = { ...v.env, ...env };
      else out.pilot = { ...v.pilot, env: { ...v.pilot?.env, ...env } };
    }
    return out;
  };
  return {
    ...inputs,
    releases: inputs.releases.map((r) => (ownsMeshConfig(r.values)
      ? { ...r, values: { ...mergeValues(r.values, 'top'), ...(values.meshConfig ? { meshConfig: mergeObjects(r.values.meshConfig as any, values.meshConfig) } : {}) } }
      : r)),
    istioOperators: inputs.istioOperators.map((o) => {
      const spec = o.manifest.spec as any;
      if (!ownsMeshConfig(spec?.values)) return o;
      // The IstioOperator of an external control plane sets env on k8s.env (see install-inputs.ts); pilot.env
      // is the values form istioctl maps onto the same container.
      return {
        ...o,
        manifest: {
          ...o.manifest,
          spec: { ...spec, values: mergeValues(spec.values, 'pilot'), ...(values.meshConfig ? { meshConfig: mergeObjects(spec.meshConfig, values.meshConfig) } : {}) },
        },
      };
    }),
  };
}
