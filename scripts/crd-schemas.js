#!/usr/bin/env node
// Writes crds/schemas/ (per-kind JSON schemas and their precompiled validators) from the CRD files in crds/
// (see src/output/crd-schema-index.ts): run it after
// changing a file in crds/ (`npm run crd-schemas`); test/crd-schemas.test.ts fails while it is stale.
'use strict';
const fs = require('fs');
const path = require('path');
const { crdSchemaIndex, CRD_SCHEMA_DIR } = require('../lib/src/output/crd-schema-index');

const crds = path.join(__dirname, '..', 'crds');
const out = path.join(crds, CRD_SCHEMA_DIR);
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out);
const files = crdSchemaIndex(crds);
for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(out, file), content);
console.log(`wrote ${Object.keys(files).length} files to crds/${CRD_SCHEMA_DIR}/`);
