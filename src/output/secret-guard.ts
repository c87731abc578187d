/**
 * The last line of defence before anything reaches the disk: nothing synthesized may carry secret
 * material. The model never puts any there (secrets come from the store at run time), but user code can
 * add objects to a cluster chart, so every object is checked.
 */

const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
// A literal credential in a kubeconfig or similar: `token: <value>` that is not a template expression
// (which the YAML emitter writes in single quotes: `token: '{{ index . "token" }}'`).
const LITERAL_CREDENTIAL = /^\s*-?\s*(token|client-key-data|password|auth-provider-token)\s*:\s*(?!["']?\{\{)(?!["']?\s*$)\S+/m;

const CREDENTIAL_WORDS = ['token', 'client-key-data', 'password'];

/** A place where secret material was found. */
export interface SecretFinding {
  readonly path: string;
  readonly reason: string;
}

// Findings below frozen objects (shared bodies of PlainApiObjects), relative to them, computed once.
const FROZEN = new WeakMap<object, SecretFinding[]>();

function walk(value: unknown, path: string, out: SecretFinding[]): void {
  if (value !== null && typeof value === 'object' && Object.isFrozen(value)) {
    let found = FROZEN.get(value);
    if (!found) {
      found = [];
      walkFresh(value, '', found);
      FROZEN.set(value, found);
    }
    for (const f of found) out.push({ path: f.path ? (path ? `${path}${f.path.startsWith('[') ? '' : '.'}${f.path}` : f.path) : path, reason: f.reason });
    return;
  }
  walkFresh(value, path, out);
}

function walkFresh(value: unknown, path: string, out: SecretFinding[]): void {
  if (typeof value === 'string') {
    // Cheap substring checks first: the regular expressions run only on candidate strings.
    if (value.includes('PRIVATE KEY') && PRIVATE_KEY.test(value)) out.push({ path, reason: 'contains a PEM private key' });
    else if (CREDENTIAL_WORDS.some((w) => value.includes(w)) && LITERAL_CREDENTIAL.test(value)) out.push({ path, reason: `contains a literal credential ("${LITERAL_CREDENTIAL.exec(value)![1]}:")` });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, `${path}[${i}]`, out));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k, out);
  }
}

/** Finds secret material in one object (a manifest or an install-input document). */
export function findSecretMaterial(obj: any): SecretFinding[] {
  const out: SecretFinding[] = [];
  if (obj && obj.apiVersion === 'v1' && obj.kind === 'Secret') {
    for (const field of ['data', 'stringData']) {
      const entries = Object.entries(obj[field] ?? {}).filter(([, v]) => v !== '' && v !== null);
      if (entries.length > 0) {
        out.push({ path: field, reason: `a Secret with ${field} (${entries.map(([k]) => k).join(', ')}) would put secret values in git; deliver them through the secret store (ExternalSecret) instead` });
      }
    }
  }
  walk(obj, '', out);
  return out;
}
