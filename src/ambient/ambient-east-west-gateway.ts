import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { NETWORK_LABEL } from '../istio';
import { Phase } from '../phase';

/** Props of {@link AmbientEastWestGateway}. */
export interface AmbientEastWestGatewayProps {
  /** Namespace of the Gateway (the control plane's). */
  readonly namespace: string;
  /** The cluster's network (label `topology.istio.io/network`). */
  readonly network: string;
}

/**
 * The ambient east-west gateway of a network, exactly as `samples/multicluster/gen-eastwest-gateway.sh
 * --network <net> --ambient` renders it (istio/istio@1.30.3): a Gateway API `Gateway` of class
 * `istio-east-west` with one HBONE listener on 15008 terminating Istio mTLS. istiod deploys the gateway
 * for it (the class exists only with AMBIENT_ENABLE_MULTI_NETWORK=true). It carries meshed mTLS only:
 * istiod and the API server cannot be exposed through it.
 *
 * @see https://istio.io/latest/docs/ambient/install/multicluster/multi-primary_multi-network/
 */
export class AmbientEastWestGateway extends Construct {
  constructor(scope: Construct, id: string, props: AmbientEastWestGatewayProps) {
    super(scope, id);
    new ApiObject(this, 'Gateway', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'istio-eastwestgateway', namespace: props.namespace, labels: { [NETWORK_LABEL]: props.network } },
      spec: {
        gatewayClassName: 'istio-east-west',
        listeners: [{
          name: 'mesh', port: 15008, protocol: 'HBONE',
          tls: { mode: 'Terminate', options: { 'gateway.istio.io/tls-terminate-mode': 'ISTIO_MUTUAL' } },
        }],
      },
    });
    Phase.assign(this, Phase.GATEWAYS);
  }
}
