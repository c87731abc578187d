#!/usr/bin/env node
// The synth app as a command of the installed package (`npx cdk8s-istio-multicluster [outdir]`, or
// `app: npx cdk8s-istio-multicluster` in a cdk8s.yaml): the same program as `npm run synth` (src/main.ts).
'use strict';
require('../lib/src/main.js');
