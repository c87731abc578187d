import * as fs from 'fs';
import * as path from 'path';
import { crdSchemaIndex, CRD_SCHEMA_DIR } from '../src/output/crd-schema-index';
import { PROJECT_ROOT } from './support/mesh';

const CRDS = path.join(PROJECT_ROOT, 'crds');

test('crds/schemas/ is exactly what scripts/crd-schemas.js makes of crds/*.yaml (run npm run crd-schemas)', () => {
  const committed: Record<string, string> = {};
  for (const f of fs.readdirSync(path.join(CRDS, CRD_SCHEMA_DIR))) committed[f] = fs.readFileSync(path.join(CRDS, CRD_SCHEMA_DIR, f), 'utf8');
  expect(committed).toEqual(crdSchemaIndex(CRDS));
});

test('the extracted schemas have every kind of the CRD files, with status reduced to an open object', () => {
  const index = JSON.parse(fs.readFileSync(path.join(CRDS, CRD_SCHEMA_DIR, 'index.json'), 'utf8')) as string[];
  expect(index).toEqual(expect.arrayContaining(['networking.istio.io/VirtualService', 'argoproj.io/Application', 'external-secrets.io/PushSecret', 'sailoperator.io/Istio']));
  const application = JSON.parse(fs.readFileSync(path.join(CRDS, CRD_SCHEMA_DIR, 'argoproj.io_Application.json'), 'utf8'));
  expect(application[0].schema.properties.spec).toBeDefined();
  expect(application[0].schema.properties.status).toEqual({ 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true });
});
