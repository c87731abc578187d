import type { Cluster } from './cluster';

/**
 * Istio's control-plane models, as named in the deployment-models docs.
 *
 * @see https://istio.io/latest/docs/ops/deployment/deployment-models/#control-plane-models
 */
export enum ControlPlaneModel {
  /** The cluster runs its own istiod (multi-primary, or the primary of primary-remote). */
  PRIMARY = 'primary',
  /** The cluster runs no istiod; a primary cluster's istiod serves it (primary-remote). */
  REMOTE = 'remote',
  /** The cluster runs no istiod; an istiod outside the mesh's data-plane clusters serves it. */
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

/**
 * Which control plane serves a cluster. Variants are created with the static factories
 * (`ControlPlane.primary()`), never by union-typed props.
 *
 * The remote and external variants (`ControlPlaneModel.REMOTE`, `.EXTERNAL`) are part of the model so
 * that validation and the remote-secret graph already treat "which istiod serves which cluster" as
 * one relationship; their factories arrive with their implementation.
 */
export class ControlPlane {
  /**
   * The cluster runs its own istiod: every cluster of a multi-primary mesh, or the primary of a
   * primary-remote mesh.
   *
   * @see https://istio.io/latest/docs/setup/install/multicluster/multi-primary/
   */
  public static primary(options: PrimaryControlPlaneOptions = {}): ControlPlane {
    return new ControlPlane(ControlPlaneModel.PRIMARY, undefined, options.externalIstiod);
  }

  private constructor(
    /** The control-plane model. */
    public readonly model: ControlPlaneModel,
    /** For remote clusters, the cluster whose istiod serves this one. */
    public readonly servedBy: Cluster | undefined,
    /** Explicit `global.externalIstiod` choice of a primary. */
    public readonly externalIstiod: boolean | undefined,
  ) {}

  /** True when the cluster runs its own istiod. */
  public get runsIstiod(): boolean {
    return this.model === ControlPlaneModel.PRIMARY;
  }
}
