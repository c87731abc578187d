/**
 * The last line of defence before anything reaches the disk: nothing synthesized may carry secret
 * material. The model never puts any there (secrets come from the store at run time), but user code can
 * add objects to a cluster chart and topology values land in manifests, so every object is checked:
 * every key and every string value (secret-text.ts says what secret material looks like in a string),
 * plus what only the structure shows: a v1 Secret with data, a credential-named key or environment
 * variable with a literal value, private key material under a `tls.key`-like key.
 *
 * A finding names the place (a key path; a key that itself holds secret material is shown as
 * `[<key containing ...>]`) and the kind of secret, never the secret.
 */
import { isLiteralCredential, SecretKind, secretInText } from './secret-text';

/** A place where secret material was found. */
export interface SecretFinding {
  /** Key path inside the object (`data.password`, `spec.containers[0].env[1].value`); secrets redacted. */
  readonly path: string;
  /** What was found; never the secret itself. */
  readonly reason: string;
  /** A fix specific to this finding, when the generic one does not fit. */
  readonly fix?: string;
}

// Names whose string value is a credential, compared lower-cased without `-`, `_`, `.` separators, by
// suffix: `token`, `DB_PASSWORD`, `clientSecret`, `client-key-data`, `x-api-key`, `Authorization`...
const CREDENTIAL_SUFFIXES = ['token', 'password', 'passwd', 'secret', 'apikey', 'privatekey', 'clientkeydata', 'secretaccesskey', 'authorization'];
// Data keys of private key files (`tls.key`, `ca.key`, `tls-key.pem`, `ssh-privatekey`): Kubernetes data
// keys (`[-._a-zA-Z0-9]+`) only, so annotation keys such as `example.com/some.key` are not taken for one.
const KEY_FILE = /^[-._a-zA-Z0-9]*(?:\.key|[-._]?key\.pem|privatekey)$/i;
// What a key file may hold without being secret: a certificate or a public key.
const PUBLIC_PEM = /^\s*-----BEGIN (?:CERTIFICATE|PUBLIC KEY|[A-Z0-9]+ PUBLIC KEY)-----/;

/** What a key tells the guard, computed once per distinct key (objects share few key names). */
interface KeyInfo {
  /** Secret material in the key itself. */
  readonly inKey?: SecretKind;
  /** The key names a credential: its literal string value is one. */
  readonly credential: boolean;
  /** The key names a private key file. */
  readonly keyFile: boolean;
}

const KEYS = new Map<string, KeyInfo>();
// Results for short strings, which repeat across objects (namespaces, kinds, labels): a lookup costs a
// sixth of a scan. Long strings are scanned each time, so the cache holds no large text.
const TEXTS = new Map<string, SecretKind | null>();
const MAX_CACHED_TEXT = 256;
const MAX_CACHED_TEXTS = 100_000;

/** secretInText, cached for short strings (it is a pure function of the string). */
function secretInString(s: string): SecretKind | undefined {
  if (s.length > MAX_CACHED_TEXT) return secretInText(s);
  let kind = TEXTS.get(s);
  if (kind === undefined) {
    kind = secretInText(s) ?? null;
    if (TEXTS.size >= MAX_CACHED_TEXTS) TEXTS.clear();
    TEXTS.set(s, kind);
  }
  return kind ?? undefined;
}
// Keys are few in real output; the cap keeps a hostile input (or a long test run) from growing the cache.
const MAX_CACHED_KEYS = 10_000;

function keyInfo(key: string): KeyInfo {
  let info = KEYS.get(key);
  if (!info) {
    const normalized = key.toLowerCase().replace(/[-_.]/g, '');
    info = {
      inKey: secretInText(key),
      credential: CREDENTIAL_SUFFIXES.some((s) => normalized.endsWith(s)),
      keyFile: KEY_FILE.test(key),
    };
    if (KEYS.size >= MAX_CACHED_KEYS) KEYS.clear();
    KEYS.set(key, info);
  }
  return info;
}

/** A finding's kind as the reason text of a problem. */
function contains(kind: SecretKind): { reason: string; fix?: string } {
  return { reason: `contains ${kind.kind}`, ...(kind.fix ? { fix: kind.fix } : {}) };
}

// Findings below frozen objects, relative to them, computed once.
const FROZEN = new WeakMap<object, SecretFinding[]>();
// No findings: shared, never pushed to (add() replaces it) and never handed to a caller.
const NONE: SecretFinding[] = [];

/**
 * One walk over an object. Paths are kept as a stack of segments and joined only for a finding: the
 * guard visits every key of tens of thousands of objects, and almost none has a finding.
 */
class Walk {
  /** The findings so far (NONE until the first, so that walking a clean frozen body allocates nothing). */
  public findings: SecretFinding[] = NONE;
  // A key, an array index, or a key that is itself secret (shown only as the kind it contains).
  private readonly segments: (string | number | SecretKind)[] = [];
  // Where the current path starts in `segments`: a frozen body's findings are relative to the body.
  private root = 0;

