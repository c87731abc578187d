import { App } from 'cdk8s';
import { apiObjectsOf } from '../src/phase';
import { renderCluster } from '../src/output/render';
import { findSecretMaterial } from '../src/output/secret-guard';
import { meshFromTopology } from '../src/topology/loader';
import { benchTopology, placeServices } from './topology';

/**
 * `node lib/bench/secret-guard.js [clusters] [repeat]`: the secret guard alone over every document of a
 * generated mesh (bench/topology.ts, 200 clusters by default): each cluster's manifests and install inputs
 * and the Argo CD Applications, exactly what render.ts hands it. Prints the first pass (the frozen-body
 * cache is cold, as in a synth) and the best of `repeat` later passes (cache warm), in CPU time (wall time
 * on a shared machine measures the neighbours). Rendering is not timed. Then the guard on adversarial
 * 100 KB strings (values under a credential key and as a key): each must stay linear.
 */
const n = Number(process.argv[2] ?? 200);
const repeat = Number(process.argv[3] ?? 5);
const mesh = meshFromTopology(new App(), 'mesh', benchTopology(n));
placeServices(mesh);
mesh.build();
const documents: unknown[] = [];
for (const cluster of mesh.clusters) {
  for (const o of renderCluster(cluster)) documents.push(o.manifest);
  const inputs = cluster.installInputs;
  for (const r of inputs.releases) documents.push(r.values);
  for (const o of inputs.istioOperators) documents.push(o.manifest);
}
if (mesh.argoCdApplications) for (const a of apiObjectsOf(mesh.argoCdApplications)) documents.push(a.toJson());

/** CPU milliseconds of `f`. */
function cpu(f: () => void): number {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e3;
}

function pass(): { ms: number; findings: number } {
  let findings = 0;
  const ms = cpu(() => {
    for (const d of documents) findings += findSecretMaterial(d).length;
  });
  return { ms, findings };
}

const first = pass();
let best = Infinity;
for (let i = 0; i < repeat; i++) best = Math.min(best, pass().ms);
process.stdout.write(`${n} clusters, ${documents.length} documents: first pass ${first.ms.toFixed(1)} ms, best of ${repeat} later passes ${best.toFixed(1)} ms, ${first.findings} findings\n`);

const N = 100_000;
const adversarial: Record<string, string> = {
  'letters then ://': `${'a'.repeat(N)}://x@y`,
  'many schemes': `${'a://'.repeat(N / 4)}@`,
  'backslashes': `${'\\'.repeat(N)}"token"`,
  'unclosed {{': `token: ${'{{'.repeat(N / 2)}`,
  'quotes in {{ }}': `token: {{ ${'"'.repeat(N)} }}`,
  'base64 runs': `${'A'.repeat(35)} `.repeat(N / 36),
  'YAML lines': `${'a'.repeat(50)}: x\n`.repeat(N / 54),
  'PEM words': `-----BEGIN ${'A '.repeat(N / 2)}PRIVATE KEY`,
};
for (const [name, text] of Object.entries(adversarial)) {
  const ms = cpu(() => findSecretMaterial({ spec: { token: text, [text]: 1 } }));
  process.stdout.write(`  adversarial ${name} (${text.length} chars): ${ms.toFixed(1)} ms\n`);
}
