import type { Cluster } from '../cluster';
import type { Mesh } from '../mesh';
import { DEFAULT_OUTLIER_DETECTION } from './traffic';
import { waypointsReadme } from './waypoint';

/** At most this many services are named in a cluster's box of the diagram. */
const MAX_SERVICES_IN_DIAGRAM = 8;

/**
 * The lines a cluster's box in the mesh diagram gets: per application, the services running there and their
 * versions (e.g. `bookinfo: productpage v1, reviews v1/v2/v3`).
 */
export function applicationDiagramLines(mesh: Mesh, cluster: Cluster): string[] {
  const lines: string[] = [];
  for (const app of mesh.applications.all) {
    const names: string[] = [];
    for (const s of app.services) {
      if (!mesh.applications.factsOf(s).runs.includes(cluster)) continue;
      const versions = [...new Set(app.workloadsOf(s).filter((w) => w.clusters.includes(cluster)).map((w) => w.versionIn(cluster)).filter((v) => v !== undefined))];
      names.push(versions.length > 0 ? `${s.name} ${versions.join('/')}` : s.name);
    }
    if (names.length === 0) continue;
    const shown = names.length > MAX_SERVICES_IN_DIAGRAM ? [...names.slice(0, MAX_SERVICES_IN_DIAGRAM), `+${names.length - MAX_SERVICES_IN_DIAGRAM} more`] : names;
    lines.push(`${app.name}: ${shown.join(', ')}`);
  }
  return lines;
}

/** The applications section of `dist/README.md`: where each service runs, derived defaults, how to verify. */
export function applicationsReadme(mesh: Mesh): string[] {
  const apps = mesh.applications.all;
  if (apps.length === 0) return [];
  const out = ['## Applications', ''];
  const list = (cs: readonly Cluster[]) => (cs.length > 0 ? cs.map((c) => `\`${c.name}\``).join(', ') : '—');
  for (const app of apps) {
    out.push(`### \`${app.name}\` (namespace \`${app.namespace}\`)`, '');
    out.push('| service | runs on | Service object in | Istio config in |', '| --- | --- | --- | --- |');
    for (const s of app.services) {
      const f = mesh.applications.factsOf(s);
      out.push(`| \`${s.name}\`${s.clusterLocal ? ' (cluster-local)' : ''} | ${list(f.runs)} | ${list(f.clusters)} | ${list(f.configClusters)} |`);
    }
    out.push('');
    const defaulted = app.services.filter((s) => s.loadBalancing?.locality && !s.loadBalancing.outlierDetection);
    if (defaulted.length > 0) {
      out.push(
        `Locality load balancing of ${defaulted.map((s) => `\`${s.name}\``).join(', ')} was declared without outlier detection. Istio does not fail over without it,`
        + ` so synth added \`outlierDetection: ${JSON.stringify(DEFAULT_OUTLIER_DETECTION)}\` (Envoy's own defaults) to the DestinationRule; declare \`outlierDetection\` to choose other values.`,
        '',
      );
    }
    out.push(...waypointsReadme(app, apps));
    if (app.defaultDeny) {
      out.push('The namespace denies by default (AuthorizationPolicy `allow-nothing`): only the callers declared with `allowCallsFrom` (and the ingress gateway, for exposed services) get through.', '');
    }
    // How to check that a caller reaches every version, in every cluster it runs in.
    const checks: string[] = [];
    for (const w of app.workloads) {
      for (const s of w.called) {
        const versions = [...new Set(s.application.workloadsOf(s).flatMap((x) => x.clusters.map((c) => x.versionIn(c))).filter((v) => v !== undefined))];
        if (versions.length < 2 || w.props.command?.[0] !== '/bin/sleep') continue; // a client pod to exec into
        const port = s.ports[0].port;
        for (const c of w.clusters) {
          checks.push(`kubectl --context "${c.name}" -n ${app.namespace} exec deploy/${w.name} -c ${w.name} -- sh -c 'for i in $(seq 10); do curl -sS ${s.name}.${s.application.namespace}:${port}/hello; done'`);
        }
        out.push(`Verify that \`${w.name}\` reaches every version of \`${s.name}\` (${versions.join(', ')}) from each cluster: the answers must name each version (\`/hello\` is the path of Istio's helloworld; use your service's own path).`, '');
      }
    }
    if (checks.length > 0) out.push('```bash', ...checks, '```', '');
  }
  return out;
}
