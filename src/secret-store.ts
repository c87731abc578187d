import { ExternalSecretSpecSecretStoreRefKind } from '../imports/external-secrets-externalsecret-external-secrets.io';

/** Kind of an External Secrets Operator store. */
export enum SecretStoreKind {
  /** A cluster-wide `ClusterSecretStore` (the default: one store serves istio-system in every cluster). */
  CLUSTER_SECRET_STORE = 'ClusterSecretStore',
  /** A namespaced `SecretStore`, which must then exist in the control-plane namespace of every cluster. */
  SECRET_STORE = 'SecretStore',
}

/**
 * The External Secrets Operator store that holds the mesh's secret material (reader tokens and CA
 * certificates) outside git. Each cluster must have a store of this name and kind that reaches the same
 * backend (Vault, a cloud secret manager, ...); synth only references it.
 *
 * @see https://external-secrets.io/latest/api/secretstore/
 */
export interface SecretStoreProps {
  /** Name of the SecretStore / ClusterSecretStore in every cluster. */
  readonly name: string;
  /** @default SecretStoreKind.CLUSTER_SECRET_STORE */
  readonly kind?: SecretStoreKind;
  /**
   * Prefix of every key this mesh uses in the backend.
   * @default `istio/<meshID>`
   */
  readonly keyPrefix?: string;
}

/**
 * A resolved secret store reference and the mesh's key layout in it:
 *
 * | key | properties | written by | read by |
 * | --- | --- | --- | --- |
 * | `<prefix>/remote-secrets/<cluster>` | `token`, `ca.crt` | PushSecret in `<cluster>` (its reader token) | ExternalSecrets of the control planes that discover `<cluster>` |
 * | `<prefix>/cacerts/<cluster>` | `ca-cert.pem`, `ca-key.pem`, `root-cert.pem`, `cert-chain.pem` | you (your PKI) | ExternalSecret `cacerts` in `<cluster>` |
 */
export class SecretStore {
  public readonly name: string;
  public readonly kind: SecretStoreKind;
  public readonly keyPrefix: string;

  constructor(props: SecretStoreProps, meshId: string) {
    this.name = props.name;
    this.kind = props.kind ?? SecretStoreKind.CLUSTER_SECRET_STORE;
    this.keyPrefix = (props.keyPrefix ?? `istio/${meshId}`).replace(/\/+$/, '');
  }

  /** Key of a cluster's reader credentials (`token`, `ca.crt`). */
  public remoteSecretKey(cluster: string): string {
    return `${this.keyPrefix}/remote-secrets/${cluster}`;
  }

  /** Key of a cluster's plug-in CA material (the four `cacerts` files). */
  public cacertsKey(cluster: string): string {
    return `${this.keyPrefix}/cacerts/${cluster}`;
  }

  /** The reference as ExternalSecret's `secretStoreRef`. */
  public get ref(): { name: string; kind: ExternalSecretSpecSecretStoreRefKind } {
    return {
      name: this.name,
      kind: this.kind === SecretStoreKind.SECRET_STORE
        ? ExternalSecretSpecSecretStoreRefKind.SECRET_STORE : ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE,
    };
  }
}
