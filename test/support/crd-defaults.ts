import * as fs from 'fs';
import * as path from 'path';
import { parseYamlDocuments } from '../../src/output/yaml';
import { PROJECT_ROOT } from './mesh';

/** The openAPIV3Schema of every served group/version/kind of the pinned CRDs in crds/, loaded once. */
let schemas: Map<string, any> | undefined;

function crdSchemas(): Map<string, any> {
  if (!schemas) {
    schemas = new Map();
    const dir = path.join(PROJECT_ROOT, 'crds');
    for (const file of fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
      for (const doc of parseYamlDocuments(fs.readFileSync(path.join(dir, file), 'utf8')) as any[]) {
        if (doc?.kind !== 'CustomResourceDefinition') continue;
        for (const v of doc.spec.versions ?? []) {
          if (v.schema?.openAPIV3Schema) schemas.set(`${doc.spec.group}/${v.name}/${doc.spec.names.kind}`, v.schema.openAPIV3Schema);
        }
      }
    }
  }
  return schemas;
}

/** The pinned CRD schema of an object's apiVersion and kind, if crds/ has it. */
export function crdSchemaOf(obj: { apiVersion: string; kind: string }): any | undefined {
  return crdSchemas().get(`${obj.apiVersion}/${obj.kind}`);
}

/**
 * Applies a structural schema's `default`s to a value the way the API server does when it reads or
 * writes a custom resource (k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting/algorithm.go):
 * for every object property that is absent and has a default, a copy of the default is set; then the
 * walk continues into properties, additionalProperties and array items, including defaulted values.
 * Returns a new value; the input is not changed.
 */
export function applyDefaults(value: any, schema: any): any {
  if (!schema || value === null || value === undefined) return value;
  if (Array.isArray(value)) {
    return schema.items ? value.map((item) => applyDefaults(item, schema.items)) : value;
  }
  if (typeof value !== 'object') return value;
  const out: Record<string, any> = { ...value };
  const props: Record<string, any> = schema.properties ?? {};
  for (const [key, prop] of Object.entries(props)) {
    if (!(key in out) && prop.default !== undefined) out[key] = JSON.parse(JSON.stringify(prop.default));
  }
  for (const key of Object.keys(out)) {
    const prop = props[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (prop) out[key] = applyDefaults(out[key], prop);
  }
  return out;
}

/** The fields the API server would add to an object by defaulting, as `path: value` lines (empty: none). */
export function defaultedFields(obj: any): string[] {
  const schema = crdSchemaOf(obj);
  if (!schema) return [];
  const diffs: string[] = [];
  const walk = (before: any, after: any, p: string) => {
    if (before === undefined) {
      diffs.push(`${p}: ${JSON.stringify(after)}`);
      return;
    }
    if (after && typeof after === 'object') {
      for (const key of Object.keys(after)) walk(before?.[key], after[key], Array.isArray(after) ? `${p}[${key}]` : `${p}.${key}`);
    }
  };
  walk(obj, applyDefaults(obj, schema), '');
  return diffs;
}
