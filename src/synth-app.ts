import { App } from 'cdk8s';
import { parseSynthArguments, USAGE } from './command-line';
import { meshFromEnvironment } from './environment';
import { MeshApp } from './mesh-app';
import { MeshValidationError } from './problem';
import { synthesizeApp } from './synth';
import { federationFromEnvironment } from './federation/federation-environment';
import { synthesizedFederation } from './federation/synthesize-federation';

/** What the synth app reads from its process: environment, arguments, and where to report. */
export interface SynthAppOptions {
  /** The environment (MESH_TOPOLOGY, CDK8S_OUTDIR). */
  readonly env: NodeJS.ProcessEnv;
  /** Command-line arguments after the script name (see USAGE in command-line.ts). @default [] */
  readonly argv?: readonly string[];
  /** Receives every line for the user (the cdk8s CLI discards the app's stdout, so this is stderr). */
  readonly stderr: (text: string) => void;
}

/**
 * The synth app as a function, so that tests run it in-process exactly as `node lib/src/main.js` does.
 * Builds the mesh from the topology file named by MESH_TOPOLOGY (else the embedded default), completed by
 * the command-line options, and writes it to CDK8S_OUTDIR (set by `cdk8s synth`), else `dist`. Returns the
 * exit code: 0 on success (and for `--help`), 1 when the arguments, the topology or the output directory
 * are rejected (every problem is reported, and the output stays as it was).
 */
export function runSynthApp(options: SynthAppOptions): number {
  try {
    const args = parseSynthArguments(options.argv ?? []);
    if (args.problems.length > 0) throw new MeshValidationError(args.problems, 'the command line');
    if (args.help) {
      options.stderr(USAGE);
      return 0;
    }
    const outdir = options.env.CDK8S_OUTDIR || 'dist';
    const federation = federationFromEnvironment(new App({ outdir }), options.env, args.settings);
    if (federation) return synthesizedFederation(federation, outdir, options.stderr);
    // The same path as a user's `cdk8s synth` of a MeshApp (synthesizeApp), with our setting's name in messages.
    const app = new MeshApp({ outdir });
    const mesh = meshFromEnvironment(app, options.env, args.settings);
    synthesizeApp(app, { outdir, outdirField: 'CDK8S_OUTDIR' });
    for (const w of mesh.ambient.warnings()) options.stderr(`warning: ${w}\n`);
    options.stderr(`synthesized ${mesh.clusters.length} cluster(s) of mesh "${mesh.meshId}" into ${outdir}/\n`);
    return 0;
  } catch (e) {
    options.stderr(`error: ${(e as Error).message}\n`);
    return 1;
  }
}
