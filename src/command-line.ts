import { didYouMean } from './names';
import { Problem } from './problem';
import type { TopologySettings } from './topology/loader';

/** The options of the synth app, with what each sets (mesh-level settings a bare array of clusters lacks). */
const OPTIONS = {
  '--mesh-id': { arg: '<id>', help: 'meshID of the mesh (default for a bare array: mesh1)' },
  '--trust-domain': { arg: '<domain>', help: 'trustDomain of the mesh (default cluster.local)' },
  '--secret-store': { arg: '<name>', help: 'name of the External Secrets store (secretStore.name)' },
  '--secret-store-kind': { arg: '<kind>', help: 'ClusterSecretStore (default) or SecretStore (secretStore.kind)' },
  '--help': { arg: '', help: 'print this text and exit' },
} as const;

/** The usage text printed by `--help`. */
export const USAGE = [
  'usage: MESH_TOPOLOGY=<topology file> node lib/src/main.js [options]   (npm run synth -- [options])',
  '',
  'Synthesizes the mesh of the topology file (YAML or JSON; the default mesh when MESH_TOPOLOGY is unset)',
  'into CDK8S_OUTDIR (default dist). The options give mesh-level settings to a topology that lacks them,',
  "such as Istio's bare-array topology files; a setting also in the file must agree with it.",
  '',
  'options:',
  ...Object.entries(OPTIONS).map(([name, o]) => `  ${`${name} ${o.arg}`.padEnd(30)} ${o.help}`),
  '',
].join('\n');

/** What the command line asks for. */
export interface SynthArguments {
  /** `--help` was given: print USAGE and do nothing else. */
  readonly help: boolean;
  /** Mesh-level settings from the options (empty when none is given). */
  readonly settings: TopologySettings;
  /** Unknown options, missing or invalid arguments: every one, with a fix. */
  readonly problems: Problem[];
}

/** Parses the synth app's arguments (`--name value` or `--name=value`). */
export function parseSynthArguments(argv: readonly string[]): SynthArguments {
  const problems: Problem[] = [];
  const values = new Map<string, string>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (name === '--help' || name === '-h') {
      help = true;
      continue;
    }
    if (!Object.prototype.hasOwnProperty.call(OPTIONS, name)) {
      const suggestion = arg.startsWith('-') ? didYouMean(name, Object.keys(OPTIONS)) : undefined;
      problems.push({
        field: name, message: arg.startsWith('-') ? 'is not an option of the synth app' : 'is an argument the synth app does not take (the topology file is named by MESH_TOPOLOGY)',
        allowed: Object.keys(OPTIONS).join(', '),
        fix: suggestion ? `did you mean "${suggestion}"?` : arg.startsWith('-') ? 'remove it (see --help)' : `run MESH_TOPOLOGY=${arg} npm run synth`,
      });
      continue;
    }
    const value = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) {
      problems.push({ field: name, message: 'needs a value', fix: `write ${name} ${OPTIONS[name as keyof typeof OPTIONS].arg}` });
      if (value !== undefined && value.startsWith('--')) i--;
      continue;
    }
    if (values.has(name)) {
      problems.push({ field: name, value, message: `is given twice (first ${JSON.stringify(values.get(name))})`, fix: 'give it once' });
      continue;
    }
    values.set(name, value);
  }
  const kind = values.get('--secret-store-kind');
  if (kind !== undefined && kind !== 'ClusterSecretStore' && kind !== 'SecretStore') {
    problems.push({ field: '--secret-store-kind', value: kind, message: 'is not a store kind', allowed: 'ClusterSecretStore, SecretStore', fix: 'use ClusterSecretStore or SecretStore' });
  }
  if (kind !== undefined && !values.has('--secret-store')) {
    problems.push({ field: '--secret-store-kind', value: kind, message: 'is given without --secret-store', fix: 'add --secret-store <name>' });
  }
  const store = values.get('--secret-store');
  const settings: TopologySettings = {
    ...(values.has('--mesh-id') ? { meshID: values.get('--mesh-id') } : {}),
    ...(values.has('--trust-domain') ? { trustDomain: values.get('--trust-domain') } : {}),
    ...(store !== undefined ? { secretStore: { name: store, ...(kind === 'SecretStore' || kind === 'ClusterSecretStore' ? { kind } : {}) } } : {}),
  };
  return { help, settings, problems };
}
