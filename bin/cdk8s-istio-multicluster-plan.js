#!/usr/bin/env node
// The plan app as a command of the installed package (`npx cdk8s-istio-multicluster-plan [outdir]`): the
// same program as `npm run plan` (src/plan.ts), which runs only as the main module, hence the call here.
'use strict';
const { runPlanApp } = require('../lib/src/plan.js');

process.exitCode = runPlanApp({
  env: process.env,
  argv: process.argv.slice(2),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
