/**
 * Hosts as they land in manifests, kubeconfigs and Helm values (gateway and istiod addresses, API server
 * hosts, TLS server names): a DNS-1123 subdomain, or an IP address parsed strictly. Anything in between is
 * refused, because the programs that read it disagree about what it means.
 */
import { ipv4Problem, looksLikeIpv4, parseIp } from './cidr';
import { firstUnsafeCharacter, hasTemplateDelimiter, isDnsSubdomain } from './names';

/** A host that passed the checks. */
export interface Host {
  readonly kind: 'dns' | 'ipv4' | 'ipv6';
  /** The address as a number, for IPs. */
  readonly ip?: bigint;
}

/** The result of checking a host: the host, or why it is not one. */
export type HostCheck = Host | { readonly problem: string; readonly fix?: string };

/** Checks `s` as a bare host (no brackets, no port): a DNS name, an IPv4 or an IPv6 address. */
export function checkHost(s: string): HostCheck {
  if (s === '') return { problem: 'is empty' };
  if (hasTemplateDelimiter(s)) return { problem: 'contains "{{" or "}}", template delimiters the External Secrets Operator would execute' };
  const unsafe = firstUnsafeCharacter(s);
  if (unsafe) return { problem: `contains a whitespace or control character (${unsafe})`, fix: 'remove it' };
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(s)) return { problem: 'is a URL; give the host only', fix: 'remove the scheme, port and path' };
  if (s.includes(':')) {
    const ip = parseIp(s);
    if (ip && ip.version === 6) return { kind: 'ipv6', ip: ip.value };
    if (/^[^:]*:[0-9]*$/.test(s)) return { problem: 'contains a port', fix: `give the host only ("${s.slice(0, s.indexOf(':'))}")` };
    return { problem: 'is not a valid IPv6 address' };
  }
  if (looksLikeIpv4(s)) {
    const ip = parseIp(s);
    if (ip) return { kind: 'ipv4', ip: ip.value };
    return { problem: `looks like an IPv4 address but ${ipv4Problem(s)}`, fix: 'write the address as four decimal numbers 0-255 without leading zeros, e.g. "192.0.2.10"' };
  }
  // Kubernetes' subdomain rule does not bound its labels; DNS does (RFC 1035: 63 octets).
  const long = s.split('.').find((l) => l.length > 63);
  if (long) return { problem: `has a label of ${long.length} characters; DNS labels have at most 63` };
  if (isDnsSubdomain(s)) return { kind: 'dns' };
  if (isDnsSubdomain(s.toLowerCase())) return { problem: 'has uppercase letters; DNS names are written in lowercase', fix: `write "${s.toLowerCase()}"` };
  if (s.length > 253) return { problem: `is ${s.length} characters long; a DNS name has at most 253` };
  return { problem: 'is not a DNS-1123 name (lowercase letters, digits, "-" and ".", each label starting and ending with a letter or digit) nor an IP address' };
}

/** True when a check found a host. */
export function isHost(c: HostCheck): c is Host {
  return (c as Host).kind !== undefined;
}

/**
 * Why a valid host points at the machine itself or at no machine, so that another cluster cannot reach
 * it: `localhost` and `*.localhost` (RFC 6761), 127.0.0.0/8, ::1, and the unspecified addresses.
 * Undefined otherwise: `localhost-gw.example.com` is an ordinary name.
 */
export function unreachableHostProblem(host: string, h: Host): string | undefined {
  if (h.kind === 'dns' && (host === 'localhost' || host.endsWith('.localhost'))) return 'points at the local machine';
  if (h.kind === 'ipv4' && h.ip! >> 24n === 127n) return 'is a loopback address (127.0.0.0/8), the local machine';
  if (h.kind === 'ipv6' && h.ip === 1n) return 'is the IPv6 loopback address, the local machine';
  if ((h.kind === 'ipv4' || h.kind === 'ipv6') && h.ip === 0n) return 'is the unspecified address, which names no machine';
  return undefined;
}
