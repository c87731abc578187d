import { Construct } from 'constructs';
import { Gateway, GatewaySpecServersTlsMode } from '../imports/istio-networking.istio.io';
import { CROSS_NETWORK_GATEWAY_NAME } from './istio';
import { Phase } from './phase';

/** Props of {@link CrossNetworkGateway}. */
export interface CrossNetworkGatewayProps {
  /** Namespace of the east-west gateway (the docs apply the sample with `-n istio-system`). */
  readonly namespace: string;
  /** Selector of the east-west gateway's pods. */
  readonly selector: { [key: string]: string };
}

/**
 * Exposes every `*.local` service of the cluster on the east-west gateway's TLS port 15443 with
 * `AUTO_PASSTHROUGH` (mTLS passes through, routed by SNI), exactly as Istio's
 * `samples/multicluster/expose-services.yaml`.
 *
 * @see https://istio.io/latest/docs/setup/install/multicluster/multi-primary_multi-network/#expose-services-in-cluster1
 */
export class CrossNetworkGateway extends Construct {
  constructor(scope: Construct, id: string, props: CrossNetworkGatewayProps) {
    super(scope, id);
    new Gateway(this, 'Resource', {
      metadata: { name: CROSS_NETWORK_GATEWAY_NAME, namespace: props.namespace },
      spec: {
        selector: { ...props.selector },
        servers: [{
          port: { number: 15443, name: 'tls', protocol: 'TLS' },
          tls: { mode: GatewaySpecServersTlsMode.AUTO_UNDERSCORE_PASSTHROUGH },
          hosts: ['*.local'],
        }],
      },
    });
    Phase.assign(this, Phase.MESH_CONFIG);
  }
}
