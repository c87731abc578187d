import { PEER_CLUSTERS_ANNOTATION } from './remote-secret';

/**
 * The Argo CD resource health checks the output relies on, as `argocd-cm` keys
 * (`resource.customizations.health.<group>_<kind>`, Lua). Argo CD waits for the objects of a sync wave
 * to be Healthy before it applies the next wave, and for child Applications of an app of apps only when
 * it can assess their health; a kind without a health check counts as Healthy at once. Written to
 * `dist/_argocd/argocd-cm-health-checks.yaml`, which the user merges into `argocd-cm` (it is not part of
 * the kustomization: `argocd-cm` belongs to the Argo CD install).
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/health/
 */
export const ARGOCD_HEALTH_CHECKS_FILE = 'argocd-cm-health-checks.yaml';

/**
 * Sail Operator `Istio`: Argo CD has no built-in check, so the wave after it (gateways, whose pods need
 * the injection webhook) would not wait for istiod. Healthy when the operator reports `Ready`, Degraded
 * when `Reconciled` is False, Progressing otherwise (also while the status is for an older generation).
 * A `remote` profile runs no istiod here: the operator's Ready only mirrors the serving control plane
 * in another cluster (its webhook readiness probe, reason RemoteIstiodNotReady), so Reconciled is enough
 * and this cluster never waits on another one through it.
 * Conditions: sail-operator api/v1 istio_types.go (IstioConditionReconciled, IstioConditionReady).
 */
const SAIL_ISTIO_HEALTH = `local hs = { status = "Progressing", message = "Waiting for the Sail Operator to reconcile the Istio resource" }
if obj.status == nil or obj.status.conditions == nil then
  return hs
end
if obj.metadata.generation ~= nil and obj.status.observedGeneration ~= nil and obj.status.observedGeneration < obj.metadata.generation then
  return hs
end
local ready = nil
local reconciled = nil
for _, c in ipairs(obj.status.conditions) do
  if c.type == "Ready" then ready = c end
  if c.type == "Reconciled" then reconciled = c end
end
if reconciled ~= nil and reconciled.status == "False" then
  hs.status = "Degraded"
  hs.message = reconciled.message or "Reconcile failed"
  return hs
end
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message or "istiod is ready"
  return hs
end
if obj.spec ~= nil and obj.spec.profile == "remote" and reconciled ~= nil and reconciled.status == "True" then
  hs.status = "Healthy"
  hs.message = "remote profile reconciled; istiod runs in another cluster"
  return hs
end
if ready ~= nil and ready.message ~= nil then
  hs.message = ready.message
end
return hs
`;

/**
 * External Secrets `ExternalSecret`, replacing Argo CD's built-in check with the same outcome (condition
 * Ready True: Healthy, False: Degraded, else Progressing) except for the ExternalSecrets annotated with
 * the peer clusters they wait for (remote secrets): those are Healthy while the peer has not pushed its
 * reader token yet, with a message saying so. A new or removed cluster thus never holds another
 * cluster's sync or its Application's health; the link appears when the peer's PushSecret has run
 * (the operator retries on its own).
 */
const EXTERNAL_SECRET_HEALTH = `local hs = { status = "Progressing", message = "Waiting for ExternalSecret" }
local ready = nil
if obj.status ~= nil and obj.status.conditions ~= nil then
  for _, c in ipairs(obj.status.conditions) do
    if c.type == "Ready" then ready = c end
  end
end
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message or ""
  return hs
end
local peers = nil
if obj.metadata.annotations ~= nil then
  peers = obj.metadata.annotations["${PEER_CLUSTERS_ANNOTATION}"]
end
if peers ~= nil then
  hs.status = "Healthy"
  hs.message = "Link to cluster(s) " .. peers .. " waits for their PushSecret; it does not hold the sync"
  return hs
end
if ready ~= nil and ready.status == "False" then
  hs.status = "Degraded"
  hs.message = ready.message or ""
end
return hs
`;

/**
 * Argo CD `Application`: the check Argo CD's docs give for apps of apps (removed from the built-ins in
 * 1.8), so that the Applications in `dist/_argocd` sync wave after wave, prerequisites before the mesh
 * and serving clusters before the clusters they serve.
 */
const APPLICATION_HEALTH = `local hs = { status = "Progressing", message = "" }
if obj.status ~= nil and obj.status.health ~= nil then
  hs.status = obj.status.health.status
  if obj.status.health.message ~= nil then
    hs.message = obj.status.health.message
  end
end
return hs
`;

/** `argocd-cm` data: health check key -> Lua. */
export function argoCdHealthChecks(sail: boolean): Record<string, string> {
  return {
    'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH,
    'resource.customizations.health.external-secrets.io_ExternalSecret': EXTERNAL_SECRET_HEALTH,
    ...(sail ? { 'resource.customizations.health.sailoperator.io_Istio': SAIL_ISTIO_HEALTH } : {}),
  };
}

/** The merge patch of `argocd-cm` with the health checks (see ARGOCD_HEALTH_CHECKS_FILE). */
export function argoCdHealthConfigMap(namespace: string, sail: boolean): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'argocd-cm', namespace },
    data: argoCdHealthChecks(sail),
  };
}
