/**
 * The two text formats `istioctl x workload entry configure` writes, reproduced exactly so that a VM
 * bootstrapped from our bundle is configured byte for byte like one bootstrapped by istioctl
 * (istio/istio@1.30.3 istioctl/pkg/workload/workload.go, pkg/util/shellescape/quote.go):
 * - `cluster.env`: `KEY=<shellescape.Quote(value)>` lines sorted as strings (mapToString);
 * - `mesh.yaml`: sigs.k8s.io/yaml, i.e. go-yaml v2 with its key order and scalar styles.
 *
 * The project emitter (src/output/yaml.ts) chooses other (equally valid) quoting, so mesh.yaml has this
 * narrow emitter of its own: maps of maps, strings and integers only, and it refuses every string whose
 * go-yaml v2 style it does not reproduce exactly. test/vm-bundle.test.ts compares it with istioctl's goldens.
 */

/**
 * istio's shellescape.Quote. Its pattern is the raw Go string `[^\\w@%+=:,./-]`: a character class of
 * backslash, "w" and `@%+=:,./-` (not `\w`), so almost every value is quoted ('latest', '10.10.10.10'),
 * as the goldens show. Quoting is done right either way: `'` becomes `'"'"'`.
 */
export function istioShellQuote(s: string): string {
  if (s.length === 0) return '\'\'';
  if (/[^\\w@%+=:,./-]/.test(s)) return `'${s.replace(/'/g, '\'"\'"\'')}'`;
  return s;
}

/** cluster.env: every entry as `KEY=quoted`, the lines sorted as Go's sort.Strings does (bytewise). */
export function clusterEnvText(env: Readonly<Record<string, string>>): string {
  const lines = Object.keys(env).map((k) => `${k}=${istioShellQuote(env[k])}`);
  lines.sort((a, b) => compareBytes(a, b));
  return lines.join('\n') + '\n';
}

function compareBytes(a: string, b: string): number {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return Buffer.compare(x, y);
}

const isLetter = (c: string) => /\p{L}/u.test(c);
const isDigit = (c: string) => c >= '0' && c <= '9';

/** go-yaml v2's map key order (keyList.Less in sorter.go): letters after other characters, digit runs by value. */
export function goYamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]);
    const bl = isLetter(br[i]);
    if (al && bl) return ar[i] < br[i];
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10 + Number(ar[ai]);
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i] < br[i];
  }
  return ar.length < br.length;
}

const YAML11_SPECIAL = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
  'on', 'On', 'ON', 'off', 'Off', 'OFF', 'null', 'Null', 'NULL', '~', '<<',
]);

/** True when go-yaml v2 resolves the plain scalar to something other than a string (resolve.go). */
function resolvesToNonString(s: string): boolean {
  if (s === '' || YAML11_SPECIAL.has(s)) return true;
  if (/^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$/.test(s)) return true;
  const plain = s.replace(/_/g, '');
  if (/^[-+]?(0x[0-9a-fA-F]+|0o?[0-7]+|0b[01]+|[0-9]+)$/.test(plain)) return true;
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain)) return true;
  if (/^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/.test(s)) return true; // base 60
  if (/^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/.test(s)) return true; // timestamp
  return false;
}

/** Printable ASCII only: the range whose go-yaml quoting this emitter reproduces. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * A string as go-yaml v2 writes it in block context: plain when it resolves to a string and the emitter
 * allows plain; double-quoted when plain would read back as another type; single-quoted otherwise.
 */
export function goYamlString(s: string): string {
  if (!PRINTABLE_ASCII.test(s)) throw new Error(`mesh.yaml: cannot reproduce istioctl's YAML for ${JSON.stringify(s.slice(0, 60))} (only printable ASCII)`);
  if (resolvesToNonString(s)) return JSON.stringify(s);
  const plainAllowed = !/^[-?:,[\]{}#&*!|>'"%@`\s]/.test(s) || (/^[-?:]\S/.test(s) && !/^-{3}/.test(s));
  const innerOk = !/: |\s#|:$|\s$|,|[[\]{}]/.test(s);
  if (plainAllowed && innerOk) return s;
  return `'${s.replace(/'/g, '\'\'')}'`;
}

/** A map of maps, strings and integers as sigs.k8s.io/yaml writes it (keys in go-yaml v2 order). */
export function goYaml(value: Readonly<Record<string, unknown>>, indent = ''): string {
  const keys = Object.keys(value).filter((k) => value[k] !== undefined)
    .sort((a, b) => (goYamlKeyLess(a, b) ? -1 : goYamlKeyLess(b, a) ? 1 : 0));
  if (keys.length === 0) return '{}\n';
  let out = '';
  for (const k of keys) {
    const v = value[k];
    const key = goYamlString(k);
    if (typeof v === 'string') out += `${indent}${key}: ${goYamlString(v)}\n`;
    else if (typeof v === 'number' && Number.isSafeInteger(v)) out += `${indent}${key}: ${v}\n`;
    else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      out += Object.keys(v).length === 0 ? `${indent}${key}: {}\n` : `${indent}${key}:\n${goYaml(v as Record<string, unknown>, indent + '  ')}`;
    } else {
      throw new Error(`mesh.yaml: cannot write ${JSON.stringify(v)} at "${k}"`);
    }
  }
  return out;
}
