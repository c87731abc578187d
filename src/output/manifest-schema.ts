/**
 * Schema validation of the plain JSON objects that cdk8s `ApiObject.toJson()` produces: every object the
 * writer emits (ours and the ones users add) passes through it before anything is written (render.ts),
 * and the tests use it directly (test/support/schema-validator.ts).
 *
 * - Custom resources are validated against the `openAPIV3Schema` of the matching served CRD version
 *   in the pinned `<project root>/crds/*.yaml` (read from their extract crds/schemas/), with the Kubernetes structural-schema extensions mapped onto
 *   JSON Schema and unknown fields rejected the way the API server prunes them
 *   (`kubectl apply --validate=strict` reports them as errors).
 *   The validators are generated ahead of time (crds/schemas/<group>_<kind>.js, ajv standalone code,
 *   `npm run crd-schemas`): compiling a kind's schema at synth was most of the check's start-up cost.
 * - Built-in kinds are validated with the generated validators shipped in `kubernetes-models`;
 *   because those never reject unknown fields, every object is additionally checked for fields the
 *   generated validator never looked at (see `findUnknownFields`).
 * - Kinds with no schema are errors ("no schema for <apiVersion> <kind>"), never a silent pass.
 *
 * Runtime dependencies (ajv, kubernetes-models) are resolved from the project root, so this
 * file also works when compiled to a directory outside the project.
 */
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { CRD_SCHEMA_DIR, crdSchemaFile, crdValidatorFile } from './crd-schema-index';

type Json = any;

// ---------------------------------------------------------------------------------------------
// Project root and dependency resolution
// ---------------------------------------------------------------------------------------------

function findProjectRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    let dir = path.resolve(start);
    for (;;) {
      if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'crds'))) {
        return dir;
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error(`schema-validator: cannot find the project root (a directory with package.json and crds/) above ${__dirname} or ${process.cwd()}`);
}

// Resolved on first use, so that importing the library costs nothing (schemas load per kind, lazily).
let projectRoot: string | undefined;
const root = () => (projectRoot ??= findProjectRoot());
const crdDir = () => path.join(root(), 'crds');
let requireFromRoot: NodeRequire | undefined;
const projectRequire = Object.assign((id: string) => (requireFromRoot ??= createRequire(path.join(root(), 'package.json')))(id), {
  resolve: (id: string) => (requireFromRoot ??= createRequire(path.join(root(), 'package.json'))).resolve(id),
});

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/** Validate one Kubernetes object. Returns human-readable problems; an empty array means valid. */
export function validateObject(obj: any): string[] {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    return [`<not an object>: expected a Kubernetes object, got ${describe(obj)}`];
  }
  const label = objectLabel(obj);
  return manifestSchemaIssues(obj).map((p) => format(label, p));
}

/**
 * The schema problems of one Kubernetes object (plain JSON), each with its dotted path in the object; for
 * an unknown field, the fields the schema knows at that place (for a did-you-mean). Empty when valid.
 * Loads only the schema of the object's kind, once.
 */
export function manifestSchemaIssues(obj: any): SchemaIssue[] {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    return [{ path: '', message: `expected a Kubernetes object, got ${describe(obj)}` }];
  }
  const problems: Problem[] = [];
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || apiVersion === '') problems.push({ path: 'apiVersion', message: 'is required and must be a non-empty string' });
  if (typeof kind !== 'string' || kind === '') problems.push({ path: 'kind', message: 'is required and must be a non-empty string' });
  if (problems.length > 0) return problems;

  const crd = lookupCrd(apiVersion, kind);
  // Plain-JSON copy (drops undefined values as YAML output would, and detaches from the caller: the
  // kubernetes-models check of built-in kinds wraps the data in Proxies, which frozen objects refuse),
  // unless the object is plain JSON data already, as the writer's objects are (remote secrets share a
  // frozen spec; ajv only reads it): the copy was a tenth of a 200-cluster synth.
  const data = isPlainJson(obj, crd.kind === 'served') ? obj : JSON.parse(JSON.stringify(obj));
  problems.push(...checkMetadata(data));

  if (crd.kind === 'served') {
    problems.push(...validateCustomResource(crd.entry, data));
  } else if (crd.kind === 'unserved') {
    problems.push({ path: 'apiVersion', message: `version ${crd.version} of ${kind} exists in the CRD but is not served (served: ${crd.served.join(', ') || 'none'})` });
  } else {
    const removed = removedIn(apiVersion, kind);
    const core = removed ? undefined : coreModel(apiVersion, kind);
    if (removed) {
      problems.push({ path: 'apiVersion', message: `${apiVersion} ${kind} was removed in Kubernetes ${removed}` });
    } else if (core) {
      problems.push(...validateCore(core, data));
    } else {
      const hint = crd.kind === 'wrong-version' ? ` (the CRD serves ${crd.served.join(', ')})` : '';
      problems.push({ path: '', message: `no schema for ${apiVersion} ${kind}${hint}` });
    }
  }
  return problems;
}

