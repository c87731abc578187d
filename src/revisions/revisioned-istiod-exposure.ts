import { Construct } from 'constructs';
import { Gateway, GatewaySpecServersTlsMode as TlsMode, VirtualService } from '../../imports/istio-networking.istio.io';
import { Phase } from '../phase';

/** Props of {@link RevisionedIstiodExposure}. */
export interface RevisionedIstiodExposureProps {
  /** Namespace of the objects (the sample is applied with `-n istio-system`). */
  readonly namespace: string;
  /** The revision filled in for `{{.Revision}}`. */
  readonly revision: string;
  /**
   * Also render the template's Gateway `istiod-gateway` (it is the same for every revision, so only one
   * revision's rendering carries it).
   */
  readonly withGateway: boolean;
}

/**
 * One revision's istiod exposed on the east-west gateway, exactly as Istio renders
 * `sed 's/{{.Revision}}/<rev>/g' samples/multicluster/expose-istiod-rev.yaml.tmpl` (istio/istio@1.30.3):
 * Gateway `istiod-gateway` (TLS passthrough on 15012 and 15017) and VirtualService `istiod-vs-<rev>`
 * routing by SNI `istiod-<rev>.istio-system.svc[.cluster.local]` to `istiod-<rev>` on 15012 and 443.
 * Remotes of this revision reach it through their `istiod-<rev>` Service (remotePilotAddress).
 *
 * The template hard-codes `istio-system` in the SNI hosts and destination, so it is rendered that way.
 *
 * @see https://github.com/istio/istio/blob/1.30.3/samples/multicluster/expose-istiod-rev.yaml.tmpl
 */
export class RevisionedIstiodExposure extends Construct {
  constructor(scope: Construct, id: string, props: RevisionedIstiodExposureProps) {
    super(scope, id);
    const { namespace, revision } = props;
    if (props.withGateway) {
      const server = (name: string, number: number) => ({ port: { name, number, protocol: 'tls' }, tls: { mode: TlsMode.PASSTHROUGH }, hosts: ['*'] });
      new Gateway(this, 'Gateway', {
        metadata: { name: 'istiod-gateway', namespace },
        spec: { selector: { istio: 'eastwestgateway' }, servers: [server('tls-istiod', 15012), server('tls-istiodwebhook', 15017)] },
      });
    }
    const host = `istiod-${revision}.istio-system.svc`;
    const route = (port: number, to: number) => ({
      match: [{ port, sniHosts: [host, `${host}.cluster.local`] }],
      route: [{ destination: { host: `${host}.cluster.local`, port: { number: to } } }],
    });
    new VirtualService(this, 'VirtualService', {
      metadata: { name: `istiod-vs-${revision}`, namespace },
      spec: { hosts: ['*'], gateways: ['istiod-gateway'], tls: [route(15012, 15012), route(15017, 443)] },
    });
    Phase.assign(this, Phase.MESH_CONFIG);
  }
}
