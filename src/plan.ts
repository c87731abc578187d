import { App } from 'cdk8s';
import { meshFromEnvironment } from './environment';
import { formatPlan, planChanges, readTree } from './output/plan';
import { renderMesh } from './output/render';

/** What the plan command reads from its process. */
export interface PlanAppOptions {
  /** The environment (MESH_TOPOLOGY). */
  readonly env: NodeJS.ProcessEnv;
  /** Command-line arguments after the script name: `[<dir>]`. @default [] */
  readonly argv?: readonly string[];
  /** Receives the plan. */
  readonly stdout: (text: string) => void;
  /** Receives errors. */
  readonly stderr: (text: string) => void;
}

/** Exit codes of `npm run plan`, as diff(1) has them: same, different, trouble. */
export const PLAN_NO_CHANGES = 0;
export const PLAN_CHANGES = 1;
export const PLAN_ERROR = 2;

/**
 * `npm run plan [-- <dir>]` as a function (tests run it in-process): compares a fresh synth of the topology
 * (MESH_TOPOLOGY or the default) with the output directory on disk (default `dist`, i.e. what is committed)
 * and prints, per cluster, the objects that would be added, changed or removed and their changed fields.
 * Writes nothing. Returns 0 when identical, 1 when different, 2 on error (an invalid topology: every
 * problem is printed, as synth prints them; an unreadable output directory).
 */
export function runPlanApp(options: PlanAppOptions): number {
  try {
    const dir = options.argv?.[0] ?? 'dist';
    const files = renderMesh(meshFromEnvironment(new App(), options.env));
    const plan = planChanges(readTree(dir), files);
    options.stdout(formatPlan(plan));
    return plan.size === 0 ? PLAN_NO_CHANGES : PLAN_CHANGES;
  } catch (e) {
    options.stderr(`error: ${(e as Error).message}\n`);
    return PLAN_ERROR;
  }
}

if (require.main === module) {
  process.exitCode = runPlanApp({
    env: process.env,
    argv: process.argv.slice(2),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}
