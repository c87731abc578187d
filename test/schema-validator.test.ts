import { expectValid, schemaKnown, validateObject } from './support/schema-validator';

/** Deep copy + mutate, so each negative case starts from a known-valid object. */
function variant<T>(obj: T, mutate: (o: any) => void): T {
  const copy = JSON.parse(JSON.stringify(obj));
  mutate(copy);
  return copy;
}

function expectProblem(obj: any, ...fragments: string[]): string[] {
  const problems = validateObject(obj);
  expect(problems.length).toBeGreaterThan(0);
  const text = problems.join('\n');
  for (const f of fragments) expect(text).toContain(f);
  return problems;
}

// The cross-network gateway from Istio's multi-primary/multi-network samples.
const crossNetworkGateway = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: { name: 'cross-network-gateway', namespace: 'istio-system' },
  spec: {
    selector: { istio: 'eastwestgateway' },
    servers: [
      {
        port: { number: 15443, name: 'tls', protocol: 'TLS' },
        tls: { mode: 'AUTO_PASSTHROUGH' },
        hosts: ['*.local'],
      },
    ],
  },
};

const externalSecret = {
  apiVersion: 'external-secrets.io/v1',
  kind: 'ExternalSecret',
  metadata: { name: 'cacerts', namespace: 'istio-system' },
  spec: {
    refreshInterval: '1h',
    secretStoreRef: { kind: 'ClusterSecretStore', name: 'mesh-pki' },
    target: { name: 'cacerts', creationPolicy: 'Owner' },
    data: [
      { secretKey: 'ca-cert.pem', remoteRef: { key: 'mesh/east/intermediate', property: 'cert' } },
      { secretKey: 'ca-key.pem', remoteRef: { key: 'mesh/east/intermediate', property: 'key' } },
    ],
  },
};

const pushSecret = {
  apiVersion: 'external-secrets.io/v1alpha1',
  kind: 'PushSecret',
  metadata: { name: 'push-remote-secret', namespace: 'istio-system' },
  spec: {
    refreshInterval: '10m',
    secretStoreRefs: [{ kind: 'ClusterSecretStore', name: 'mesh-store' }],
    selector: { secret: { name: 'istio-remote-secret-east' } },
    data: [{ match: { secretKey: 'east', remoteRef: { remoteKey: 'mesh/remote-secrets/east' } } }],
  },
};

const certificate = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'istio-ca-east', namespace: 'cert-manager' },
  spec: {
    isCA: true,
    commonName: 'east intermediate CA',
    secretName: 'istio-ca-east',
    duration: '8760h',
    renewBefore: '720h',
    privateKey: { algorithm: 'ECDSA', size: 256 },
    usages: ['cert sign', 'crl sign', 'digital signature'],
    issuerRef: { name: 'mesh-root', kind: 'ClusterIssuer', group: 'cert-manager.io' },
  },
};

const argoApplication = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'istio-east', namespace: 'argocd', finalizers: ['resources-finalizer.argocd.argoproj.io'] },
  spec: {
    project: 'default',
    source: { repoURL: 'https://git.example.com/mesh.git', path: 'clusters/east', targetRevision: 'main', directory: { recurse: true } },
    destination: { name: 'east', namespace: 'istio-system' },
    syncPolicy: {
      automated: { prune: true, selfHeal: true },
      syncOptions: ['CreateNamespace=true', 'ServerSideApply=true'],
      retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
    },
  },
};

const sailIstio = {
  apiVersion: 'sailoperator.io/v1',
  kind: 'Istio',
  metadata: { name: 'default' },
  spec: {
    version: 'v1.30.3',
    namespace: 'istio-system',
    values: {
      global: { meshID: 'mesh1', multiCluster: { clusterName: 'east' }, network: 'network1' },
      pilot: { rollingMaxSurge: '100%', rollingMaxUnavailable: 0 }, // x-kubernetes-int-or-string
    },
  },
};

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'helloworld-v1', namespace: 'sample', labels: { 'app.kubernetes.io/name': 'helloworld', version: 'v1' } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'helloworld', version: 'v1' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
    template: {
      metadata: { labels: { app: 'helloworld', version: 'v1' }, annotations: { 'sidecar.istio.io/inject': 'true' } },
      spec: {
        containers: [
          {
            name: 'helloworld',
            image: 'docker.io/istio/examples-helloworld-v1:1.0',
            ports: [{ containerPort: 5000 }],
            resources: { requests: { cpu: '100m' }, limits: { memory: '128Mi' } },
            readinessProbe: { httpGet: { path: '/health', port: 5000 } },
          },
        ],
      },
    },
  },
};

