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

const hasOwn = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

/** Options of {@link checkSchema}. */
export interface SchemaCheckOptions {
  /**
   * The source text of the scalar at a path, as written in the file. With it, a type error where YAML
   * changed the type (`1.0` read as the number 1, `true`, `~`, `0x1f`) says so and suggests quoting.
   */
  readonly sourceOf?: (path: readonly (string | number)[]) => string | undefined;
}

/** How YAML read an unquoted scalar, for the quoting hint. */
function readAs(v: unknown): string {
  if (v === null) return 'null (no value)';
  return `the ${typeof v} ${String(v)}`;
}

/**
 * Checks a value against the subset of JSON Schema our topology schema uses (type, properties,
 * required, additionalProperties, items, minItems, enum, $ref into $defs, and oneOf chosen by type).
 * The schema file stays the single source of the format; this walker turns violations into messages
 * with did-you-mean suggestions for unknown fields, which generic validators do not give.
 *
 * Fields are looked up as own properties only: `constructor` or `toString` are unknown fields, not the
 * schema object's inherited members.
 */
export function checkSchema(value: unknown, schema: Schema, options: SchemaCheckOptions = {}): SchemaIssue[] {
  return check(value, schema, schema, [], options);
}

function typeError(value: unknown, path: (string | number)[], expected: string, options: SchemaCheckOptions): SchemaIssue {
  const written = options.sourceOf?.(path);
  const scalar = value === null || typeof value === 'number' || typeof value === 'boolean';
  const article = /^[aeiou]/.test(expected) ? 'an' : 'a';
  if (written !== undefined && scalar && expected.split(' or ').includes('string')) {
    if (written === '') {
      return { path, message: 'has no value (YAML reads an empty value as null)', allowed: expected, fix: 'write the value after the colon, or remove the field' };
    }
    return {
      path, message: `must be ${article} ${expected}, but YAML read ${written} as ${readAs(value)}`,
      allowed: expected, fix: `quote it: ${JSON.stringify(written)}`,
    };
  }
  const shown = written !== undefined && scalar ? { message: `must be ${article} ${expected} (got ${written}, which YAML reads as ${readAs(value)})` } : { message: `must be ${article} ${expected}`, value };
  return { path, ...shown, fix: `write ${article} ${expected} here` };
}

function check(value: unknown, schema: Schema, root: Schema, path: (string | number)[], options: SchemaCheckOptions): SchemaIssue[] {
  const def = (ref: unknown) => {
    const name = String(ref).replace('#/$defs/', '');
    if (!hasOwn(root.$defs, name)) throw new Error(`topology schema: unknown $ref ${String(ref)}`);
    return root.$defs[name] as Schema;
  };
  if (schema.$ref) return check(value, def(schema.$ref), root, path, options);
  if (schema.oneOf) {
    const branches: Schema[] = schema.oneOf.map((s: Schema) => (s.$ref ? def(s.$ref) : s));
    const branch = branches.find((b) => typeMatches(value, b.type));
    if (!branch) {
      return [{ path, value: typeOf(value), message: 'has the wrong type', allowed: branches.map((b) => b.type).join(' or '), fix: 'see the topology schema (src/topology/topology.schema.json)' }];
    }
    return check(value, branch, root, path, options);
  }
  if (schema.type && !typeMatches(value, schema.type)) return [typeError(value, path, schema.type, options)];
  const issues: SchemaIssue[] = [];
  if (schema.enum && !schema.enum.includes(value)) {
    issues.push({ path, value, message: 'is not supported', allowed: schema.enum.map((e: unknown) => JSON.stringify(e)).join(', '), fix: `use one of ${schema.enum.join(', ')}` });
  }
  if (schema.type === 'array') {
    const arr = value as unknown[];
    if (schema.minItems !== undefined && arr.length < schema.minItems) {
      issues.push({ path, message: `needs at least ${schema.minItems} item(s)`, fix: 'add the missing items' });
    }
    if (schema.items) arr.forEach((item, i) => issues.push(...check(item, schema.items, root, [...path, i], options)));
  }
  if (schema.type === 'object') {
    const obj = value as Record<string, unknown>;
    const props: Schema = schema.properties ?? {};
    for (const req of schema.required ?? []) {
      if (!hasOwn(obj, req)) issues.push({ path: [...path, req], message: 'is required but missing', fix: `add "${req}"${hasOwn(props, req) && props[req].description ? ` (${props[req].description})` : ''}` });
    }
    for (const key of Object.keys(obj)) {
      const v = obj[key];
      if (key === '__proto__') {
        issues.push({ path: [...path, key], message: 'is not allowed as a key (JavaScript reads it as an object\'s prototype)', fix: 'remove it' });
      } else if (hasOwn(props, key)) {
        issues.push(...check(v, props[key], root, [...path, key], options));
      } else if (schema.additionalProperties === false) {
        const suggestion = didYouMean(key, Object.keys(props));
        issues.push({
          path: [...path, key], message: 'is not a known field',
          allowed: Object.keys(props).join(', '),
          fix: suggestion ? `did you mean "${suggestion}"?` : 'remove it',
        });
      } else if (typeof schema.additionalProperties === 'object') {
        issues.push(...check(v, schema.additionalProperties, root, [...path, key], options));
      }
    }
  }
  return issues;
}
