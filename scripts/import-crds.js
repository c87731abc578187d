#!/usr/bin/env node
// Regenerates the typed L1 classes in imports/ from the pinned CRD copies in crds/.
// Each CRD file gets its own module name so that two files of one API group
// (e.g. ExternalSecret and PushSecret) do not overwrite each other's module.
// To move to a newer upstream version, replace the file in crds/ (see crds/README.md for the URLs),
// update the table below and run `npm run import`.
const { execFileSync } = require('child_process');
const path = require('path');

const IMPORTS = [
  ['istio', 'istio-1.30.3-crd-all.gen.yaml'],
  ['external-secrets-externalsecret', 'external-secrets-2.9.0-externalsecrets.yaml'],
  ['external-secrets-pushsecret', 'external-secrets-2.9.0-pushsecrets.yaml'],
  ['cert-manager-certificate', 'cert-manager-1.21.1-certificates.yaml'],
  ['argocd-application', 'argocd-3.5.1-application-crd.yaml'],
  ['sail-istio', 'sail-operator-1.30.3-istios.yaml'],
];

const root = path.join(__dirname, '..');
const cli = path.join(root, 'node_modules', '.bin', 'cdk8s');
for (const [name, file] of IMPORTS) {
  console.error(`importing ${file} as ${name}`);
  execFileSync(cli, ['import', `${name}:=crds/${file}`, '--language', 'typescript', '--output', 'imports', '--no-save', '--no-check-upgrade'], {
    cwd: root,
    stdio: 'inherit',
  });
}