const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'helloworld', namespace: 'sample', labels: { app: 'helloworld' } },
  spec: { selector: { app: 'helloworld' }, ports: [{ name: 'http', port: 5000, targetPort: 5000 }] },
};

describe('schema-validator: custom resources (CRDs in crds/)', () => {
  test('the cross-network Gateway is valid', () => {
    expect(validateObject(crossNetworkGateway)).toEqual([]);
  });

  test('an unknown tls.mode is rejected, naming the object and the path', () => {
    const problems = expectProblem(
      variant(crossNetworkGateway, (o) => { o.spec.servers[0].tls.mode = 'AUTO_PASSTHRU'; }),
      'networking.istio.io/v1 Gateway istio-system/cross-network-gateway',
      'spec.servers[0].tls.mode',
      'AUTO_PASSTHROUGH',
      '"AUTO_PASSTHRU"',
    );
    expect(problems).toHaveLength(1);
  });

  test('unknown fields in an Istio spec are rejected (objects with properties are closed)', () => {
    expectProblem(variant(crossNetworkGateway, (o) => { o.spec.selectr = { istio: 'x' }; }), 'spec.selectr: unknown field');
    expectProblem(variant(crossNetworkGateway, (o) => { o.spec.servers[0].port.targetport = 1; }), 'spec.servers[0].port.targetport: unknown field');
    expectProblem(variant(crossNetworkGateway, (o) => { o.specc = {}; }), 'specc: unknown field');
  });

  test('but the selector map (additionalProperties) and status (preserve-unknown-fields) stay open', () => {
    expect(validateObject(variant(crossNetworkGateway, (o) => {
      o.spec.selector['topology.istio.io/network'] = 'network1';
      o.status = { anything: { goes: true } };
    }))).toEqual([]);
  });

  test('type errors, required fields and Istio oneOf exclusivity are reported', () => {
    expectProblem(variant(crossNetworkGateway, (o) => { o.spec.servers[0].port.number = '15443'; }), 'spec.servers[0].port.number: must be integer');
    expectProblem(variant(crossNetworkGateway, (o) => { delete o.spec.servers[0].port.protocol; }), 'spec.servers[0].port.protocol: is required');
    expectProblem({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'dr' },
      spec: { host: 'x', trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN', consistentHash: { useSourceIp: true } } } },
    }, 'spec.trafficPolicy.loadBalancer: must match exactly one schema in oneOf');
  });

  test('nullable: true accepts null, other fields do not', () => {
    const dr = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'dr', namespace: 'istio-system' },
      spec: { host: 'reviews.default.svc.cluster.local', trafficPolicy: { loadBalancer: { localityLbSetting: { enabled: null } } } },
    };
    expect(validateObject(dr)).toEqual([]);
    expectProblem(variant(dr, (o) => { o.spec.host = null; }), 'spec.host: must be string');
  });

  test('ExternalSecret external-secrets.io/v1', () => {
    expect(validateObject(externalSecret)).toEqual([]);
    expectProblem(variant(externalSecret, (o) => { o.spec.secretStoreRef.kind = 'VaultStore'; }), 'spec.secretStoreRef.kind: must be one of [SecretStore, ClusterSecretStore]');
    expectProblem(variant(externalSecret, (o) => { o.spec.data[0].remoteRef.keyy = 'x'; }), 'spec.data[0].remoteRef.keyy: unknown field');
    expectProblem(variant(externalSecret, (o) => { delete o.spec.data[1].secretKey; }), 'spec.data[1].secretKey: is required');
  });

  test('ExternalSecret external-secrets.io/v1beta1 is defined but no longer served', () => {
    expectProblem(variant(externalSecret, (o) => { o.apiVersion = 'external-secrets.io/v1beta1'; }), 'not served');
  });

  test('PushSecret external-secrets.io/v1alpha1', () => {
    expect(validateObject(pushSecret)).toEqual([]);
    expectProblem(variant(pushSecret, (o) => { delete o.spec.selector; }), 'spec.selector: is required');
    expectProblem(variant(pushSecret, (o) => { o.spec.data[0].match.remoteRef = { key: 'x' }; }), 'remoteRef.key: unknown field', 'remoteRef.remoteKey: is required');
  });

  test('cert-manager Certificate v1', () => {
    expect(validateObject(certificate)).toEqual([]);
    expectProblem(variant(certificate, (o) => { o.spec.privateKey.algorithm = 'EC'; }), 'spec.privateKey.algorithm');
    expectProblem(variant(certificate, (o) => { o.spec.usages.push('cert-sign'); }), 'spec.usages[3]');
    expectProblem(variant(certificate, (o) => { o.spec.isCa = true; }), 'spec.isCa: unknown field');
  });

  test('x-kubernetes-list-type: map rejects duplicate keys (cert-manager ClusterIssuer)', () => {
    const issuer = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: 'mesh-root' },
      spec: { ca: { secretName: 'mesh-root-ca' } },
    };
    expect(validateObject(issuer)).toEqual([]);
    expectProblem({
      ...issuer,
      spec: {
        acme: {
          server: 'https://acme.example.com/directory',
          privateKeySecretRef: { name: 'acme-key' },
          solvers: [{ http01: { ingress: { podTemplate: { spec: { imagePullSecrets: [{ name: 'a' }, { name: 'a' }] } } } } }],
        },
      },
    }, 'imagePullSecrets: item [1] duplicates item [0]: name="a"');
  });

  test('Argo CD Application argoproj.io/v1alpha1', () => {
    expect(validateObject(argoApplication)).toEqual([]);
    expectProblem(variant(argoApplication, (o) => { o.spec.syncPolicy.automated.prune = 'true'; }), 'spec.syncPolicy.automated.prune: must be boolean');
    expectProblem(variant(argoApplication, (o) => { o.spec.source.targetRevison = 'main'; }), 'spec.source.targetRevison: unknown field');
    expectProblem(variant(argoApplication, (o) => { delete o.spec.destination; }), 'spec.destination: is required');
  });

  test('Sail operator Istio sailoperator.io/v1 (defaults satisfy required, int-or-string)', () => {
    expect(validateObject(sailIstio)).toEqual([]);
    // spec.version and spec.namespace are required but defaulted by the API server.
    expect(validateObject(variant(sailIstio, (o) => { delete o.spec.version; delete o.spec.namespace; }))).toEqual([]);
    expectProblem(variant(sailIstio, (o) => { o.spec.version = 'v1.99.0'; }), 'spec.version: must be one of');
    expectProblem(variant(sailIstio, (o) => { o.spec.values.pilot.rollingMaxSurge = true; }), 'spec.values.pilot.rollingMaxSurge: must be integer or string, got true');
    expectProblem(variant(sailIstio, (o) => { o.spec.values.global.meshId = 'mesh1'; }), 'spec.values.global.meshId: unknown field');
  });

  test('CR metadata is checked against ObjectMeta and naming rules', () => {
    expectProblem(variant(crossNetworkGateway, (o) => { o.metadata.labelz = {}; }), 'metadata.labelz: unknown field');
    expectProblem(variant(crossNetworkGateway, (o) => { o.metadata.name = 'Cross_Network'; }), 'metadata.name: must be a DNS-1123 subdomain');
    expectProblem(variant(crossNetworkGateway, (o) => { delete o.metadata.name; }), 'metadata.name: is required');
    expectProblem(variant(crossNetworkGateway, (o) => { o.metadata.labels = { 'topology.istio.io/network': 'network 1' }; }), 'invalid label value');
  });
});

