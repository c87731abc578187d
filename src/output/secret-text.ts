/**
 * What secret material looks like inside one string (a value or a key): PEM private keys, base64 that
 * decodes to secret material, passwords in URL userinfo, JSON Web Tokens, AWS access key IDs, literal
 * Authorization headers, and literal credentials assigned in embedded YAML, JSON or `key=value` text.
 *
 * Every recognizer is behind a cheap substring or length check, so the regular expressions run only on
 * candidate strings: the guard sees every string of every object of meshes with tens of thousands of
 * objects. Results name the kind of secret, never the secret itself.
 */

/** The kind of secret material found, phrased to follow "contains ". */
export interface SecretKind {
  /** E.g. `a PEM private key`; never includes the secret. */
  readonly kind: string;
  /** A fix specific to this kind, when the generic one (deliver it through the store) does not fit. */
  readonly fix?: string;
}

// Every PEM private key label (RFC 7468 §10-11: PRIVATE KEY, ENCRYPTED PRIVATE KEY; OpenSSL's RSA/EC/DSA
// PRIVATE KEY; OpenSSH's OPENSSH PRIVATE KEY; OpenPGP's PRIVATE KEY BLOCK). Public CERTIFICATE and
// PUBLIC KEY blocks are not secret: federation carries public trust anchors.
const PEM_PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;