  public visit(value: unknown): void {
    if (typeof value === 'string') {
      // Most strings are short names; secretInText ignores them too, this saves the lookup.
      if (value.length < 8) return;
      const kind = secretInString(value);
      if (kind) this.report(contains(kind));
    } else if (value !== null && typeof value === 'object') {
      if (Object.isFrozen(value)) this.visitFrozen(value);
      else this.visitFresh(value);
    }
  }

  private visitFresh(value: object): void {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        this.segments.push(i);
        this.visit(value[i]);
        this.segments.pop();
      }
      return;
    }
    const obj = value as Record<string, unknown>;
    // A Secret's data is reported as a whole; its values are not reported again one by one.
    const reported = obj.apiVersion === 'v1' && obj.kind === 'Secret' ? this.secretData(obj) : undefined;
    if (typeof obj.name === 'string' && typeof obj.value === 'string') this.nameValuePair(obj.name, obj.value);
    for (const key of Object.keys(obj)) {
      if (reported?.includes(key)) continue;
      const info = keyInfo(key);
      const v = obj[key];
      if (info.inKey) {
        // The key itself is secret: it never appears in a path, not even below it.
        this.segments.push(info.inKey);
        this.report(contains(info.inKey));
      } else {
        this.segments.push(key);
      }
      if (typeof v === 'string' && (info.credential || info.keyFile)) this.credentialValue(key, info, v);
      else this.visit(v);
      this.segments.pop();
    }
  }

  /** Findings below a frozen object (a shared body of PlainApiObjects) are computed once, relative to it. */
  private visitFrozen(value: object): void {
    let found = FROZEN.get(value);
    if (!found) {
      const findings = this.findings;
      const root = this.root;
      this.findings = NONE;
      this.root = this.segments.length;
      this.visitFresh(value);
      found = this.findings;
      this.findings = findings;
      this.root = root;
      FROZEN.set(value, found);
    }
    if (found.length === 0) return;
    const prefix = this.path();
    for (const f of found) {
      this.add({ ...f, path: prefix && f.path && !f.path.startsWith('[') ? `${prefix}.${f.path}` : prefix + f.path });
    }
  }

  /** A string under a credential or key-file name: the text recognizers first (more specific), then the name. */
  private credentialValue(key: string, info: KeyInfo, value: string): void {
    const kind = secretInString(value);
    if (kind) {
      this.report(contains(kind));
    } else if (info.keyFile && value.trim() !== '' && !PUBLIC_PEM.test(value) && isLiteralCredential(value)) {
      this.report({ reason: `holds private key material under the key-file name ${JSON.stringify(key)}` });
    } else if (info.credential && isLiteralCredential(value)) {
      this.report({ reason: `holds a literal credential under the name ${JSON.stringify(key)}${value.includes('{{') ? ' (a template expression that is a literal, not a reference to store data)' : ''}` });
    }
  }

  /** `{name: DB_PASSWORD, value: hunter2}`: an environment variable or a Helm/Argo CD parameter. */
  private nameValuePair(name: string, value: string): void {
    const info = keyInfo(name);
    if (info.credential && !info.inKey && !secretInString(value) && isLiteralCredential(value)) {
      this.segments.push('value');
      this.report({ reason: `holds a literal credential in the value of ${JSON.stringify(name)}${value.includes('{{') ? ' (a template expression that is a literal, not a reference to store data)' : ''}` });
      this.segments.pop();
    }
  }

  /** A v1 Secret with data would put its values in git, whatever they look like. Returns the fields reported. */
  private secretData(obj: Record<string, unknown>): string[] {
    const reported: string[] = [];
    for (const field of ['data', 'stringData']) {
      const data = obj[field];
      if (data === null || typeof data !== 'object') continue;
      const keys = Object.entries(data).filter(([, v]) => v !== '' && v !== null).map(([k]) => (keyInfo(k).inKey ? '<redacted key>' : k));
      if (keys.length > 0) {
        this.segments.push(field);
        this.report({ reason: `a Secret with ${field} (${keys.join(', ')}) would put secret values in git; deliver them through the secret store (ExternalSecret) instead` });
        this.segments.pop();
        reported.push(field);
      }
    }
    return reported;
  }

  private report(f: { reason: string; fix?: string }): void {
    this.add({ path: this.path(), ...f });
  }

  private add(f: SecretFinding): void {
    if (this.findings === NONE) this.findings = [];
    this.findings.push(f);
  }

  /** The current path from the root: `a.b[0].c`, a secret key as `[<key containing ...>]`. */
  private path(): string {
    let out = '';
    for (let i = this.root; i < this.segments.length; i++) {
      const s = this.segments[i];
      if (typeof s === 'number') out += `[${s}]`;
      else if (typeof s === 'string') out += out === '' ? s : `.${s}`;
      else out += `[<key containing ${s.kind}>]`;
    }
    return out;
  }
}



/** Finds secret material in one object (a manifest or an install-input document). */
export function findSecretMaterial(obj: unknown): SecretFinding[] {
  const walk = new Walk();
  walk.visit(obj);
  return walk.findings === NONE ? [] : walk.findings;
}
