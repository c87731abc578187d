#!/usr/bin/env node
// npm's `prepare` script: compiles lib/ when the package is installed from git or from a local checkout
// (`lib/` is not committed), and before `npm pack` / `npm publish`.
//
// - In this repository (`npm ci`, `npm install`, a consumer's `npm install ../checkout`): the whole project
//   (tsconfig.json: src, imports, test, bench), the same build `npm test` and `npm run synth` need, so they
//   find it done (scripts/build.js skips an up-to-date build in milliseconds).
// - When npm prepares this package as a dependency (a git URL: it clones, installs, runs `prepare`, then
//   packs the `files` of package.json) or packs it: only what the package ships (tsconfig.build.json: src
//   and imports; no test or bench code, no jest types). npm says so in the environment: `npm_package_resolved`
//   (pacote's DirFetcher, which runs `prepare` before packing a directory) and `_PACOTE_NO_PREPARE_` (the
//   `npm install` pacote runs in a git clone). Should a future npm drop them, the whole project is built,
//   which is slower but equally correct.
//
// Both configurations write the same layout into lib/ (same compiler options); scripts/build.js forgets the
// other one's incremental state whenever it compiles, so switching between them never leaves stale output.
'use strict';
const path = require('path');
const { build } = require('./build');

const asDependency = process.env.npm_package_resolved !== undefined || process.env._PACOTE_NO_PREPARE_ !== undefined;
process.exitCode = build(path.join(__dirname, '..'), asDependency ? 'tsconfig.build.json' : 'tsconfig.json');
