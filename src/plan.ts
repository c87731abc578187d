import { App } from 'cdk8s';
import { meshFromEnvironment } from './environment';
import { formatPlan, planChanges, readTree } from './output/plan';
import { renderMesh } from './output/render';

/**
 * `npm run plan [-- <dir>]`: compares a fresh synth of the topology (MESH_TOPOLOGY or the default) with
 * the output directory on disk (default `dist`, i.e. what is committed) and prints, per cluster, the
 * objects that would be added, changed or removed. Writes nothing. Exit code 0 when identical, 1 when
 * different, 2 on error.
 */
function main(): number {
  const dir = process.argv[2] ?? 'dist';
  const files = renderMesh(meshFromEnvironment(new App()));
  const plan = planChanges(readTree(dir), files);
  process.stdout.write(formatPlan(plan));
  return plan.size === 0 ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (e) {
  process.stderr.write(`error: ${(e as Error).message}\n`);
  process.exitCode = 2;
}