/**
 * JSON data as JSON.parse returns it: no undefined, class-made or too deeply nested objects (so no
 * cycles), finite numbers; frozen objects only when `frozenOk`.
 */
function isPlainJson(value: unknown, frozenOk: boolean, depth = 0): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depth > 64 || (!frozenOk && Object.isFrozen(value))) return false;
  if (Array.isArray(value)) return value.every((v) => isPlainJson(v, frozenOk, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const k in value) if (!isPlainJson((value as Record<string, unknown>)[k], frozenOk, depth + 1)) return false;
  return true;
}

/** Validate many objects and throw (failing the jest test) listing every problem found. */
export function expectValid(objs: any[]): void {
  if (!Array.isArray(objs)) throw new Error(`expectValid: expected an array of objects, got ${describe(objs)}`);
  const all: string[] = [];
  let bad = 0;
  for (const obj of objs) {
    const problems = validateObject(obj);
    if (problems.length > 0) {
      bad++;
      all.push(...problems);
    }
  }
  if (all.length > 0) {
    throw new Error(`${all.length} schema problem(s) in ${bad} of ${objs.length} object(s):\n  - ${all.join('\n  - ')}`);
  }
}

/** True when this apiVersion/kind can be validated (served CRD version or a current built-in kind). */
export function schemaKnown(apiVersion: string, kind: string): boolean {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return false;
  if (lookupCrd(apiVersion, kind).kind === 'served') return true;
  return !removedIn(apiVersion, kind) && coreModel(apiVersion, kind) !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

/** One schema problem of an object. */
export interface SchemaIssue {
  /** dotted path inside the object, e.g. `spec.servers[0].tls.mode` ('' = the object itself) */
  readonly path: string;
  readonly message: string;
  /** For an unknown field: the fields the schema knows at that place. */
  readonly known?: readonly string[];
  /** For an unknown field: its value. */
  readonly value?: unknown;
}
type Problem = SchemaIssue;

function objectLabel(o: Json): string {
  const md = o && typeof o.metadata === 'object' && o.metadata !== null ? o.metadata : {};
  const name = typeof md.name === 'string' ? md.name : '<no name>';
  const ns = typeof md.namespace === 'string' ? `${md.namespace}/` : '';
  return `${o.apiVersion ?? '<no apiVersion>'} ${o.kind ?? '<no kind>'} ${ns}${name}`;
}

function format(label: string, p: SchemaIssue): string {
  return p.path ? `${label}: ${p.path}: ${p.message}` : `${label}: ${p.message}`;
}

function describe(v: unknown): string {
  if (v === undefined) return 'undefined';
  let s: string;
  try {
    s = JSON.stringify(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (IDENT.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${JSON.stringify(key)}]`;
}

/** JSON pointer (ajv instancePath) -> dotted path, using the data to tell array indexes from keys. */
function pointerToPath(pointer: string, root: Json): string {
  if (!pointer) return '';
  let out = '';
  let cur = root;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && /^\d+$/.test(seg)) {
      out = joinPath(out, Number(seg));
      cur = cur[Number(seg)];
    } else {
      out = joinPath(out, seg);
      cur = cur !== null && typeof cur === 'object' ? cur[seg] : undefined;
    }
  }
  return out;
}

function valueAt(root: Json, pointer: string): unknown {
  let cur = root;
  for (const raw of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

/** Turn ajv errors into problems; drop the per-branch noise underneath failed anyOf/oneOf/not. */
function ajvProblems(errors: ErrorObject[] | null | undefined, root: Json, base = ''): Problem[] {
  if (!errors) return [];
  const combinators = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'not');
  const underCombinator = (e: ErrorObject): boolean => combinators.some((c) =>
    e !== c && e.schemaPath.startsWith(`${c.schemaPath}/`) && (e.instancePath === c.instancePath || e.instancePath.startsWith(`${c.instancePath}/`)));
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (underCombinator(e)) continue;
    let p = pointerToPath(e.instancePath, root);
    let message: string;
    let known: string[] | undefined;
    let fieldValue: unknown;
    const value = valueAt(root, e.instancePath);
    switch (e.keyword) {
      case 'additionalProperties':
        p = joinPath(p, String((e.params as any).additionalProperty));
        message = 'unknown field (not in the schema; the API server would prune it, kubectl --validate=strict rejects it)';
        known = Object.keys((e.parentSchema as any)?.properties ?? {});
        fieldValue = (value as any)?.[(e.params as any).additionalProperty];
        break;
      case 'enum': {
        const allowed = ((e.params as any).allowedValues as unknown[]).map((v) => String(v));
        const shown = allowed.length > 30 ? [...allowed.slice(0, 30), `... ${allowed.length - 30} more`] : allowed;
        message = `must be one of [${shown.join(', ')}], got ${describe(value)}`;
        break;
      }
      case 'type': {
        const t = (e.params as any).type;
        message = `must be ${Array.isArray(t) ? t.join(' or ') : String(t ?? e.message)}, got ${describe(value)}`;
        break;
      }
      case 'required':
        p = joinPath(p, String((e.params as any).missingProperty));
        message = 'is required';
        break;
      case 'oneOf':
      case 'anyOf': {
        const names = requiredNames(e.schema);
        message = `${e.message ?? 'is invalid'}${names.length ? ` (alternatives involve: ${names.join(', ')})` : ''}`;
        if (names.length === 0) message += `, got ${describe(value)}`;
        break;
      }
      case 'pattern':
      case 'format':
      case 'minimum':
      case 'maximum':
      case 'minLength':
      case 'maxLength':
      case 'const':
        message = `${e.message ?? 'is invalid'}, got ${describe(value)}`;
        break;
      default:
        message = e.message ?? `fails ${e.keyword}`;
    }
    const full = base && p ? `${base}.${p}` : base || p;
    const key = `${full}\u0000${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(known ? { path: full, message, known, value: fieldValue } : { path: full, message });
    }
  }
  return out;
}

function requiredNames(schema: unknown): string[] {
  const names = new Set<string>();
  const walk = (s: unknown): void => {
    if (Array.isArray(s)) s.forEach(walk);
    else if (s && typeof s === 'object') {
      for (const [k, v] of Object.entries(s)) {
        if (k === 'required' && Array.isArray(v)) v.forEach((n) => names.add(String(n)));
        else if (k === 'anyOf' || k === 'oneOf' || k === 'allOf' || k === 'not') walk(v);
      }
    }
  };
  walk(schema);
  return [...names];
}

// ---------------------------------------------------------------------------------------------
// metadata checks shared by every kind
// ---------------------------------------------------------------------------------------------

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function nameProblem(apiVersion: string, kind: string, name: string): string | undefined {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  if (group === 'rbac.authorization.k8s.io') {
    // RBAC objects only need to be valid path segments (ClusterRole "system:foo" is fine).
    if (name === '.' || name === '..' || /[/%]/.test(name)) return 'must be a valid path segment name (not "." or "..", no "/" or "%")';
    return undefined;
  }
  if (group === '' && kind === 'Service') {
    if (name.length > 63 || !DNS1035_LABEL.test(name)) return 'must be a DNS-1035 label (lower-case alphanumerics and "-", starting with a letter, at most 63 characters)';
    return undefined;
  }
  if (group === '' && kind === 'Namespace') {
    if (name.length > 63 || !DNS1123_LABEL.test(name)) return 'must be a DNS-1123 label (lower-case alphanumerics and "-", at most 63 characters)';
    return undefined;
  }
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) return 'must be a DNS-1123 subdomain (lower-case alphanumerics, "-" and ".", at most 253 characters)';
  return undefined;
}

function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'has more than one "/"';
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) return 'prefix must be a DNS-1123 subdomain';
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) return 'name part must be 1-63 alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric';
  return undefined;
}

