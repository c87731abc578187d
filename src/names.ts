/** Validators for the names Kubernetes and Istio accept. */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
// SPIFFE trust domain: lowercase letters, digits, dots, dashes and underscores.
const TRUST_DOMAIN = /^[a-z0-9._-]+$/;

/** A DNS-1123 label: what Kubernetes accepts for namespace and Service names. */
export function isDnsLabel(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}

/** A DNS-1123 subdomain: a host name. */
export function isDnsSubdomain(s: string): boolean {
  return s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}

/** A Kubernetes label value (network names and localities end up in labels). */
export function isLabelValue(s: string): boolean {
  return s.length <= 63 && LABEL_VALUE.test(s);
}

/** A SPIFFE trust domain. */
export function isTrustDomain(s: string): boolean {
  return s.length <= 255 && TRUST_DOMAIN.test(s);
}

// Kubernetes' qualified name (IsQualifiedName in k8s.io/apimachinery/pkg/util/validation): an optional
// DNS-subdomain prefix and "/", then a name of at most 63 characters.
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Why `key` is not a valid annotation or label key (Kubernetes' qualified name), or undefined when it is. */
export function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined) {
    if (prefix === '') return 'has an empty prefix before "/"';
    if (!isDnsSubdomain(prefix)) return `has a prefix ${quote(preview(prefix))} that is not a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", at most 253 characters)`;
  }
  if (name === '') return 'has an empty name';
  if (name.length > 63) return `has a name part of ${name.length} characters; at most 63 are allowed`;
  if (!QUALIFIED_NAME_PART.test(name)) return `has a name part ${quote(preview(name))} that is not letters, digits, "-", "_" and ".", starting and ending with a letter or digit`;
  return undefined;
}

/** Kubernetes' limit on the total size of an object's annotations (keys and values, in bytes). */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/** The total size Kubernetes counts against ANNOTATIONS_MAX_BYTES. */
export function annotationsSize(annotations: { readonly [key: string]: string }): number {
  let n = 0;
  for (const [k, v] of Object.entries(annotations)) n += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  return n;
}

/**
 * The first whitespace or control character (C0, DEL, C1, and the Unicode line and paragraph separators)
 * in `s`, as `U+XXXX at position N`; undefined when there is none.
 */
export function firstUnsafeCharacter(s: string, allowSpace = false): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c === 0x20 && !allowSpace) || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || c === 0xfeff
      || (!allowSpace && /\s/.test(s[i]))) {
      return `U+${c.toString(16).toUpperCase().padStart(4, '0')} at position ${i + 1}`;
    }
  }
  return undefined;
}

/**
 * The first character of a free-text value (an annotation or environment value) that Kubernetes' YAML
 * toolchain cannot carry: C0 controls other than tab and line breaks, DEL, the C1 controls (NEL included,
 * which go-yaml folds into a space), U+2028/U+2029 (re-written raw by kustomize and then folded),
 * U+FFFE/U+FFFF and lone surrogates (refused by go-yaml and kustomize, what kubectl apply -k and Argo CD
 * read). Undefined when the value is safe. Line breaks and tabs are fine (multi-line values exist).
 */
export function firstUntransportableCharacter(s: string): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const lone = (c >= 0xd800 && c <= 0xdbff && !(s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff))
      || (c >= 0xdc00 && c <= 0xdfff && !(s.charCodeAt(i - 1) >= 0xd800 && s.charCodeAt(i - 1) <= 0xdbff));
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029
      || c === 0xfffe || c === 0xffff || lone) {
      return `U+${c.toString(16).toUpperCase().padStart(4, '0')} at position ${i + 1}`;
    }
  }
  return undefined;
}

/**
 * True when `s` holds an External Secrets (Go text/template) delimiter. Values that land in an
 * ExternalSecret template (the remote-secret kubeconfig) would be executed by the operator.
 */
export function hasTemplateDelimiter(s: string): boolean {
  return s.includes('{{') || s.includes('}}');
}

/** A value quoted for a message: JSON, so that no control character reaches the terminal raw. */
export function quote(s: string): string {
  return JSON.stringify(s);
}

/** A short, printable preview of a long value for messages (the whole value is shown in "got"). */
export function preview(s: string, max = 40): string {
  return s.length <= max ? s : `${s.slice(0, max)}... (${s.length} characters)`;
}

/** A suggested DNS-1123 label made from `s` (for fixes), or `fallback`. */
export function toDnsLabel(s: string, fallback: string, max = 63): string {
  return s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+/, '').slice(0, max).replace(/-+$/, '') || fallback;
}

/** A suggested DNS-1123 subdomain made from `s` (for fixes), or `fallback`. */
export function toDnsSubdomain(s: string, fallback: string): string {
  const labels = s.toLowerCase().split('.').map((l) => toDnsLabel(l, '')).filter((l) => l !== '');
  return labels.join('.').slice(0, 253).replace(/[-.]+$/, '') || fallback;
}

/** The closest candidate to `input` by edit distance, if it is close enough to be a likely typo. */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(input.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(input.length / 3)) ? best : undefined;
}

/**
 * didYouMean, or else the candidate sharing the longest beginning with the input, when that is most of the
 * input (`replicas` → `replicaCount`, `REGISTRY` → `REGISTRY_ONLY`).
 */
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  const close = didYouMean(input, candidates);
  if (close !== undefined) return close;
  const a = input.toLowerCase();
  let best: string | undefined;
  let bestLength = Math.max(4, Math.ceil(a.length * 0.6)) - 1;
  for (const c of candidates) {
    const b = c.toLowerCase();
    let n = 0;
    while (n < a.length && n < b.length && a[n] === b[n]) n++;
    if (n > bestLength) { best = c; bestLength = n; }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