describe('schema-validator: built-in kinds (kubernetes-models)', () => {
  test('a valid Deployment and Service pass', () => {
    expect(validateObject(deployment)).toEqual([]);
    expect(validateObject(service)).toEqual([]);
  });

  test('a misspelled Deployment field is rejected', () => {
    expectProblem(variant(deployment, (o) => { o.spec.replicaz = 2; }), 'apps/v1 Deployment sample/helloworld-v1', 'spec.replicaz: unknown field');
  });

  test('unknown fields deep inside the pod template are rejected, maps stay open', () => {
    expectProblem(variant(deployment, (o) => { o.spec.template.spec.containers[0].imagePullPolicyy = 'Always'; }), 'spec.template.spec.containers[0].imagePullPolicyy: unknown field');
    expectProblem(variant(deployment, (o) => { o.metadata.annotation = {}; }), 'metadata.annotation: unknown field');
    expect(validateObject(variant(deployment, (o) => { o.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu'] = 1; }))).toEqual([]);
  });

  test('a Service port given as a string is rejected', () => {
    expectProblem(variant(service, (o) => { o.spec.ports[0].port = '5000'; }), 'spec.ports[0].port: must be integer');
    // targetPort is an IntOrString, so a named port is fine.
    expect(validateObject(variant(service, (o) => { o.spec.ports[0].targetPort = 'http'; }))).toEqual([]);
  });

  test('kind-specific name rules', () => {
    expectProblem(variant(service, (o) => { o.metadata.name = '1helloworld'; }), 'DNS-1035');
    expect(validateObject({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'istio-reader:east' }, rules: [] })).toEqual([]);
  });

  test('other built-in kinds used by the project validate', () => {
    expectValid([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system', labels: { 'topology.istio.io/network': 'network1' } } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'istio-reader-service-account', namespace: 'istio-system' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cacerts', namespace: 'istio-system' }, type: 'Opaque', stringData: { a: 'b' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'x' } },
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'istiod', namespace: 'istio-system' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'istiod' },
          minReplicas: 1,
          maxReplicas: 5,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
        },
      },
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'istiod', namespace: 'istio-system' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'istiod' } } } },
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'east-gw', namespace: 'istio-system', labels: { 'kubernetes.io/service-name': 'east-gw' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true } }],
        ports: [{ name: 'tls', port: 15443, protocol: 'TCP' }],
      },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'istio-system' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }] },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'r', namespace: 'istio-system' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
        subjects: [{ kind: 'ServiceAccount', name: 'istio-reader-service-account', namespace: 'istio-system' }],
      },
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { name: 'istio-validator-istio-system' },
        webhooks: [{
          name: 'rev.validation.istio.io',
          admissionReviewVersions: ['v1'],
          sideEffects: 'None',
          failurePolicy: 'Ignore',
          clientConfig: { service: { name: 'istiod', namespace: 'istio-system', path: '/validate' } },
          rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: ['networking.istio.io'], apiVersions: ['*'], resources: ['*'] }],
        }],
      },
    ]);
  });

  test('removed and unknown built-in kinds are errors, not passes', () => {
    expectProblem({ apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: { name: 'x' }, spec: {} }, 'removed in Kubernetes 1.25');
    expectProblem({ apiVersion: 'v1', kind: 'PodSpec', metadata: { name: 'x' } }, 'no schema for v1 PodSpec');
    expectProblem({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } }, 'no schema for apps/v1 Deploymnet');
  });
});

