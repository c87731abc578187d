import { Construct } from 'constructs';
import {
  Certificate, CertificateSpecPrivateKeyAlgorithm, CertificateSpecPrivateKeyRotationPolicy, CertificateSpecUsages,
} from '../imports/cert-manager-certificate-cert-manager.io';
import {
  ExternalSecret, ExternalSecretSpecTargetCreationPolicy, ExternalSecretSpecTargetDeletionPolicy,
} from '../imports/external-secrets-externalsecret-external-secrets.io';
import { Phase } from './phase';
import type { SecretStore } from './secret-store';

/** Name of the plug-in CA secret istiod reads (`CACertsSecret` in security/pkg/pki/ca/ca.go). */
export const CACERTS_SECRET_NAME = 'cacerts';

/** The four keys of a `cacerts` secret as the plug-in CA docs create it. */
export const CACERTS_KEYS = ['ca-cert.pem', 'ca-key.pem', 'root-cert.pem', 'cert-chain.pem'] as const;

/** Kind of a cert-manager issuer. */
export enum IssuerKind {
  /** A cluster-wide `ClusterIssuer`. */
  CLUSTER_ISSUER = 'ClusterIssuer',
  /** A namespaced `Issuer`, which must then exist in the control-plane namespace. */
  ISSUER = 'Issuer',
}

/** Options of {@link TrustSource.certManager}. */
export interface CertManagerTrustOptions {
  /** Name of the issuer that signs every cluster's intermediate with the mesh root. */
  readonly issuerName: string;
  /** @default IssuerKind.CLUSTER_ISSUER */
  readonly issuerKind?: IssuerKind;
  /**
   * Lifetime of each intermediate CA certificate (Istio's Makefile uses 730 days).
   * @default '17520h'
   */
  readonly duration?: string;
}

/** Which mechanism delivers `cacerts` to a cluster. */
export enum TrustSourceKind {
  EXTERNAL_SECRETS = 'externalSecrets',
  CERT_MANAGER = 'certManager',
}

/**
 * Where every cluster's `cacerts` (an intermediate CA chained to the one mesh root) comes from. The
 * private keys never pass through this library or git: they live in the secret store or in cert-manager.
 *
 * @see https://istio.io/latest/docs/tasks/security/cert-management/plugin-ca-cert/
 */
export class TrustSource {
  /**
   * Pull each cluster's `ca-cert.pem`, `ca-key.pem`, `root-cert.pem` and `cert-chain.pem` from the mesh's
   * secret store (key `<prefix>/cacerts/<cluster>`): a per-cluster intermediate with a shared root, exactly
   * the four files of Istio's plug-in CA docs.
   */
  public static externalSecrets(): TrustSource {
    return new TrustSource(TrustSourceKind.EXTERNAL_SECRETS);
  }

  /**
   * Let cert-manager issue each cluster's intermediate CA (`isCA: true`) from an issuer that holds the
   * mesh root, into Secret `cacerts` (istiod accepts its `tls.crt`, `tls.key` and `ca.crt`).
   */
  public static certManager(options: CertManagerTrustOptions): TrustSource {
    return new TrustSource(TrustSourceKind.CERT_MANAGER, options);
  }

  private constructor(
    public readonly kind: TrustSourceKind,
    public readonly certManagerOptions?: CertManagerTrustOptions,
  ) {}

  /** True when this source needs the mesh's secret store. */
  public get needsSecretStore(): boolean {
    return this.kind === TrustSourceKind.EXTERNAL_SECRETS;
  }
}

/** Props of {@link SharedTrust}. */
export interface SharedTrustProps {
  readonly source: TrustSource;
  readonly clusterName: string;
  readonly namespace: string;
  /** Required when the source is External Secrets. */
  readonly store?: SecretStore;
}

/**
 * A cluster's `cacerts` Secret, delivered in the trust phase so it exists before istiod starts (istiod
 * self-signs and never switches over when `cacerts` arrives later).
 */
export class SharedTrust extends Construct {
  constructor(scope: Construct, id: string, props: SharedTrustProps) {
    super(scope, id);
    const metadata = { name: CACERTS_SECRET_NAME, namespace: props.namespace };
    if (props.source.kind === TrustSourceKind.EXTERNAL_SECRETS) {
      const store = props.store!;
      const key = store.cacertsKey(props.clusterName);
      new ExternalSecret(this, 'Resource', {
        metadata,
        spec: {
          refreshInterval: '1h',
          secretStoreRef: store.ref,
          target: {
            name: CACERTS_SECRET_NAME,
            creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
            // Keep istiod's CA if the ExternalSecret is ever deleted: losing cacerts re-roots the cluster.
            deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN,
          },
          data: CACERTS_KEYS.map((k) => ({ secretKey: k, remoteRef: { key, property: k } })),
        },
      });
    } else {
      const o = props.source.certManagerOptions!;
      new Certificate(this, 'Resource', {
        metadata,
        spec: {
          secretName: CACERTS_SECRET_NAME,
          isCa: true,
          // Subject and lifetime as Istio's tools/certs Makefile makes intermediates.
          commonName: 'Intermediate CA',
          subject: { organizations: ['Istio'], localities: [props.clusterName] },
          duration: o.duration ?? '17520h',
          privateKey: { algorithm: CertificateSpecPrivateKeyAlgorithm.RSA, size: 4096, rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS },
          usages: [CertificateSpecUsages.DIGITAL_SIGNATURE, CertificateSpecUsages.KEY_ENCIPHERMENT, CertificateSpecUsages.CERT_SIGN],
          dnsNames: [`istiod.${props.namespace}.svc`],
          issuerRef: { name: o.issuerName, kind: o.issuerKind ?? IssuerKind.CLUSTER_ISSUER, group: 'cert-manager.io' },
        },
      });
    }
    Phase.assign(this, Phase.TRUST);
  }
}

const DURATION_UNITS: { readonly [unit: string]: number } = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/**
 * Parses a Go duration (`time.ParseDuration`, which cert-manager uses for `spec.duration`): a sequence of
 * decimal numbers with units ns, us, ms, s, m, h, e.g. `8760h` or `720h0m0s`. Returns seconds, or
 * undefined when Go would refuse it (there are no days: `365d` is an error).
 */
export function parseGoDuration(s: string): number | undefined {
  if (s === '0') return 0;
  const m = /^([-+]?)((?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(s);
  if (!m) return undefined;
  let total = 0;
  for (const part of m[2].matchAll(/([0-9]*\.?[0-9]*)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(part[1]) * DURATION_UNITS[part[2]];
  return m[1] === '-' ? -total : total;
}

/** cert-manager refuses certificates shorter than an hour (`MinimumCertificateDuration`). */
export const MIN_CERTIFICATE_DURATION_SECONDS = 3600;

/** Why `s` is not a usable lifetime of the intermediate CA certificate; undefined when it is. */
export function certificateDurationProblem(s: string): { problem: string; fix: string } | undefined {
  const seconds = parseGoDuration(s);
  if (seconds === undefined) {
    const days = /^([0-9]+)d$/.exec(s);
    return {
      problem: 'is not a Go duration, the format cert-manager reads (decimal numbers with units h, m, s, ms, us, ns; there is no "d")',
      fix: days ? `write "${Number(days[1]) * 24}h"` : 'write e.g. "8760h" (one year) or "720h0m0s"',
    };
  }
  if (seconds < MIN_CERTIFICATE_DURATION_SECONDS) {
    return { problem: 'is shorter than one hour, the least cert-manager accepts for a certificate', fix: 'use at least "1h"; an intermediate CA usually lives a year or more, e.g. "8760h"' };
  }
  return undefined;
}
