import { App } from 'cdk8s';
import { renderMesh } from '../src/output/render';
import { meshFromTopology } from '../src/topology/loader';
import { benchTopology, placeServices } from './topology';

/** `node lib/bench/profile.js <clusters>`: one in-memory render, for `node --cpu-prof`. */
const n = Number(process.argv[2] ?? 200);
const t0 = process.hrtime.bigint();
const mesh = meshFromTopology(new App(), 'mesh', benchTopology(n));
placeServices(mesh);
const t1 = process.hrtime.bigint();
const files = renderMesh(mesh);
const t2 = process.hrtime.bigint();
process.stderr.write(`${n} clusters: model ${Number(t1 - t0) / 1e6} ms, render ${Number(t2 - t1) / 1e6} ms, ${files.length} files\n`);
