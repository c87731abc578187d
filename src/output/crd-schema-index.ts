import * as fs from 'fs';
import * as path from 'path';

/** The folder, inside crds/, of the schemas extracted from the CRD files (scripts/crd-schemas.js writes it). */
export const CRD_SCHEMA_DIR = 'schemas';

/** One served or unserved version of a custom resource kind, with its schema. */
export interface CrdSchemaEntry {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly served: boolean;
  /** The CRD file the schema comes from. */
  readonly file: string;
  readonly schema: any;
}

/** The file of a group/kind's schemas inside crds/schemas/ (group and kind are DNS names and a Go identifier). */
export const crdSchemaFile = (group: string, kind: string) => `${group}_${kind}.json`;

/** The file of a group/kind's precompiled validators inside crds/schemas/ (one function per version). */
export const crdValidatorFile = (group: string, kind: string) => `${group}_${kind}.js`;

/**
 * The schemas of every CRD in `crdDir` (*.yaml), one JSON file per group/kind plus `index.json` (the
 * group/kinds present), as { file: content }. Parsing the YAML of the CRD files costs about a second at
 * the first custom resource of a synth (js-yaml over 5 MB), JSON.parse of one kind's file a few ms; and
 * `status` is reduced to an open object (the API server never applies a manifest's status), which halves what ajv compiles for kinds like Argo CD's Application. Deterministic.
 */
export function crdSchemaIndex(crdDir: string): Record<string, string> {
  const byGroupKind = new Map<string, CrdSchemaEntry[]>();
  // js-yaml only here, where the schemas are generated: synth itself reads the JSON files (start-up time).
  const yaml: typeof import('js-yaml') = require('js-yaml');
  for (const file of fs.readdirSync(crdDir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const doc of yaml.loadAll(fs.readFileSync(path.join(crdDir, file), 'utf8')) as any[]) {
      if (!doc || doc.kind !== 'CustomResourceDefinition' || !doc.spec) continue;
      const group: string = doc.spec.group;
      const kind: string = doc.spec.names?.kind;
      for (const v of doc.spec.versions ?? []) {
        const full = v.schema?.openAPIV3Schema ?? doc.spec.validation?.openAPIV3Schema;
        if (!full) continue;
        // status is kept open: the API server takes it from the status subresource, never from a manifest.
        const schema = full.properties?.status
          ? { ...full, properties: { ...full.properties, status: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true } } }
          : full;
        const key = `${group}/${kind}`;
        byGroupKind.set(key, [...(byGroupKind.get(key) ?? []), { group, version: v.name, kind, served: v.served !== false, file, schema }]);
      }
    }
  }
  const out: Record<string, string> = {};
  const keys = [...byGroupKind.keys()].sort();
  for (const key of keys) {
    const entries = byGroupKind.get(key)!;
    out[crdSchemaFile(entries[0].group, entries[0].kind)] = JSON.stringify(entries) + '\n';
    // The same schemas as precompiled validators, so that a synth does not compile them (start-up time).
    const { crdValidatorModule } = require('./manifest-schema') as typeof import('./manifest-schema');
    out[crdValidatorFile(entries[0].group, entries[0].kind)] = crdValidatorModule(entries);
  }
  out['index.json'] = JSON.stringify(keys, null, 1) + '\n';
  return out;
}
