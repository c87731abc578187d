import { App } from 'cdk8s';
import { meshFromEnvironment } from './environment';
import { synthesizeMesh } from './synth';

/**
 * The synth app. Builds the mesh from the topology file named by MESH_TOPOLOGY (else the embedded
 * default) and writes it to CDK8S_OUTDIR (set by `cdk8s synth`), else `dist`. A failure prints every
 * problem to stderr (the cdk8s CLI discards the app's stdout), exits 1 and leaves the output as it was.
 */
function main(): void {
  const outdir = process.env.CDK8S_OUTDIR || 'dist';
  const mesh = meshFromEnvironment(new App({ outdir }));
  synthesizeMesh(mesh, { outdir });
  process.stderr.write(`synthesized ${mesh.clusters.length} cluster(s) of mesh "${mesh.meshId}" into ${outdir}/\n`);
}

try {
  main();
} catch (e) {
  process.stderr.write(`error: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
