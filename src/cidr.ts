/**
 * Minimal CIDR parsing for validation: Istio requires the pod and service ranges of clusters that
 * share a network to be unique and non-overlapping, since endpoints are addressed directly there.
 */
export interface Cidr {
  readonly text: string;
  readonly version: 4 | 6;
  /** First address of the range as a bigint. */
  readonly start: bigint;
  /** Last address of the range as a bigint. */
  readonly end: bigint;
}

function parseIpv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const v = Number(part);
    if (v > 255) return undefined;
    n = (n << 8n) | BigInt(v);
  }
  return n;
}

function parseIpv6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:]+$/.test(s) || s.split('::').length > 2) return undefined;
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headGroups.length - tailGroups.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  const groups = [...headGroups, ...Array(tail === undefined ? 0 : missing).fill('0'), ...tailGroups];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

/** Parses an IPv4 or IPv6 address; undefined when it is not one. */
export function parseIp(s: string): { version: 4 | 6; value: bigint } | undefined {
  const v4 = parseIpv4(s);
  if (v4 !== undefined) return { version: 4, value: v4 };
  const v6 = parseIpv6(s);
  if (v6 !== undefined) return { version: 6, value: v6 };
  return undefined;
}

/** Parses `a.b.c.d/n` or `x::/n`; undefined when the text is not a CIDR. */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^([^/]+)\/([0-9]{1,3})$/.exec(text);
  if (!m) return undefined;
  const ip = parseIp(m[1]);
  if (!ip) return undefined;
  const bits = ip.version === 4 ? 32 : 128;
  const prefix = Number(m[2]);
  if (prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  const mask = (1n << hostBits) - 1n;
  const start = ip.value & ~mask;
  return { text, version: ip.version, start, end: start | mask };
}

/** True when two ranges share at least one address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.version === b.version && a.start <= b.end && b.start <= a.end;
}

/** Formats an address of a version as text (IPv6 in its RFC 5952 form). */
export function formatIp(version: 4 | 6, value: bigint): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // The longest run (of at least two) of zero groups becomes "::".
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/**
 * True when `s` reads like an IPv4 address: its last dot-separated label is a decimal or hex number
 * (the WHATWG URL standard's "ends in a number" check, which makes browsers and inet_aton parse it as
 * an address). It must then be a valid IPv4 address, never a DNS name: a host name's last label is never
 * numeric, and parsers disagree on what `300.1.2.3` or `192.0.2.010` (octal?) mean.
 */
export function looksLikeIpv4(s: string): boolean {
  const labels = s.replace(/\.$/, '').split('.');
  return /^([0-9]+|0[xX][0-9a-fA-F]*)$/.test(labels[labels.length - 1]);
}

/** Why `s` (which looks like an IPv4 address) is not one; undefined when it is a valid IPv4 address. */
export function ipv4Problem(s: string): string | undefined {
  if (parseIpv4(s) !== undefined) return undefined;
  const parts = s.split('.');
  if (parts.length !== 4) return parts.length === 1 ? 'is a bare number; write an IPv4 address as four decimal parts' : `has ${parts.length} dot-separated parts; an IPv4 address has 4 (and a DNS name never ends in an all-numeric label)`;
  for (const part of parts) {
    if (!/^[0-9]+$/.test(part)) return part === '' ? 'has an empty part' : `has the part ${JSON.stringify(part)}, which is not a decimal number`;
    if (part.length > 1 && part.startsWith('0')) return `has the part "${part}" with a leading zero, which some parsers read as octal`;
    if (Number(part) > 255) return `has the part "${part}", above 255`;
  }
  return 'is not an IPv4 address';
}

/**
 * Why `text` is not a CIDR as Kubernetes writes one (`address/prefix`, the address being the first of its
 * range), with the corrected form when only host bits are set; undefined when it is valid.
 */
export function cidrProblem(text: string): { reason: string; masked?: string } | undefined {
  const m = /^([^/]+)\/([0-9]{1,3})$/.exec(text);
  if (!m) return { reason: 'is not address/prefix-length' };
  const ip = parseIp(m[1]);
  if (!ip) return { reason: looksLikeIpv4(m[1]) ? `has an address that ${ipv4Problem(m[1])}` : `has ${JSON.stringify(m[1])}, which is not an IPv4 or IPv6 address` };
  const bits = ip.version === 4 ? 32 : 128;
  if (m[2].length > 1 && m[2].startsWith('0')) return { reason: `has the prefix length "${m[2]}" with a leading zero` };
  const prefix = Number(m[2]);
  if (prefix > bits) return { reason: `has the prefix length /${prefix}, above /${bits} for IPv${ip.version}` };
  const cidr = parseCidr(text)!;
  if (cidr.start !== ip.value) {
    const masked = `${formatIp(ip.version, cidr.start)}/${prefix}`;
    return { reason: `has host bits set: ${m[1]} is not the first address of a /${prefix} (the range is ${masked})`, masked };
  }
  return undefined;
}

/**
 * Parses a subnet as Kubernetes writes it: one CIDR, or a dual-stack pair `v4,v6` (either order, one of
 * each family, as in kube-controller-manager's `--cluster-cidr`). Undefined when `text` is not valid.
 */
export function parseCidrList(text: string): Cidr[] | undefined {
  if (subnetProblem(text) !== undefined) return undefined;
  return text.split(',').map((t) => parseCidr(t)!);
}

/** Why `text` is not a (single or dual-stack) subnet; undefined when it is valid. */
export function subnetProblem(text: string): { reason: string; fixed?: string } | undefined {
  const parts = text.split(',');
  if (parts.length > 2) return { reason: `lists ${parts.length} ranges; at most two (one IPv4 and one IPv6, dual-stack) are allowed` };
  const fixed: string[] = [];
  const reasons: string[] = [];
  for (const part of parts) {
    const p = cidrProblem(part);
    if (p) reasons.push(parts.length > 1 ? `${JSON.stringify(part)} ${p.reason}` : p.reason);
    fixed.push(p?.masked ?? part);
  }
  if (reasons.length > 0) {
    const canFix = fixed.every((f) => cidrProblem(f) === undefined);
    return { reason: reasons.join('; '), fixed: canFix ? fixed.join(',') : undefined };
  }
  if (parts.length === 2 && parseCidr(parts[0])!.version === parseCidr(parts[1])!.version) {
    return { reason: `lists two IPv${parseCidr(parts[0])!.version} ranges; a dual-stack subnet is one IPv4 and one IPv6 range` };
  }
  return undefined;
}
