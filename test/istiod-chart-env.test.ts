import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { loadTopologyFile } from '../src';
import { exampleFiles, fixturePath, objectsByCluster } from './support/mesh';

/**
 * The env names istiod's container gets from the istiod chart for given values, by emulating the
 * `env:` block of istio-discovery/templates/deployment.yaml (test/fixtures/istio/istiod-deployment.yaml.tmpl,
 * Istio 1.30.3): its static `- name:` entries and exactly the guards written there. Values are first
 * merged as the chart does: the chart defaults the block reads (values.yaml 1.30.3: traceSampling 1.0,
 * taint.enabled false, env {}, envVarFrom []), then the user's values, then `pilot.*` copied to the top
 * (templates/zzy_descope_legacy.yaml, which is how Sail's `values.pilot.env` arrives). An unknown guard
 * throws, so the emulation cannot drift silently from the fixture.
 */
function chartEnvNames(userValues: Record<string, any>): string[] {
  const v: Record<string, any> = { traceSampling: 1.0, taint: { enabled: false }, env: {}, envVarFrom: [], ...userValues };
  v.global = { ...(userValues.global ?? {}) };
  if (userValues.pilot) Object.assign(v, userValues.pilot);
  const env = v.env ?? {};
  const conditions: Record<string, () => boolean> = {
    'not .Values.env.CA_TRUSTED_NODE_ACCOUNTS': () => !env.CA_TRUSTED_NODE_ACCOUNTS,
    '.Values.env': () => Object.keys(env).length > 0,
    '.Values.traceSampling': () => !!v.traceSampling,
    '.Values.taint.enabled': () => !!v.taint?.enabled,
    'and .Values.global.externalIstiod (not (and .Values.env .Values.env.EXTERNAL_ISTIOD))': () => !!v.global.externalIstiod && !(Object.keys(env).length > 0 && env.EXTERNAL_ISTIOD),
    '.Values.global.trustBundleName': () => !!v.global.trustBundleName,
    '.Values.crlConfigMapName': () => !!v.crlConfigMapName,
  };
  const lines = fs.readFileSync(fixturePath('istio', 'istiod-deployment.yaml.tmpl'), 'utf8').split('\n');
  const start = lines.findIndex((l) => l === '          env:');
  const end = lines.findIndex((l, i) => i > start && l === '          resources:');
  if (start < 0 || end < 0) throw new Error('the fixture has no istiod env block');
  const names: string[] = [];
  const stack: boolean[] = [];
  let inRange = false;
  for (const line of lines.slice(start + 1, end)) {
    const active = stack.every(Boolean);
    const directive = line.match(/^\s*\{\{-?\s*(.*?)\s*-?\}\}\s*$/);
    if (directive) {
      const d = directive[1];
      if (d.startsWith('if ')) {
        const cond = conditions[d.slice(3).trim()];
        if (!cond) throw new Error(`unknown guard in the istiod env block: ${d}`);
        stack.push(cond());
      } else if (d === 'range $key, $val := .Values.env') {
        stack.push(true);
        inRange = true;
        if (active) names.push(...Object.keys(env));
      } else if (d === 'with .Values.envVarFrom') {
        stack.push(v.envVarFrom.length > 0);
        if (active) names.push(...v.envVarFrom.map((e: any) => e.name));
      } else if (d === 'end') {
        if (stack.length === 0) throw new Error('unbalanced end');
        stack.pop();
        if (inRange && stack.length === 0) inRange = false;
      } else if (/^\$\w+ := /.test(d) || d.startsWith('toYaml')) {
        // variable assignments and the envVarFrom body, handled above
      } else {
        throw new Error(`unknown directive in the istiod env block: ${d}`);
      }
      continue;
    }
    const name = line.match(/^\s*- name: (.*)$/);
    if (name && active && name[1] !== '{{ $key }}') names.push(name[1]);
  }
  return names;
}

const duplicates = (names: string[]) => names.filter((n, i) => names.indexOf(n) !== i);

describe('istiod chart env (test/fixtures/istio/istiod-deployment.yaml.tmpl)', () => {
  test('the emulation sees the chart\'s own guards: EXTERNAL_ISTIOD guarded, CLUSTER_ID not', () => {
    expect(duplicates(chartEnvNames({ global: { externalIstiod: true }, env: { EXTERNAL_ISTIOD: 'true' } }))).toEqual([]);
    expect(duplicates(chartEnvNames({ global: { multiCluster: { clusterName: 'c1' } }, env: { CLUSTER_ID: 'c1' } }))).toEqual(['CLUSTER_ID']);
    expect(duplicates(chartEnvNames({ pilot: { env: { CLUSTER_ID: 'c1' } } }))).toEqual(['CLUSTER_ID']);
    expect(chartEnvNames({})).toEqual(expect.arrayContaining(['REVISION', 'CLUSTER_ID', 'PILOT_TRACE_SAMPLING', 'CA_TRUSTED_NODE_ACCOUNTS']));
  });

  test.each(exampleFiles().map((f) => [path.basename(f), f]))('%s: no duplicated env name in any istiod the chart renders (Helm values, Sail values)', (_name, file) => {
    const mesh = loadTopologyFile(new App(), 'mesh', file);
    const sail = objectsByCluster(mesh);
    for (const cluster of mesh.clusters) {
      for (const r of cluster.installInputs.releases.filter((x) => x.chart === 'istiod')) {
        expect({ file: r.file, dup: duplicates(chartEnvNames(r.values)) }).toEqual({ file: r.file, dup: [] });
        const names = chartEnvNames(r.values);
        for (const key of Object.keys((r.values as any).env ?? {})) expect(names).toContain(key);
      }
      // Sail renders the same chart from each Istio resource's values (pilot.* copied to the top).
      for (const istio of sail[cluster.name].filter((o) => o.kind === 'Istio')) {
        expect({ istio: istio.metadata.name, dup: duplicates(chartEnvNames(istio.spec.values ?? {})) }).toEqual({ istio: istio.metadata.name, dup: [] });
      }
    }
  });

  test('the external istiod still runs with the config cluster\'s ID: the chart renders it from global.multiCluster.clusterName', () => {
    const mesh = loadTopologyFile(new App(), 'mesh', exampleFiles().find((f) => f.endsWith('/external-control-plane.yaml'))!);
    const release = mesh.cluster('external')!.installInputs.releases.find((r) => r.namespace === 'external-istiod')!;
    expect((release.values as any).global.multiCluster.clusterName).toBe('cluster1');
    expect((release.values as any).env.CLUSTER_ID).toBeUndefined();
    expect(chartEnvNames(release.values).filter((n) => n === 'CLUSTER_ID')).toHaveLength(1);
  });
});
