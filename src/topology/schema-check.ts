import { didYouMean } from '../names';

/** A schema violation at a JSON path such as `clusters[1].podSubnet`. */
export interface SchemaIssue {
  readonly path: (string | number)[];
  readonly message: string;
  readonly value?: unknown;
  readonly allowed?: string;
  readonly fix: string;
}

type Schema = Record<string, any>;

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(v: unknown, type: string): boolean {
  const t = typeOf(v);
  return t === type || (type === 'number' && t === 'integer');
}

/**
 * Checks a value against the subset of JSON Schema our topology schema uses (type, properties,
 * required, additionalProperties, items, minItems, enum, $ref into $defs, and oneOf chosen by type).
 * The schema file stays the single source of the format; this walker turns violations into messages
 * with did-you-mean suggestions for unknown fields, which generic validators do not give.
 */
export function checkSchema(value: unknown, schema: Schema, root: Schema = schema, path: (string | number)[] = []): SchemaIssue[] {
  if (schema.$ref) {
    const name = String(schema.$ref).replace('#/$defs/', '');
    return checkSchema(value, root.$defs[name], root, path);
  }
  if (schema.oneOf) {
    const branches: Schema[] = schema.oneOf.map((s: Schema) => (s.$ref ? root.$defs[String(s.$ref).replace('#/$defs/', '')] : s));
    const branch = branches.find((b) => typeMatches(value, b.type));
    if (!branch) {
      return [{ path, value: typeOf(value), message: 'has the wrong type', allowed: branches.map((b) => b.type).join(' or '), fix: 'see the topology schema (src/topology/topology.schema.json)' }];
    }
    return checkSchema(value, branch, root, path);
  }
  if (schema.type && !typeMatches(value, schema.type)) {
    return [{ path, value, message: `must be ${schema.type === 'array' || schema.type === 'object' ? 'an' : 'a'} ${schema.type}`, fix: `write a ${schema.type} here` }];
  }
  const issues: SchemaIssue[] = [];
  if (schema.enum && !schema.enum.includes(value)) {
    issues.push({ path, value, message: 'is not supported', allowed: schema.enum.map((e: unknown) => JSON.stringify(e)).join(', '), fix: `use one of ${schema.enum.join(', ')}` });
  }
  if (schema.type === 'array') {
    const arr = value as unknown[];
    if (schema.minItems !== undefined && arr.length < schema.minItems) {
      issues.push({ path, message: `needs at least ${schema.minItems} item(s)`, fix: 'add the missing items' });
    }
    if (schema.items) arr.forEach((item, i) => issues.push(...checkSchema(item, schema.items, root, [...path, i])));
  }
  if (schema.type === 'object') {
    const obj = value as Record<string, unknown>;
    const props: Schema = schema.properties ?? {};
    for (const req of schema.required ?? []) {
      if (!(req in obj)) issues.push({ path: [...path, req], message: 'is required but missing', fix: `add "${req}"${props[req]?.description ? ` (${props[req].description})` : ''}` });
    }
    for (const [key, v] of Object.entries(obj)) {
      if (key in props) {
        issues.push(...checkSchema(v, props[key], root, [...path, key]));
      } else if (schema.additionalProperties === false) {
        const suggestion = didYouMean(key, Object.keys(props));
        issues.push({
          path: [...path, key], message: 'is not a known field',
          allowed: Object.keys(props).join(', '),
          fix: suggestion ? `did you mean "${suggestion}"?` : 'remove it',
        });
      } else if (typeof schema.additionalProperties === 'object') {
        issues.push(...checkSchema(v, schema.additionalProperties, root, [...path, key]));
      }
    }
  }
  return issues;
}