describe('schema-validator: API', () => {
  test('unknown apiVersion fails', () => {
    expectProblem({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, 'no schema for example.com/v1 Widget');
    expectProblem(variant(crossNetworkGateway, (o) => { o.apiVersion = 'networking.istio.io/v2'; }), 'no schema for networking.istio.io/v2 Gateway', 'serves v1, v1alpha3, v1beta1');
    expectProblem({ kind: 'Gateway', metadata: { name: 'x' } }, 'apiVersion: is required');
  });

  test('schemaKnown', () => {
    expect(schemaKnown('networking.istio.io/v1', 'Gateway')).toBe(true);
    expect(schemaKnown('sailoperator.io/v1', 'Istio')).toBe(true);
    expect(schemaKnown('external-secrets.io/v1beta1', 'ExternalSecret')).toBe(false); // not served
    expect(schemaKnown('apps/v1', 'Deployment')).toBe(true);
    expect(schemaKnown('extensions/v1beta1', 'Deployment')).toBe(false);
    expect(schemaKnown('example.com/v1', 'Widget')).toBe(false);
  });

  test('expectValid throws listing every problem', () => {
    expect(() => expectValid([crossNetworkGateway, deployment, service])).not.toThrow();
    let message = '';
    try {
      expectValid([
        crossNetworkGateway,
        variant(crossNetworkGateway, (o) => { o.spec.servers[0].tls.mode = 'AUTO_PASSTHRU'; }),
        variant(deployment, (o) => { o.spec.replicaz = 1; }),
      ]);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('2 schema problem(s) in 2 of 3 object(s)');
    expect(message).toContain('spec.servers[0].tls.mode');
    expect(message).toContain('spec.replicaz');
  });

  test('validating 100 objects is fast once warm', () => {
    const objs = [crossNetworkGateway, externalSecret, pushSecret, certificate, argoApplication, sailIstio, deployment, service];
    objs.forEach((o) => validateObject(o)); // warm-up: parse CRDs, compile validators
    const many = Array.from({ length: 100 }, (_, i) => objs[i % objs.length]);
    const start = process.hrtime.bigint();
    expectValid(many);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    expect(ms).toBeLessThan(500);
  });
});
