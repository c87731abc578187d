import { Construct } from 'constructs';
import { PeerAuthentication, PeerAuthenticationSpecMtlsMode } from '../imports/istio-security.istio.io';
import { Phase } from './phase';

/** Props of {@link MeshWideMtls}. */
export interface MeshWideMtlsProps {
  /** The control-plane (root) namespace: a policy there applies mesh-wide. */
  readonly namespace: string;
}

/**
 * Mesh-wide strict mTLS: PeerAuthentication `default` in the root namespace with mode STRICT, so no
 * workload of any cluster accepts plain text. Cross-network traffic through east-west gateways is mTLS
 * anyway (AUTO_PASSTHROUGH routes by SNI); this makes in-cluster traffic match.
 *
 * @see https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/
 */
export class MeshWideMtls extends Construct {
  constructor(scope: Construct, id: string, props: MeshWideMtlsProps) {
    super(scope, id);
    new PeerAuthentication(this, 'Resource', {
      metadata: { name: 'default', namespace: props.namespace },
      spec: { mtls: { mode: PeerAuthenticationSpecMtlsMode.STRICT } },
    });
    Phase.assign(this, Phase.MESH_CONFIG);
  }
}
