import type { Cluster } from './cluster';

/**
 * Istio's control-plane models, as named in the deployment-models docs.
 *
 * @see https://istio.io/latest/docs/ops/deployment/deployment-models/#control-plane-models
 */
export enum ControlPlaneModel {
  /** The cluster runs its own istiod, which reads its config (multi-primary, or the primary of primary-remote). */
  PRIMARY = 'primary',
  /** The cluster runs no istiod; another cluster's istiod serves it (primary-remote, or a cluster of an external control plane). */
  REMOTE = 'remote',
  /**
   * The cluster hosts an external istiod that serves other (remote) clusters; its own workloads are not
   * part of the mesh, and the mesh config lives in one of the remotes, the config cluster.
   */
  EXTERNAL = 'external',
}

/** Options of a primary control plane. */
export interface PrimaryControlPlaneOptions {
  /**
   * Lets this primary's istiod also serve remote clusters (`global.externalIstiod: true`, which makes
   * istiod manage clusters annotated `topology.istio.io/controlPlaneClusters`).
   *
   * @default - true when another cluster of the mesh names this one as its primary, else false
   */
  readonly externalIstiod?: boolean;
}

/** Options of a remote cluster's control plane. */
export interface RemoteControlPlaneOptions {
  /**
   * For a cluster served by an external control plane: this cluster holds the mesh config (Istio CRDs,
   * webhooks, `global.configCluster: true`) and gives the external istiod its cluster ID. Exactly one
   * cluster served by an external control plane is its config cluster.
   * @default false
   */
  readonly configCluster?: boolean;
}

/** Options of an external control plane. */
export interface ExternalControlPlaneOptions {
  /**
   * The address remote clusters reach the external istiod at, through the ingress gateway of the
   * hosting cluster (the docs' `EXTERNAL_ISTIOD_ADDR`). A DNS name is the production setup: the gateway
   * terminates TLS with `tlsCredentialName` and remotes use `injectionURL`/`validationURL`. An IP gives the
   * docs' test setup: TLS passes through to istiod and remotes use `remotePilotAddress`.
   */
  readonly address: string;

  /**
   * Name of the TLS Secret (in `istio-system` of the hosting cluster) with the certificate for `address`
   * (the docs' `SSL_SECRET_NAME`). Only a reference: the key never passes through synth.
   * @default - required when `address` is a DNS name
   */
  readonly tlsCredentialName?: string;

  /**
   * Namespace of the external istiod in the hosting cluster, and of the Istio install in the remotes.
   * @default 'external-istiod'
   */
  readonly namespace?: string;
}

/** Default namespace of an external control plane (the docs' `external-istiod`). */
export const EXTERNAL_ISTIOD_NAMESPACE = 'external-istiod';

/**
 * Which control plane serves a cluster. Variants are created with the static factories, never by
 * union-typed props:
 *
 * - `ControlPlane.primary()`: multi-primary, or the primary of primary-remote.
 * - `ControlPlane.remote(primary)`: primary-remote.
 * - `ControlPlane.external({ address })` on the hosting cluster, and `ControlPlane.remote(host,
 *   { configCluster: true })` / `ControlPlane.remote(host)` on the clusters it serves.
 */
export class ControlPlane {
  /**
   * The cluster runs its own istiod.
   * @see https://istio.io/latest/docs/setup/install/multicluster/multi-primary/
   */
  public static primary(options: PrimaryControlPlaneOptions = {}): ControlPlane {
    return new ControlPlane(ControlPlaneModel.PRIMARY, undefined, options.externalIstiod, false, undefined);
  }

  /**
   * The cluster is served by the istiod of `servedBy`: a primary (primary-remote) or a cluster hosting
   * an external control plane.
   * @see https://istio.io/latest/docs/setup/install/multicluster/primary-remote/
   * @see https://istio.io/latest/docs/setup/install/external-controlplane/
   */
  public static remote(servedBy: Cluster, options: RemoteControlPlaneOptions = {}): ControlPlane {
    return new ControlPlane(ControlPlaneModel.REMOTE, servedBy, undefined, options.configCluster ?? false, undefined);
  }

  /**
   * The cluster hosts an external istiod for the remote clusters that name it.
   * @see https://istio.io/latest/docs/setup/install/external-controlplane/
   */
  public static external(options: ExternalControlPlaneOptions): ControlPlane {
    return new ControlPlane(ControlPlaneModel.EXTERNAL, undefined, undefined, false, options);
  }

  private constructor(
    /** The control-plane model. */
    public readonly model: ControlPlaneModel,
    /** For remote clusters, the cluster whose istiod serves this one. */
    public readonly servedBy: Cluster | undefined,
    /** Explicit `global.externalIstiod` choice of a primary. */
    public readonly externalIstiod: boolean | undefined,
    /** For remotes of an external control plane: whether this is its config cluster. */
    public readonly configCluster: boolean,
    /** For external control planes: where and how the external istiod is exposed. */
    public readonly external: ExternalControlPlaneOptions | undefined,
  ) {}

  /** True when the cluster runs an istiod (a primary's, or an external one). */
  public get runsIstiod(): boolean {
    return this.model !== ControlPlaneModel.REMOTE;
  }
}