// scheme://authority, up to the first character that ends an authority (RFC 3986 §3.2). Greedy, so
// the userinfo ends at the authority's last `@`, as WHATWG URL parsing reads it. The scheme starts a
// word and the authority is bounded, so hostile text cannot make the search quadratic.
const URL_AUTHORITY = /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*:\/\/([^\s/?#"'<>\\]{0,1024})@/g;

// header.payload.signature, both JSON parts starting `{"` (base64url `eyJ`); the signature may be empty
// (alg none), which is still a bearer credential.
const JWT = /(?:^|[^A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/;

// AWS access key IDs (long-term AKIA, temporary ASIA): 20 characters, upper case and digits.
const AWS_ACCESS_KEY_ID = /(?:^|[^A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/;

// `Authorization: Bearer x`, `"authorization": "Basic x"`, `Proxy-Authorization=Token x`...
const AUTHORIZATION = /authorization\\{0,3}["']?[ \t]*[:=][ \t]*\\{0,3}["']?[ \t]*(?:bearer|basic|token|digest)[ \t]+([^\s"'\\,;]+)/gi;
// `Bearer <x>` anywhere (a header map, a curl line): x at least 8 token characters.
const BEARER = /\bbearer\s+([A-Za-z0-9._~+/-]{8,}=*)/gi;

// Key names whose value is a credential: the name ends with one of these words (any case, `_`, `-` or
// `.` separators, camelCase): `token`, `DB_PASSWORD`, `clientSecret`, `client-key-data`, `apiKey`...
const CREDENTIAL_NAME = '[A-Za-z0-9_.-]*?(?:token|passw(?:or)?d|secret|api[_.-]?key|private[_.-]?key|client[_.-]?key[_.-]?data|secret[_.-]?access[_.-]?key)';
// YAML `name: value` on its own line (block mapping or sequence entry), key plain or quoted.
const YAML_ASSIGNMENT = new RegExp(`^[ \\t]*(?:-[ \\t]+)?["']?(${CREDENTIAL_NAME})["']?[ \\t]*:[ \\t]+([^\\n]*)$`, 'gim');
// JSON `"name": "value"`, also escaped JSON inside JSON strings (`\"name\":\"value\"`, two levels).
const JSON_ASSIGNMENT = new RegExp(`\\\\{0,3}"(${CREDENTIAL_NAME})\\\\{0,3}"[ \\t]*:[ \\t]*\\\\{0,3}"([^"\\\\]*)`, 'gi');
// `name=value` in a query string, a command line (`--token=x`), an env file or a connection string.
const PAIR_ASSIGNMENT = new RegExp(`(?:^|[\\s?&;,"'])-{0,2}(${CREDENTIAL_NAME})=([^\\s&;,"']*)`, 'gi');
// Candidates for the three above, cheaper than running them (any case of the words' cores).
const CREDENTIAL_CANDIDATE = /oken|assw|ecret|pi.?key|rivate.?key|key.?data/i;

// What every recognizer but base64 needs: a separator (`:`, ` `, `=`: PEM headers, URLs, assignments,
// headers) or the start of a JWT or an AWS key ID. Most strings in manifests (names, labels) have none.
const SHORT_CANDIDATE = /[: =]|eyJ|AKIA|ASIA/;

// Runs of the base64 alphabet long enough to hide a PEM header (`-----BEGIN PRIVATE KEY-----` is 36
// characters of base64) and whole values that are base64 (wrapped at any width, standard or url-safe;
// spaces mean text around base64, which the runs find).
const MIN_BASE64 = 36;
const BASE64_RUN = /[A-Za-z0-9+/]{36,}={0,2}/g;
const BASE64_VALUE = /^[A-Za-z0-9+/_=\r\n-]+$/;
// base64 inside base64 is decoded too, once.
const MAX_BASE64_DEPTH = 2;

const GO_TEMPLATE_LITERALS = /"(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*'/g;
// Longer actions are not read (and so count as literals): no real reference is that long.
const MAX_TEMPLATE_ACTION = 1024;

/**
 * Whether a value assigned to a credential name is a literal credential. References are fine: an
 * External Secrets / Go template action that reads data (`{{ index . "token" }}`, `{{ .password }}`), an
 * environment reference (`$(TOKEN)`, `${TOKEN}`, `$TOKEN`), a `<placeholder>`, and YAML values that are
 * not strings or are continued on the next lines (the guard sees the nested value itself when it is
 * structured). A template action made only of literals (`{{ "abc123" }}`) is a literal.
 */
export function isLiteralCredential(raw: string): boolean {
  let v = raw.trim();
  // A trailing YAML comment is not part of the value.
  const comment = v.indexOf(' #');
  if (comment >= 0) v = v.slice(0, comment).trim();
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) v = v.slice(1, -1).trim();
  // Not a string, a block scalar continued below, an anchor or alias, a flow collection (structure).
  if (v === '' || /^(?:null|~|true|false|[|>][-+0-9]*|[&*]\S+)$/i.test(v) || /^(?:\[|\{(?!\{))/.test(v)) return false;
  if (/^\$(?:\{\w+\}|\(\w+\)|\w+)$/.test(v) || /^<[^<>]*>$/.test(v)) return false;
  if (v.includes('{{')) return !referencesTemplateData(v);
  return true;
}

/**
 * Whether a string's Go template actions read data (a field or variable: `.`, `$`), so the string is a
 * reference into the store rather than a literal. Actions that only hold literals do not; a string
 * with no complete action does not either.
 */
function referencesTemplateData(s: string): boolean {
  // indexOf, not a lazy regular expression: linear however many `{{` a hostile value has.
  for (let open = s.indexOf('{{'); open >= 0; open = s.indexOf('{{', open + 2)) {
    const close = s.indexOf('}}', open + 2);
    if (close < 0) return false;
    if (close - open > MAX_TEMPLATE_ACTION) continue;
    // Trim markers (`{{-`, `-}}`) and literals out; what is left names functions, fields and variables.
    const code = s.slice(open + 2, close).replace(/^-\s|\s-$/g, ' ').replace(GO_TEMPLATE_LITERALS, ' "" ');
    if (/(?:^|\W)[.$]/.test(code)) return true;
    open = close;
  }
  return false;
}

/** The first credential name assigned a literal by `pattern` in `s`, if any. */
function literalAssignment(pattern: RegExp, s: string): string | undefined {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(s); m; m = pattern.exec(s)) {
    if (isLiteralCredential(m[2])) return m[1];
  }
  return undefined;
}

/** Whether the userinfo of some URL in `s` carries a password (`user:password@`). */
function urlWithPassword(s: string): boolean {
  URL_AUTHORITY.lastIndex = 0;
  for (let m = URL_AUTHORITY.exec(s); m; m = URL_AUTHORITY.exec(s)) {
    const userinfo = m[1];
    const colon = userinfo.indexOf(':');
    if (colon >= 0 && isLiteralCredential(userinfo.slice(colon + 1))) return true;
  }
  return false;
}

/** Whether `s` has a literal Authorization header or bearer token. */
function literalAuthorization(s: string): boolean {
  AUTHORIZATION.lastIndex = 0;
  for (let m = AUTHORIZATION.exec(s); m; m = AUTHORIZATION.exec(s)) {
    if (isLiteralCredential(m[1])) return true;
  }
  BEARER.lastIndex = 0;
  // Real tokens carry digits or punctuation; this keeps prose ("Bearer authentication") out.
  for (let m = BEARER.exec(s); m; m = BEARER.exec(s)) {
    if (/[^A-Za-z]/.test(m[1])) return true;
  }
  return false;
}

/** Secret material in base64 inside `s`: the whole value, or any long run, decoded at every alignment. */
function inBase64(s: string, depth: number): SecretKind | undefined {
  const candidates: string[] = [];
  if (BASE64_VALUE.test(s)) {
    candidates.push(s.replace(/\s+/g, ''));
  } else {
    BASE64_RUN.lastIndex = 0;
    for (let m = BASE64_RUN.exec(s); m; m = BASE64_RUN.exec(s)) {
      // A run glued to other text may start off a 4-character boundary.
      for (let i = 0; i < 4; i++) candidates.push(m[0].slice(i));
    }
  }
  for (const c of candidates) {
    // latin1: one character per byte, so the recognizers see the decoded ASCII unchanged.
    const found = secretInText(Buffer.from(c, 'base64').toString('latin1'), depth + 1);
    if (found) return { kind: found.kind.endsWith(', base64-encoded') ? found.kind : `${found.kind}, base64-encoded`, fix: found.fix };
  }
  return undefined;
}

/**
 * The secret material in one string, if any: the first kind found. `depth` counts base64 layers
 * already decoded.
 */
export function secretInText(s: string, depth = 0): SecretKind | undefined {
  // Short strings can hide no base64 worth decoding; every other recognizer needs one of these.
  if (s.length < 8 || (s.length < MIN_BASE64 && !SHORT_CANDIDATE.test(s))) return undefined;
  if (s.includes('PRIVATE KEY') && PEM_PRIVATE_KEY.test(s)) return { kind: 'a PEM private key' };
  if (s.includes('://') && s.includes('@') && urlWithPassword(s)) {
    return {
      kind: 'a URL with a password in its userinfo (user:password@host)',
      fix: 'remove "user:password@" from the URL: credentials come from the secret store (for Argo CD, a repository credential Secret delivered by an ExternalSecret; for an API server, the token the PushSecret stores)',
    };
  }
  if (s.includes('eyJ') && JWT.test(s)) return { kind: 'a JSON Web Token' };
  if ((s.includes('AKIA') || s.includes('ASIA')) && AWS_ACCESS_KEY_ID.test(s)) return { kind: 'an AWS access key ID' };
  if (s.includes(' ') && /bearer|authorization/i.test(s) && literalAuthorization(s)) return { kind: 'a literal Authorization header or bearer token' };
  if ((s.includes(':') || s.includes('=')) && CREDENTIAL_CANDIDATE.test(s)) {
    const name = literalAssignment(YAML_ASSIGNMENT, s) ?? literalAssignment(JSON_ASSIGNMENT, s) ?? literalAssignment(PAIR_ASSIGNMENT, s);
    if (name !== undefined) return { kind: `a literal credential (${JSON.stringify(name)} assigned a value, not a reference to the store)` };
  }
  if (depth < MAX_BASE64_DEPTH && s.length >= MIN_BASE64) return inBase64(s, depth);
  return undefined;
}

/**
 * `s` with the password of every URL userinfo replaced by `<redacted>` (`https://admin:<redacted>@host`),
 * for messages that show a value as the user wrote it: a problem about another part of the URL must
 * not print the password into CI logs.
 */
export function redactUrlPasswords(s: string): string {
  if (!s.includes('://') || !s.includes('@')) return s;
  return s.replace(URL_AUTHORITY, (match, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return colon < 0 || colon === userinfo.length - 1 ? match : match.replace(userinfo, `${userinfo.slice(0, colon)}:<redacted>`);
  });
}