function checkMetadata(o: Json): Problem[] {
  const out: Problem[] = [];
  const md = o.metadata;
  if (md === undefined || md === null) return [{ path: 'metadata', message: 'is required' }];
  if (typeof md !== 'object' || Array.isArray(md)) return [{ path: 'metadata', message: `must be an object, got ${describe(md)}` }];
  if (typeof md.name !== 'string' || md.name === '') {
    out.push({ path: 'metadata.name', message: 'is required (generateName is not usable in GitOps manifests)' });
  } else {
    const p = nameProblem(o.apiVersion, o.kind, md.name);
    if (p) out.push({ path: 'metadata.name', message: `${p}, got ${describe(md.name)}` });
  }
  if (md.namespace !== undefined && (typeof md.namespace !== 'string' || md.namespace.length > 63 || !DNS1123_LABEL.test(md.namespace))) {
    out.push({ path: 'metadata.namespace', message: `must be a DNS-1123 label, got ${describe(md.namespace)}` });
  }
  for (const field of ['labels', 'annotations'] as const) {
    const m = md[field];
    if (m === undefined || m === null || typeof m !== 'object' || Array.isArray(m)) continue; // type errors come from the schema
    for (const [k, v] of Object.entries(m)) {
      const kp = qualifiedNameProblem(k);
      if (kp) out.push({ path: joinPath(`metadata.${field}`, k), message: `invalid key: ${kp}` });
      if (typeof v !== 'string') {
        out.push({ path: joinPath(`metadata.${field}`, k), message: `value must be a string, got ${describe(v)}` });
      } else if (field === 'labels' && (v.length > 63 || !LABEL_VALUE.test(v))) {
        out.push({ path: joinPath(`metadata.${field}`, k), message: `invalid label value (at most 63 alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric), got ${describe(v)}` });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Custom resources: CRD index + ajv
// ---------------------------------------------------------------------------------------------

interface CrdEntry {
  group: string;
  version: string;
  kind: string;
  served: boolean;
  file: string;
  schema: Json;
  validate?: ValidateFunction;
}

type CrdLookup =
  | { kind: 'served'; entry: CrdEntry }
  | { kind: 'unserved'; version: string; served: string[] }
  | { kind: 'wrong-version'; served: string[] }
  | { kind: 'none' };

const crdByGvk = new Map<string, CrdEntry>();
const versionsByGk = new Map<string, CrdEntry[]>();
const loadedGroupKinds = new Set<string>();

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/**
 * Load (once) the schemas of a group/kind from crds/schemas/ (see crd-schema-index.ts): one small JSON
 * file per group/kind, so that a synth reads and parses only the kinds it has. The folder is generated
 * from the pinned CRD files, committed and packed; test/crd-schemas.test.ts fails when it is stale.
 */
function loadGroupKind(group: string, kind: string): void {
  const key = `${group}/${kind}`;
  if (loadedGroupKinds.has(key)) return;
  loadedGroupKinds.add(key);
  if (!schemaIndex().has(key)) return;
  const entries = JSON.parse(fs.readFileSync(path.join(crdDir(), CRD_SCHEMA_DIR, crdSchemaFile(group, kind)), 'utf8')) as CrdEntry[];
  for (const e of entries) {
    crdByGvk.set(`${e.group}/${e.version}/${e.kind}`, e);
    versionsByGk.set(key, [...(versionsByGk.get(key) ?? []), e]);
  }
}

let indexCache: Set<string> | undefined;
/** The group/kinds of crds/schemas/index.json. */
function schemaIndex(): Set<string> {
  if (indexCache === undefined) {
    const file = path.join(crdDir(), CRD_SCHEMA_DIR, 'index.json');
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: the CRD schemas are generated from crds/*.yaml; run \`npm run crd-schemas\``);
    indexCache = new Set(JSON.parse(fs.readFileSync(file, 'utf8')) as string[]);
  }
  return indexCache;
}

function lookupCrd(apiVersion: string, kind: string): CrdLookup {
  const { group, version } = splitApiVersion(apiVersion);
  if (!group) return { kind: 'none' };
  loadGroupKind(group, kind);
  const entry = crdByGvk.get(`${group}/${version}/${kind}`);
  const served = (versionsByGk.get(`${group}/${kind}`) ?? []).filter((e) => e.served).map((e) => e.version);
  if (entry) return entry.served ? { kind: 'served', entry } : { kind: 'unserved', version, served };
  if (versionsByGk.has(`${group}/${kind}`)) return { kind: 'wrong-version', served };
  return { kind: 'none' };
}

// Formats Kubernetes checks on strings (int32/int64/double/float are ignored by the API server).
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;
const KNOWN_FORMATS = new Set(['int32', 'int64', 'double', 'float', 'byte', 'date-time']);

let ajvInstance: any;
function ajv(): any {
  return (ajvInstance ??= newAjv(false));
}

/**
 * The ajv that checks custom resources. `standalone`: one that emits the validators' source code
 * (scripts/crd-schemas.js writes them to crds/schemas/<group>_<kind>.js), so that a synth loads a
 * precompiled validator instead of compiling the kind's schema (most of the check's start-up cost).
 */
function newAjv(standalone: boolean): any {
  const AjvMod = projectRequire('ajv');
  const Ajv = AjvMod.default ?? AjvMod;
  // optimize: false: ajv's code optimization pass costs ~40% of compiling a large CRD schema (Argo CD's
  // Application), more than it saves on the few objects of a kind one synth validates.
  const a = new Ajv({
    strict: false, allErrors: true, verbose: true, unicodeRegExp: false, addUsedSchema: false, inlineRefs: false,
    code: standalone ? { source: true, optimize: false } : { optimize: false },
  });
  for (const f of ['int32', 'int64', 'double', 'float']) a.addFormat(f, true);
  a.addFormat('byte', BASE64);
  a.addFormat('date-time', DATE_TIME);
  a.addKeyword(listMapKeysKeyword());
  return a;
}

/**
 * `x-kubernetes-list-type: map`: no two items may share the same values for the list-map keys. A code
 * keyword (not a validate function) so that ajv's standalone code can contain it.
 */
const LIST_MAP_KEYS = 'k8sListMapKeys';
function listMapKeysKeyword(): any {
  const { _ } = projectRequire('ajv/dist/compile/codegen');
  const { _Code } = projectRequire('ajv/dist/compile/codegen/code');
  return {
    keyword: LIST_MAP_KEYS, type: 'array', schemaType: 'array',
    error: { message: ({ params }: any) => _`${params.dup}.message`, params: ({ params }: any) => _`{keys: ${params.keys}, first: ${params.dup}.first}` },
    code(cxt: any) {
      // eslint-disable-next-line no-new-func
      listMapDuplicates ??= new Function(`return ${LIST_MAP_DUPLICATES}`)();
      const fn = cxt.gen.scopeValue('func', { ref: listMapDuplicates, code: new _Code(LIST_MAP_DUPLICATES) });
      const keys = cxt.gen.const('keys', _`${cxt.schemaValue}`);
      cxt.gen.forOf('dup', _`${fn}(${cxt.data}, ${keys})`, (dup: any) => cxt.error(false, { dup, keys }));
    },
  };
}

/**
 * The duplicates in a list-map, as JavaScript source: it is copied into the generated validators, so it
 * is kept as text (a function's toString() depends on how the file was compiled or instrumented).
 */
const LIST_MAP_DUPLICATES = `(function listMapDuplicates(data, keys) {
  const show = (v) => {
    if (v === undefined) return 'undefined';
    let s;
    try { s = JSON.stringify(v); } catch (e) { s = String(v); }
    return s.length > 80 ? s.slice(0, 77) + '...' : s;
  };
  const seen = new Map();
  const out = [];
  data.forEach((item, i) => {
    if (item === null || typeof item !== 'object') return;
    const id = JSON.stringify(keys.map((k) => item[k] ?? null));
    const first = seen.get(id);
    if (first === undefined) seen.set(id, i);
    else out.push({ first, message: 'item [' + i + '] duplicates item [' + first + ']: ' + keys.map((k) => k + '=' + show(item[k])).join(', ') + ' (x-kubernetes-list-type: map)' });
  });
  return out;
})`;
let listMapDuplicates: ((data: Json[], keys: string[]) => { first: number; message: string }[]) | undefined;

/**
 * The JavaScript module of the precompiled validators of one group/kind's CRD versions (ajv standalone
 * code): `exports[version]()` returns the validate function, evaluated only when called.
 */
export function crdValidatorModule(entries: readonly { version: string; schema: Json }[]): string {
  const standaloneCode = projectRequire('ajv/dist/standalone').default;
  const a = newAjv(true);
  const parts = ['// Generated by scripts/crd-schemas.js from the CRD schema next to it (ajv standalone code): do not edit.', '"use strict";'];
  for (const e of entries) {
    const code: string = standaloneCode(a, a.compile(crdAjvSchema(e.schema)));
    parts.push(`exports[${JSON.stringify(e.version)}] = () => {\nconst module = { exports: {} };\n${code}\nreturn module.exports;\n};`);
  }
  return parts.join('\n') + '\n';
}

/**
 * The validator of a CRD version's openAPIV3Schema compiled now (what a synth does for a kind without a
 * generated validator); the tests compare it with the generated one.
 */
export function compileCrdValidator(schema: Json): ValidateFunction {
  return ajv().compile(crdAjvSchema(schema));
}

/** The JSON Schema ajv compiles for a CRD version's openAPIV3Schema. */
function crdAjvSchema(schema: Json): Json {
  return shareRepeatedSubschemas(crdRootSchema(schema));
}

const TRIVIAL_INT_OR_STRING = (s: Json): boolean =>
  Array.isArray(s) && s.length === 2 && s.every((b: Json) => b && Object.keys(b).length === 1 && (b.type === 'integer' || b.type === 'string'));

/**
 * Map a Kubernetes structural schema node onto plain JSON Schema.
 * `structural` is false inside anyOf/oneOf/allOf/not (value validations must not close objects).
 * `closeObjects` is false only for the root's `metadata` (validated separately).
 */
function toJsonSchema(s: Json, structural: boolean, closeObjects = true): Json {
  if (s === null || typeof s !== 'object' || Array.isArray(s)) return s;
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith('x-kubernetes-') || k === 'nullable' || k === 'description' || k === 'example' || k === 'default') continue;
    if (k === 'format' && !KNOWN_FORMATS.has(String(v))) continue;
    if (k === 'properties' && v && typeof v === 'object') {
      out.properties = Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, toJsonSchema(pv, structural)]));
    } else if (k === 'items' || k === 'additionalProperties') {
      out[k] = typeof v === 'object' ? toJsonSchema(v, structural) : v;
    } else if (k === 'anyOf' || k === 'oneOf' || k === 'allOf') {
      out[k] = (v as Json[]).map((b) => toJsonSchema(b, false));
    } else if (k === 'not') {
      out.not = toJsonSchema(v, false);
    } else {
      out[k] = v;
    }
  }
  if (s['x-kubernetes-list-type'] === 'set') out.uniqueItems = true;
  if (s['x-kubernetes-list-type'] === 'map' && Array.isArray(s['x-kubernetes-list-map-keys'])) out[LIST_MAP_KEYS] = s['x-kubernetes-list-map-keys'];
  if (s['x-kubernetes-embedded-resource'] === true) {
    // An embedded object: apiVersion/kind/metadata are implicitly part of its schema.
    out.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...(out.properties ?? {}) };
  }
  if (s['x-kubernetes-int-or-string'] === true) {
    out.type = ['integer', 'string'];
    if (TRIVIAL_INT_OR_STRING(out.anyOf)) delete out.anyOf;
  }
  if (s.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (Array.isArray(out.type) && !out.type.includes('null')) out.type = [...out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  // The API server applies defaults before validating, so a property with a default is never missing.
  if (Array.isArray(out.required) && s.properties && typeof s.properties === 'object') {
    const req = out.required.filter((r: string) => s.properties[r]?.default === undefined);
    if (req.length > 0) out.required = req;
    else delete out.required;
  }
  const isObject = out.type === 'object' || (Array.isArray(out.type) && out.type.includes('object')) || out.properties !== undefined;
  if (structural && closeObjects && isObject && out.additionalProperties === undefined && s['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

function crdRootSchema(schema: Json): Json {
  const root = toJsonSchema({ ...schema, properties: { ...(schema.properties ?? {}) } }, true);
  root.properties = root.properties ?? {};
  // apiVersion/kind/metadata are implicitly allowed at the root; many CRDs (all of Istio's) omit them.
  const md = schema.properties?.metadata;
  root.properties.metadata = md ? toJsonSchema(md, true, false) : { type: 'object' };
  root.properties.apiVersion = root.properties.apiVersion ?? { type: 'string' };
  root.properties.kind = root.properties.kind ?? { type: 'string' };
  return root;
}

/**
 * Hoist large sub-schemas that occur more than once into `$defs` so ajv compiles each only once.
 * Argo CD's ApplicationSet repeats the whole Application spec for every generator type; without
 * this its schema takes several seconds to compile.
 */
function shareRepeatedSubschemas(root: Json, minLength = 400): Json {
  const text = new Map<object, string>();
  const count = new Map<string, number>();
  const ser = (n: Json): string => {
    if (n === null || typeof n !== 'object') return JSON.stringify(n);
    const cached = text.get(n);
    if (cached !== undefined) return cached;
    const str = Array.isArray(n)
      ? `[${n.map(ser).join(',')}]`
      : `{${Object.keys(n).sort().map((k) => `${JSON.stringify(k)}:${ser(n[k])}`).join(',')}}`;
    text.set(n, str);
    count.set(str, (count.get(str) ?? 0) + 1);
    return str;
  };
  ser(root);
  const defs: Record<string, Json> = {};
  const defName = new Map<string, string>();
  const share = (n: Json): Json => {
    if (n === null || typeof n !== 'object' || Array.isArray(n)) return n;
    const str = text.get(n)!;
    if (n !== root && str.length >= minLength && (count.get(str) ?? 0) > 1) {
      let name = defName.get(str);
      if (!name) {
        name = `s${defName.size}`;
        defName.set(str, name);
        defs[name] = rebuild(n);
      }
      return { $ref: `#/$defs/${name}` };
    }
    return rebuild(n);
  };
  const rebuild = (n: Json): Json => {
    const out: Json = { ...n };
    if (n.properties) out.properties = Object.fromEntries(Object.entries(n.properties).map(([k, v]) => [k, share(v)]));
    if (n.items && typeof n.items === 'object') out.items = share(n.items);
    if (n.additionalProperties && typeof n.additionalProperties === 'object') out.additionalProperties = share(n.additionalProperties);
    for (const c of ['anyOf', 'oneOf', 'allOf']) if (Array.isArray(n[c])) out[c] = n[c].map(share);
    if (n.not) out.not = share(n.not);
    return out;
  };
  const out = rebuild(root);
  if (Object.keys(defs).length > 0) out.$defs = defs;
  return out;
}

/** The validator generated for the entry's kind and version (crds/schemas/<group>_<kind>.js), if there is one. */
function precompiled(entry: CrdEntry): ValidateFunction | undefined {
  if (!schemaIndex()) return undefined; // no crds/schemas: the schemas come from the YAML files
  const file = path.join(crdDir(), CRD_SCHEMA_DIR, crdValidatorFile(entry.group, entry.kind));
  if (!fs.existsSync(file)) return undefined;
  const make = (require(file) as Record<string, () => ValidateFunction>)[entry.version];
  return typeof make === 'function' ? make() : undefined;
}

function validateCustomResource(entry: CrdEntry, data: Json): Problem[] {
  if (!entry.validate) {
    try {
      entry.validate = precompiled(entry) ?? compileCrdValidator(entry.schema);
    } catch (err) {
      return [{ path: '', message: `cannot compile the schema of ${entry.group}/${entry.version} ${entry.kind} from crds/${entry.file}: ${(err as Error).message}` }];
    }
  }
  const validate = entry.validate!;
  const problems = validate(data) ? [] : ajvProblems(validate.errors, data);
  // metadata is left open in the CRD schema; check it against the real ObjectMeta schema.
  if (data.metadata && typeof data.metadata === 'object' && !Array.isArray(data.metadata)) {
    problems.push(...validateWithModel(objectMetaModel(), data.metadata, 'metadata'));
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Built-in kinds: kubernetes-models + unknown-field detection
// ---------------------------------------------------------------------------------------------

interface ModelClass {
  apiVersion?: string;
  kind?: string;
  prototype: { validate(this: unknown): void };
}

/** group/version -> the Kubernetes release that stopped serving it (every kind kubernetes-models has there). */
const REMOVED_GROUP_VERSIONS: Record<string, string> = {
  'extensions/v1beta1': '1.22',
  'apps/v1beta1': '1.16',
  'apps/v1beta2': '1.16',
  'admissionregistration.k8s.io/v1beta1': '1.22',
  'apiextensions.k8s.io/v1beta1': '1.22',
  'apiregistration.k8s.io/v1beta1': '1.22',
  'authentication.k8s.io/v1beta1': '1.22',
  'authorization.k8s.io/v1beta1': '1.22',
  'certificates.k8s.io/v1beta1': '1.22',
  'coordination.k8s.io/v1beta1': '1.22',
  'networking.k8s.io/v1beta1': '1.22',
  'rbac.authorization.k8s.io/v1beta1': '1.22',
  'scheduling.k8s.io/v1beta1': '1.22',
  'batch/v1beta1': '1.25',
  'discovery.k8s.io/v1beta1': '1.25',
  'events.k8s.io/v1beta1': '1.25',
  'autoscaling/v2beta1': '1.25',
  'policy/v1beta1': '1.25',
  'node.k8s.io/v1beta1': '1.25',
  'autoscaling/v2beta2': '1.26',
  'flowcontrol.apiserver.k8s.io/v1beta1': '1.26',
  'flowcontrol.apiserver.k8s.io/v1beta2': '1.29',
  'flowcontrol.apiserver.k8s.io/v1beta3': '1.32',
};
/** Individual kinds in still-served group/versions that were removed. */
const REMOVED_KINDS: Record<string, string> = {
  'storage.k8s.io/v1beta1 CSIDriver': '1.22',
  'storage.k8s.io/v1beta1 CSINode': '1.22',
  'storage.k8s.io/v1beta1 StorageClass': '1.22',
  'storage.k8s.io/v1beta1 VolumeAttachment': '1.22',
  'storage.k8s.io/v1beta1 CSIStorageCapacity': '1.27',
};

function removedIn(apiVersion: string, kind: string): string | undefined {
  return REMOVED_KINDS[`${apiVersion} ${kind}`] ?? REMOVED_GROUP_VERSIONS[apiVersion];
}

const coreCache = new Map<string, ModelClass | null>();

function coreModel(apiVersion: string, kind: string): ModelClass | undefined {
  const key = `${apiVersion} ${kind}`;
  if (!coreCache.has(key)) coreCache.set(key, loadCoreModel(apiVersion, kind) ?? null);
  return coreCache.get(key) ?? undefined;
}

function loadCoreModel(apiVersion: string, kind: string): ModelClass | undefined {
  const { group, version } = splitApiVersion(apiVersion);
  if (!/^[A-Z][A-Za-z0-9]*$/.test(kind) || !/^v\d+[a-z0-9]*$/.test(version) || (group && !/^[a-z0-9][a-z0-9.-]*$/.test(group))) return undefined;
  const modPath = group ? `kubernetes-models/${group}/${version}/${kind}` : `kubernetes-models/${version}/${kind}`;
  let mod: Record<string, ModelClass>;
  try {
    mod = projectRequire(modPath);
  } catch {
    return undefined;
  }
  const cls = mod[kind];
  // Sub-structures (PodSpec, ...) have modules too, but no apiVersion/kind of their own.
  if (!cls || cls.apiVersion !== apiVersion || cls.kind !== kind) return undefined;
  return cls;
}

let objectMetaClass: ModelClass | undefined;
function objectMetaModel(): ModelClass {
  if (!objectMetaClass) {
    const kmRequire = createRequire(projectRequire.resolve('kubernetes-models/package.json'));
    objectMetaClass = kmRequire('@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta').ObjectMeta as ModelClass;
  }
  return objectMetaClass;
}

function validateCore(cls: ModelClass, data: Json): Problem[] {
  return validateWithModel(cls, data, '');
}

/**
 * Run a kubernetes-models generated validator over `data`, then report every field the validator
 * never looked at.
 *
 * The generated (ajv standalone) validators check `data.<prop> === undefined` for every property of
 * every object schema, enumerate keys only for map-like schemas (additionalProperties), and never
 * touch free-form objects (RawExtension, JSON, fieldsV1). Running the validator on a Proxy and
 * recording property reads therefore recovers the schema's property set exactly, without needing the
 * raw OpenAPI document (which kubernetes-models does not ship).
 */
function validateWithModel(cls: ModelClass, data: Json, base: string): Problem[] {
  const tracker = new AccessTracker();
  const proxy = tracker.wrap(data);
  const problems: Problem[] = [];
  try {
    cls.prototype.validate.call(proxy);
  } catch (err) {
    const errors = (err as { errors?: ErrorObject[] }).errors;
    if (!Array.isArray(errors)) throw err;
    problems.push(...ajvProblems(errors, data, base));
  }
  findUnknownFields(data, base, tracker, problems);
  return problems;
}

interface Access {
  read: Set<string>;
  enumerated: boolean;
}

class AccessTracker {
  private readonly access = new WeakMap<object, Access>();
  private readonly proxies = new WeakMap<object, object>();

  info(target: object): Access | undefined {
    return this.access.get(target);
  }

  wrap<T>(value: T): T {
    if (value === null || typeof value !== 'object') return value;
    const target = value as unknown as object;
    const existing = this.proxies.get(target);
    if (existing) return existing as T;
    const acc: Access = { read: new Set(), enumerated: false };
    this.access.set(target, acc);
    const proxy = new Proxy(target, {
      get: (t, k, r) => {
        const v = Reflect.get(t, k, r);
        if (typeof k === 'string') {
          acc.read.add(k);
          if (v !== null && typeof v === 'object') return this.wrap(v);
        }
        return v;
      },
      has: (t, k) => {
        if (typeof k === 'string') acc.read.add(k);
        return Reflect.has(t, k);
      },
      ownKeys: (t) => {
        acc.enumerated = true;
        return Reflect.ownKeys(t);
      },
    });
    this.proxies.set(target, proxy);
    return proxy as T;
  }
}

function findUnknownFields(value: Json, p: string, tracker: AccessTracker, out: Problem[]): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => findUnknownFields(v, joinPath(p, i), tracker, out));
    return;
  }
  const acc = tracker.info(value);
  if (!acc) return; // the validator never reached this object (e.g. inside a free-form field)
  if (!acc.enumerated && acc.read.size === 0) return; // free-form object ({type: object} only)
  for (const k of Object.keys(value)) {
    const childPath = joinPath(p, k);
    if (acc.enumerated || acc.read.has(k)) {
      findUnknownFields(value[k], childPath, tracker, out);
    } else {
      out.push({ path: childPath, message: 'unknown field (not in the Kubernetes schema; kubectl --validate=strict rejects it)', known: [...acc.read].filter((r) => !(r in value)).sort(), value: value[k] });
    }
  }
}
