import { App, AppProps } from 'cdk8s';
import { synthesizeApp } from './synth';

/** Props of {@link MeshApp}. */
export interface MeshAppProps extends AppProps {
  /**
   * Whether every object is checked against the pinned schemas before anything is written.
   * @default true
   */
  readonly checkSchemas?: boolean;
}

/**
 * The cdk8s App of an app that contains a Mesh: `app.synth()` (which `cdk8s synth` runs) writes exactly
 * what the synth app (`npm run synth`) writes, with the phase folders, the install inputs, the Argo CD
 * Applications and the README, and the app's own charts beside the mesh as `_charts/<chart>.k8s.yaml`.
 * It goes through the same validation, schema check, secret guard and atomic writer (see synthesizeApp).
 *
 * An App subclass, rather than a hook the mesh installs into any App, so that the choice is visible in
 * the user's code, `app.synth()` keeps its meaning for apps without a mesh, and the output directory's
 * rules (it is replaced as a whole) apply only where the user asked for them. A Mesh in a plain App
 * fails `app.synth()` with a message that points here, instead of writing nothing.
 *
 * `synthYaml()` is cdk8s's own (one stream of every object, without phases or install inputs).
 */
export class MeshApp extends App {
  private readonly outdirField: string;
  private readonly checkSchemas?: boolean;

  constructor(props: MeshAppProps = {}) {
    super(props);
    this.outdirField = props.outdir !== undefined ? 'outdir' : 'CDK8S_OUTDIR';
    this.checkSchemas = props.checkSchemas;
  }

  /** Writes the mesh and the app's own charts into `outdir` (replaced as a whole; see synthesizeApp). */
  public synth(): void {
    synthesizeApp(this, { outdir: this.outdir, outdirField: this.outdirField, checkSchemas: this.checkSchemas });
  }
}
