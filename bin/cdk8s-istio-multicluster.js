#!/usr/bin/env node
// The synth app as a command of the installed package: `npx cdk8s-istio-multicluster` (topology file in
// MESH_TOPOLOGY, output directory in CDK8S_OUTDIR), or `app: npx cdk8s-istio-multicluster` in a cdk8s.yaml.
// The same program as `npm run synth` (src/main.ts).
'use strict';
require('../lib/src/main.js');
