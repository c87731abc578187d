import { cidrProblem, formatIp, looksLikeIpv4, parseCidrList, parseIp, subnetProblem } from '../src/cidr';
import { checkHost, isHost } from '../src/host';
import { annotationsSize, firstUnsafeCharacter, qualifiedNameProblem } from '../src/names';
import { certificateDurationProblem, parseGoDuration } from '../src/trust';
import { checkRepoUrl, checkUrl, isUrl } from '../src/url';

// The parsers behind the hostile-input rules, case by case (the end-to-end cases are in test/hostile-*.test.ts).
describe('strict parsers', () => {
  test('formatIp writes IPv4 and RFC 5952 IPv6', () => {
    const text = (s: string) => { const ip = parseIp(s)!; return formatIp(ip.version, ip.value); };
    expect(text('10.0.0.0')).toBe('10.0.0.0');
    expect(text('fd00:0010:0000:0000:0000:0000:0000:0000')).toBe('fd00:10::');
    expect(text('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(text('::')).toBe('::');
    expect(text('::1')).toBe('::1');
    expect(text('1:2:3:4:5:6:7:8')).toBe('1:2:3:4:5:6:7:8');
    expect(text('1:0:3:4:5:6:7:8')).toBe('1:0:3:4:5:6:7:8');
  });

  test('looksLikeIpv4 follows the URL standard\'s "ends in a number"', () => {
    for (const s of ['1.2.3.4', '300.1.2.3', 'gw.123', 'gw.0x1f', '1234', '1.2.3.4.']) expect(looksLikeIpv4(s)).toBe(true);
    for (const s of ['gw.example.com', 'a1.b2', '1a.example', 'x-1']) expect(looksLikeIpv4(s)).toBe(false);
  });

  test('checkHost classifies strictly', () => {
    expect(checkHost('192.0.2.1')).toMatchObject({ kind: 'ipv4' });
    expect(checkHost('2001:db8::1')).toMatchObject({ kind: 'ipv6' });
    expect(checkHost('gw.example.com')).toMatchObject({ kind: 'dns' });
    for (const s of ['', '192.0.2.256', '1.2.3.04', 'a..b', '-a.example', 'a_b.example', `${'a'.repeat(64)}.example`, 'x'.repeat(254)]) {
      expect(isHost(checkHost(s))).toBe(false);
    }
  });

  test('CIDRs: host bits give the masked form; dual-stack is one range per family', () => {
    expect(cidrProblem('10.0.0.0/16')).toBeUndefined();
    expect(cidrProblem('10.0.0.1/16')).toMatchObject({ masked: '10.0.0.0/16' });
    expect(cidrProblem('10.1.2.3/32')).toBeUndefined();
    expect(cidrProblem('fd00:10::1/56')).toMatchObject({ masked: 'fd00:10::/56' });
    expect(cidrProblem('::/0')).toBeUndefined();
    expect(parseCidrList('10.0.0.0/8,fd00::/8')!.map((c) => c.version)).toEqual([4, 6]);
    expect(parseCidrList('10.0.0.0/8,10.1.0.0/16')).toBeUndefined();
    expect(subnetProblem('10.0.0.1/8,fd00::1/8')).toMatchObject({ fixed: '10.0.0.0/8,fd00::/8' });
  });

  test('Go durations as time.ParseDuration reads them', () => {
    expect(parseGoDuration('8760h')).toBe(8760 * 3600);
    expect(parseGoDuration('720h0m0s')).toBe(720 * 3600);
    expect(parseGoDuration('1h30m')).toBe(5400);
    expect(parseGoDuration('1.5h')).toBe(5400);
    expect(parseGoDuration('.5h')).toBe(1800);
    expect(parseGoDuration('-1h')).toBe(-3600);
    expect(parseGoDuration('0')).toBe(0);
    for (const s of ['', '1', '1d', 'h', '1 h', '1H', 'forever', '0x10h', '1h-1m', '.h']) expect(parseGoDuration(s)).toBeUndefined();
    expect(certificateDurationProblem('59m59s')?.problem).toMatch(/shorter than one hour/);
    expect(certificateDurationProblem('60m')).toBeUndefined();
  });

  test('URLs: exactly https://host[:port][/prefix]', () => {
    const ok = (s: string) => isUrl(checkUrl(s, { schemes: ['https'], path: 'prefix' }));
    for (const s of ['https://a.example.com', 'https://a.example.com:1', 'https://a.example.com:65535/', 'https://[::1]:443', 'https://a.example.com/k8s/clusters/c-1']) expect(ok(s)).toBe(true);
    for (const s of ['https://a.example.com:65536', 'https://a.example.com:0', 'https://a.example.com/a//b', 'https://a.example.com/./b', 'https://[::1', 'https://[::1]x', 'https://a.example.com?', 'https://a.example.com#', 'https://@a.example.com', 'https:/a.example.com', '//a.example.com', 'https://a.example.com\u00a0']) expect(ok(s)).toBe(false);
  });

  test('repository URLs', () => {
    expect(checkRepoUrl('git@github.com:org/repo.git')).toMatchObject({ scheme: 'ssh', host: 'github.com', path: '/org/repo.git' });
    expect(isUrl(checkRepoUrl('ssh://git@github.com:2222/org/repo.git'))).toBe(true);
    expect(isUrl(checkRepoUrl('git@github.com:/org/../repo.git'))).toBe(false);
    expect(checkRepoUrl('ssh://git:pw@github.com/org/repo.git')).toMatchObject({ redacted: 'ssh://git:***@github.com/org/repo.git' });
  });

  test('qualified names and annotation sizes as Kubernetes counts them', () => {
    expect(qualifiedNameProblem('a')).toBeUndefined();
    expect(qualifiedNameProblem('example.com/A_b.c-9')).toBeUndefined();
    expect(qualifiedNameProblem(`${'a'.repeat(253)}/${'b'.repeat(63)}`)).toBeUndefined();
    expect(qualifiedNameProblem(`${'a'.repeat(254)}/b`)).toMatch(/prefix/);
    expect(qualifiedNameProblem('b'.repeat(64))).toMatch(/64 characters/);
    expect(qualifiedNameProblem('a/b/c')).toMatch(/name part/);
    expect(qualifiedNameProblem('_a')).toMatch(/name part/);
    expect(annotationsSize({ 'é': 'ü' })).toBe(4);
  });

  test('unsafe characters: C0, DEL, C1, separators, BOM, any whitespace', () => {
    for (const c of ['\t', '\n', '\r', '\u0000', '\u007f', '\u0085', '\u009f', '\u2028', '\u2029', '\ufeff', '\u00a0', ' ']) expect(firstUnsafeCharacter(`a${c}b`)).toMatch(/at position 2/);
    expect(firstUnsafeCharacter('a b', true)).toBeUndefined();
    expect(firstUnsafeCharacter('abc-é')).toBeUndefined();
  });
});
