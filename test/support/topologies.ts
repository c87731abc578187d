/**
 * Small topology texts for the hostile-input tests: a valid mesh of two primaries on one network (or an
 * external control plane) with one field changed, written as JSON (valid YAML) so that every string
 * reaches synth exactly as written, control characters included.
 */

/** A primary cluster on network1 with an API server URL, plus `more`. */
export function primary(name: string, more: Record<string, unknown> = {}): Record<string, unknown> {
  return { clusterName: name, network: 'network1', apiServer: `https://${name}.k8s.example.com:6443`, ...more };
}

/** The topology text of a mesh of `clusters` with mesh-level `extra` settings. */
export function meshText(clusters: Record<string, unknown>[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ meshID: 'mesh1', secretStore: { name: 'mesh-secrets' }, ...extra, clusters }, null, 2);
}

/** Two primaries, cluster1 (with `one`) and cluster2 (with `two`), and mesh-level `extra`. */
export function twoPrimaries(one: Record<string, unknown> = {}, two: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): string {
  return meshText([primary('cluster1', one), primary('cluster2', two)], extra);
}

/** An external control plane hosted by "external" (with `externalIstiod` merged into its settings), config cluster cluster1. */
export function externalControlPlane(externalIstiod: Record<string, unknown> = {}, cluster1: Record<string, unknown> = {}): string {
  return meshText([
    primary('external', { configClusterName: 'cluster1', externalIstiod: { address: 'istiod.mesh1.example.com', tlsCredentialName: 'istiod-mesh1-tls', ...externalIstiod } }),
    primary('cluster1', { primaryClusterName: 'external', configClusterName: 'cluster1', ...cluster1 }),
  ]);
}

/** The Argo CD settings of a valid mesh, with `more`. */
export function argoCd(more: Record<string, unknown> = {}): Record<string, unknown> {
  return { argoCd: { repoURL: 'https://git.example.com/platform/mesh1-gitops.git', ...more } };
}

/**
 * True when YAML `text` holds the line `key: value` with `value` plain, single- or double-quoted (how the
 * emitter quotes a scalar is its own business; these tests check that the value arrives unchanged).
 */
export function hasYamlScalar(text: string | undefined, key: string, value: string): boolean {
  if (text === undefined) return false;
  const forms = [value, `'${value.replace(/'/g, "''")}'`, JSON.stringify(value)];
  return text.split('\n').some((line) => forms.some((f) => line.trim() === `${key}: ${f}` || line.trim() === `- ${key}: ${f}`));
}
