import { X509Certificate } from 'crypto';
import type { Problem } from '../problem';
import { checkUrl, isUrl } from '../url';

/** Bounds a user's PEM before parsing it (a root certificate is a few KiB; a bundle of several a few more). */
const MAX_PEM_LENGTH = 64 * 1024;

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----/g;

/**
 * The public root of a mesh's workload certificates, as its federation peers trust it: a PEM certificate
 * (`meshConfig.caCertificates[].pem`) or a SPIFFE bundle endpoint (`spiffeBundleUrl`). Never a key: a PEM
 * carrying a private key is refused (it would land in the install values, which are committed).
 *
 * @see istio/api@1.30.3 mesh/v1alpha1/config.proto (CertificateData)
 */
export class TrustAnchor {
  /** A PEM with one or more public CA certificates (the mesh root). */
  public static fromPem(pem: string): TrustAnchor {
    return new TrustAnchor(pem, undefined);
  }

  /** A SPIFFE bundle endpoint (https, Web PKI authenticated), as in Istio's spire-trust-domain-federation sample. */
  public static fromSpiffeBundleUrl(url: string): TrustAnchor {
    return new TrustAnchor(undefined, url);
  }

  private constructor(public readonly pem: string | undefined, public readonly spiffeBundleUrl: string | undefined) {}

  /** The `caCertificates` entry for peers (without `trustDomains`). */
  public get certificateData(): { pem: string } | { spiffeBundleUrl: string } {
    return this.pem !== undefined ? { pem: normalizePem(this.pem) } : { spiffeBundleUrl: this.spiffeBundleUrl! };
  }

  /** What is wrong with the anchor, reported at `field`. */
  public problems(field: string): Problem[] {
    if (this.spiffeBundleUrl !== undefined) {
      const u = checkUrl(String(this.spiffeBundleUrl), { schemes: ['https'], path: 'prefix' });
      return isUrl(u) ? [] : [{
        field: `${field}.spiffeBundleUrl`, value: u.redacted ?? this.spiffeBundleUrl, message: `is not a SPIFFE bundle endpoint URL: it ${u.problem}`,
        allowed: 'https://<host>[:<port>][/<path>] without credentials, query or fragment', fix: u.fix ?? 'use the https URL of the peer\'s SPIFFE bundle endpoint',
      }];
    }
    const pem = this.pem;
    const fail = (message: string, fix: string, showValue = true): Problem[] => [{
      field: `${field}.pem`, ...(showValue ? { value: typeof pem === 'string' ? preview(pem) : pem } : {}), message,
      allowed: 'the PEM of the mesh\'s public root certificate(s): "-----BEGIN CERTIFICATE-----" blocks only', fix,
    }];
    if (typeof pem !== 'string' || pem.trim() === '') return fail('is empty', 'paste the PEM of the peer mesh\'s root certificate (root-cert.pem)');
    if (pem.length > MAX_PEM_LENGTH) return fail(`is ${pem.length} characters long (at most ${MAX_PEM_LENGTH})`, 'give only the root certificate(s)');
    // A key, whatever its form, must never reach the output: refused before anything else is said about it.
    if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(pem)) {
      return fail('contains a private key; a trust anchor is the public root certificate only, and anything here is written to the committed install values',
        'remove the private key block (keep only "-----BEGIN CERTIFICATE-----" blocks) and rotate that key: it has been exposed', false);
    }
    const blocks = pem.match(CERTIFICATE_BLOCK) ?? [];
    const rest = pem.replace(CERTIFICATE_BLOCK, '').trim();
    if (blocks.length === 0) return fail('is not a PEM certificate (no "-----BEGIN CERTIFICATE-----" block)', 'export the root certificate as PEM, e.g. the root-cert.pem of the peer mesh');
    if (rest !== '') return fail('has text outside its certificate blocks', 'keep only the "-----BEGIN CERTIFICATE-----" ... "-----END CERTIFICATE-----" blocks');
    for (const [i, block] of blocks.entries()) {
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(block);
      } catch (e) {
        return fail(`certificate ${i + 1} does not parse as X.509 (${(e as Error).message})`, 'export the root certificate again as PEM');
      }
      if (!cert.ca) return fail(`certificate ${i + 1} (${cert.subject.replace(/\n/g, ', ')}) is not a CA certificate`, 'give the mesh\'s root CA certificate, not a workload or intermediate leaf certificate');
    }
    return [];
  }
}

/** The certificate blocks, one after the other, ending in a newline (so that equal roots render equal). */
function normalizePem(pem: string): string {
  return `${(pem.match(CERTIFICATE_BLOCK) ?? []).map((b) => b.replace(/\r\n/g, '\n')).join('\n')}\n`;
}

function preview(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
