/**
 * Authorization policies derived from the model. Principals are never typed by the user: they are the
 * SPIFFE identities (`<trustDomain>/ns/<namespace>/sa/<serviceAccount>`) of the workloads the model
 * names as callers.
 *
 * @see https://istio.io/latest/docs/reference/config/security/authorization-policy/
 */

/** The principal of a service account, as AuthorizationPolicy `source.principals` spells it. */
export function principal(trustDomain: string, namespace: string, serviceAccount: string): string {
  return `${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

/** Name of the namespace-wide deny-by-default policy (Istio's docs call it allow-nothing). */
export const ALLOW_NOTHING = 'allow-nothing';

/** An ALLOW policy for the workloads `app: <service>`: calls only from these principals. */
export function allowSpec(service: string, principals: readonly string[]): Record<string, unknown> {
  return {
    selector: { matchLabels: { app: service } },
    action: 'ALLOW',
    rules: [{ from: [{ source: { principals: [...principals] } }] }],
  };
}

/**
 * The ALLOW policy a service's waypoint enforces: attached to the Service (`targetRefs`, how ambient binds
 * policy to a waypoint; a selector would reach ztunnel, which sees the waypoint's identity instead of the
 * caller's), calls only from these principals.
 */
export function waypointAllowSpec(service: string, principals: readonly string[]): Record<string, unknown> {
  return {
    targetRefs: [{ group: '', kind: 'Service', name: service }],
    action: 'ALLOW',
    rules: [{ from: [{ source: { principals: [...principals] } }] }],
  };
}

/**
 * Name of that policy: `<service>.waypoint`. The dot keeps it apart from every service's own policy name
 * (Service names are DNS-1035 labels, without dots; AuthorizationPolicy names are DNS subdomains).
 */
export function waypointPolicyName(service: string): string {
  return `${service}.waypoint`;
}
