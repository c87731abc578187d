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
 * cache is cold, as in a synth) and the best of `repeat` later passes (cache warm). Rendering is not timed.
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

function pass(): { ms: number; findings: number } {
  const t0 = process.hrtime.bigint();
  let findings = 0;
  for (const d of documents) findings += findSecretMaterial(d).length;
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, findings };
}

const first = pass();
let best = Infinity;
for (let i = 0; i < repeat; i++) best = Math.min(best, pass().ms);
process.stdout.write(`${n} clusters, ${documents.length} documents: first pass ${first.ms.toFixed(1)} ms, best of ${repeat} later passes ${best.toFixed(1)} ms, ${first.findings} findings\n`);
