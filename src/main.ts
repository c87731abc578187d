import { runSynthApp } from './synth-app';

/**
 * The synth app (`npm run synth`, and the `app:` of cdk8s.yaml). See runSynthApp. A failure prints every
 * problem to stderr (the cdk8s CLI discards the app's stdout), exits 1 and leaves the output as it was.
 */
process.exitCode = runSynthApp({
  env: process.env,
  argv: process.argv.slice(2),
  stderr: (text) => process.stderr.write(text),
});
