import { Construct } from 'constructs';
import {
  DestinationRule,
  DestinationRuleSpecTrafficPolicyPortLevelSettingsConnectionPoolHttpH2UpgradePolicy as H2UpgradePolicy,
  DestinationRuleSpecTrafficPolicyPortLevelSettingsTlsMode as DrTlsMode,
  Gateway,
  GatewaySpecServersTlsMode as TlsMode,
  VirtualService,
} from '../imports/istio-networking.istio.io';
import { Phase } from './phase';

/** Props of {@link IstiodExposure}. */
export interface IstiodExposureProps {
  /** Namespace of the Gateway and VirtualService (and DestinationRule). */
  readonly namespace: string;
  /** Names of the Gateway, VirtualService and DestinationRule. */
  readonly names: { readonly gateway: string; readonly virtualService: string; readonly destinationRule: string };
  /** Selector of the gateway pods that expose istiod. */
  readonly selector: { [key: string]: string };
  /** Namespace of the exposed istiod Service. */
  readonly istiodNamespace: string;
  /** Port names of the two servers, in the sample's words (`tls-istiod`, `tls-istiodwebhook`). */
  readonly portNames: { readonly xds: string; readonly webhook: string };
  /**
   * Terminate TLS at the gateway for this host with this credential (a reference to a TLS Secret, never
   * the key): the `expose-istiod-https.yaml` shape. @default - TLS passes through to istiod, routed by
   * port (`expose-istiod.yaml`)
   */
  readonly tls?: { readonly host: string; readonly credentialName: string };
}

/**
 * Exposes istiod's xDS (15012) and webhook (15017 → 443) ports on a gateway, as Istio's samples do:
 * TLS passthrough on any host (`samples/multicluster/expose-istiod.yaml`), or TLS termination for one DNS
 * name with a DestinationRule re-originating TLS to istiod (`expose-istiod-https.yaml`, and the external
 * control plane's `external-istiod-gw.yaml`).
 */
export class IstiodExposure extends Construct {
  constructor(scope: Construct, id: string, props: IstiodExposureProps) {
    super(scope, id);
    const namespace = props.namespace;
    const istiodHost = `istiod.${props.istiodNamespace}.svc.cluster.local`;
    const tls = props.tls;
    const server = (name: string, number: number) => tls
      ? { port: { name, number, protocol: 'https' }, tls: { mode: TlsMode.SIMPLE, credentialName: tls.credentialName }, hosts: [tls.host] }
      : { port: { name, number, protocol: 'tls' }, tls: { mode: TlsMode.PASSTHROUGH }, hosts: ['*'] };

    new Gateway(this, 'Gateway', {
      metadata: { name: props.names.gateway, namespace },
      spec: {
        selector: { ...props.selector },
        servers: [server(props.portNames.xds, 15012), server(props.portNames.webhook, 15017)],
      },
    });

    const routes: [number, number][] = [[15012, 15012], [15017, 443]];
    new VirtualService(this, 'VirtualService', {
      metadata: { name: props.names.virtualService, namespace },
      spec: {
        hosts: [tls ? tls.host : '*'],
        gateways: [props.names.gateway],
        ...(tls
          ? { http: routes.map(([port, to]) => ({ match: [{ port }], route: [{ destination: { host: istiodHost, port: { number: to } } }] })) }
          : { tls: routes.map(([port, to]) => ({ match: [{ port, sniHosts: ['*'] }], route: [{ destination: { host: istiodHost, port: { number: to } } }] })) }),
      },
    });

    if (tls) {
      new DestinationRule(this, 'DestinationRule', {
        metadata: { name: props.names.destinationRule, namespace },
        spec: {
          host: istiodHost,
          trafficPolicy: {
            portLevelSettings: [
              { port: { number: 15012 }, tls: { mode: DrTlsMode.SIMPLE }, connectionPool: { http: { h2UpgradePolicy: H2UpgradePolicy.UPGRADE } } },
              { port: { number: 443 }, tls: { mode: DrTlsMode.SIMPLE } },
            ],
          },
        },
      });
    }
    Phase.assign(this, Phase.MESH_CONFIG);
  }
}
