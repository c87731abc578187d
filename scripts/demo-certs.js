#!/usr/bin/env node
// Generates DEMO plug-in CA certificates for an Istio multi-cluster mesh: one self-signed root and one
// intermediate CA per cluster, with the same openssl settings and file layout as Istio's
// tools/certs/Makefile.selfsigned.mk targets `root-ca` and `<cluster>-cacerts`
// (https://istio.io/latest/docs/tasks/security/cert-management/plugin-ca-cert/).
//
//   node scripts/demo-certs.js [--out DIR] [cluster ...]
//
// Without cluster names it takes them from MESH_TOPOLOGY (a YAML/JSON topology file) or else from the
// compiled default topology (lib/src/topology/default-topology.js, so run `npm run build` first).
//
// The private keys it writes are for demos and tests only: never commit them, never use them in production.
// An existing root in DIR is reused, so adding a cluster later keeps every cluster on the same root; an
// existing, valid cluster directory is kept unchanged (delete it to re-issue that cluster's intermediate).
//
// Environment: DEMO_CERTS_KEY_BITS (RSA key size, default 4096, as Istio's Makefile), OPENSSL (path of the
// openssl binary, default `openssl` on PATH), MESH_TOPOLOGY (see above).
//
// Exit codes: 0 done; 2 usage error or refused input (invalid cluster name, output under dist/);
// 1 anything else (openssl missing or failing, inconsistent existing files).
'use strict';

const { execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

// Istio's tools/certs/common.mk defaults.
const ROOTCA_DAYS = 3650; // 10 years
const ROOTCA_ORG = 'Istio';
const ROOTCA_CN = 'Root CA';
const INTERMEDIATE_DAYS = 730; // 2 years
const INTERMEDIATE_ORG = 'Istio';
const INTERMEDIATE_CN = 'Intermediate CA';
const INTERMEDIATE_SAN_DNS = 'istiod.istio-system.svc';
const KEY_USAGE = 'critical, digitalSignature, nonRepudiation, keyEncipherment, keyCertSign';

const DEFAULT_OUT = 'demo-certs';
const DEFAULT_MESH_ID = 'mesh1';
const CLUSTER_FILES = ['ca-cert.pem', 'ca-key.pem', 'root-cert.pem', 'cert-chain.pem'];
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// dist/ is the synth output (committed, applied by GitOps); writer.ts stages it in .dist.staging-<pid>.
const DIST_SEGMENT = /^(dist|\.dist\.(staging|previous)-\d+)$/;

const USAGE = `usage: node scripts/demo-certs.js [--out DIR] [cluster ...]

Generates DEMO Istio plug-in CA certificates (root CA + one intermediate CA per cluster), laid out like
Istio's tools/certs/Makefile.selfsigned.mk: DIR/root-cert.pem, DIR/root-key.pem and per cluster
DIR/<cluster>/{ca-cert.pem,ca-key.pem,root-cert.pem,cert-chain.pem}.

  --out DIR   output directory (default: ./${DEFAULT_OUT}); must not be inside a dist directory
  cluster     cluster names (DNS-1123 labels); default: the clusters of MESH_TOPOLOGY, or else of the
              compiled default topology

Environment: DEMO_CERTS_KEY_BITS (default 4096), OPENSSL (default: openssl on PATH), MESH_TOPOLOGY.
Demo only: for production use an External Secrets store or a cert-manager issuer (see README).`;

/** An error that ends the script with a message and an exit code (no stack trace). */
class Fatal extends Error {
  constructor(message, code = 1) {
    super(message);
    this.code = code;
  }
}

function parseArgs(argv) {
  let out;
  let help = false;
  const clusters = [];
  let onlyNames = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (onlyNames) clusters.push(a);
    else if (a === '--') onlyNames = true;
    else if (a === '-h' || a === '--help') help = true;
    else if (a === '--out' || a === '-o') {
      if (i + 1 >= argv.length || argv[i + 1] === '') throw new Fatal(`${a} needs a directory\n\n${USAGE}`, 2);
      out = argv[++i];
    } else if (a.startsWith('--out=')) {
      out = a.slice('--out='.length);
      if (!out) throw new Fatal(`--out needs a directory\n\n${USAGE}`, 2);
    } else if (a.startsWith('-')) throw new Fatal(`unknown option ${a}\n\n${USAGE}`, 2);
    else clusters.push(a);
  }
  return { out, help, clusters };
}

/** Reads MESH_TOPOLOGY: { meshID?, clusters: [{ clusterName }] } or a bare array of { clusterName }. */
function readTopologyFile(file) {
  let data;
  try {
    data = require('js-yaml').load(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Fatal(`MESH_TOPOLOGY=${file}: cannot be read as YAML/JSON (${String(e.message).split('\n')[0]})`, 2);
  }
  const list = Array.isArray(data) ? data : data && typeof data === 'object' ? data.clusters : undefined;
  if (!Array.isArray(list)) {
    throw new Fatal(`MESH_TOPOLOGY=${file}: expected an object with "clusters: [{clusterName}]" or a bare array of {clusterName}`, 2);
  }
  const names = list.map((c, i) => {
    if (!c || typeof c.clusterName !== 'string') throw new Fatal(`MESH_TOPOLOGY=${file}: cluster #${i + 1} has no clusterName`, 2);
    return c.clusterName;
  });
  const meshID = !Array.isArray(data) && typeof data.meshID === 'string' && data.meshID ? data.meshID : DEFAULT_MESH_ID;
  return { names, meshID, source: `MESH_TOPOLOGY=${file}` };
}

/** The compiled default topology (undefined when the project has not been built). */
function loadDefaultTopology() {
  const file = path.join(__dirname, '..', 'lib', 'src', 'topology', 'default-topology.js');
  if (!fs.existsSync(file)) return undefined;
  const topo = require(file).DEFAULT_TOPOLOGY;
  return {
    names: topo.clusters.map((c) => c.clusterName),
    meshID: topo.meshID || DEFAULT_MESH_ID,
    source: 'the default topology',
  };
}

/** Cluster names and meshID: names from the command line win; meshID always comes from the topology. */
function resolveClusters(cliNames) {
  const topo = process.env.MESH_TOPOLOGY ? readTopologyFile(process.env.MESH_TOPOLOGY) : loadDefaultTopology();
  if (cliNames.length === 0 && !topo) {
    throw new Fatal('no cluster names given and lib/src/topology/default-topology.js does not exist: pass cluster names, set MESH_TOPOLOGY, or run `npm run build` first', 2);
  }
  const names = cliNames.length > 0 ? cliNames : topo.names;
  if (names.length === 0) throw new Fatal(`${topo.source} has no clusters`, 2);
  const bad = names.filter((n) => !(typeof n === 'string' && n.length <= 63 && DNS1123_LABEL.test(n)));
  if (bad.length > 0) {
    throw new Fatal(
      `invalid cluster name${bad.length > 1 ? 's' : ''} ${bad.map((n) => JSON.stringify(n)).join(', ')}: ` +
        'a cluster name must be a DNS-1123 label (at most 63 characters of lower-case letters, digits and "-", ' +
        'starting and ending with a letter or digit), e.g. "cluster1"',
      2,
    );
  }
  return { names: [...new Set(names)], meshID: topo ? topo.meshID : DEFAULT_MESH_ID };
}

/** Refuses an output directory inside dist/ (also through symlinks): keys there would end up in git. */
function checkOutDir(outDir) {
  const candidates = [outDir];
  // Resolve symlinks of the deepest existing ancestor.
  let existing = outDir;
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  try {
    candidates.push(path.join(fs.realpathSync(existing), path.relative(existing, outDir)));
  } catch {
    // unreadable ancestor: the lexical check below still applies
  }
  for (const p of candidates) {
    const segment = p.split(path.sep).find((s) => DIST_SEGMENT.test(s));
    if (segment) {
      throw new Fatal(
        `refusing to write private keys to ${outDir}: it is inside a "${segment}" directory, which is synth ` +
          'output that gets committed and applied by GitOps. Choose another --out (the default ./demo-certs is git-ignored).',
        2,
      );
    }
  }
  if (fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) throw new Fatal(`--out ${outDir} exists and is not a directory`, 2);
}

function keyBits() {
  const raw = process.env.DEMO_CERTS_KEY_BITS;
  if (raw === undefined || raw === '') return 4096;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 2048 || n > 16384) throw new Fatal(`DEMO_CERTS_KEY_BITS=${raw}: must be an integer from 2048 to 16384`, 2);
  return n;
}

const OPENSSL = process.env.OPENSSL || 'openssl';

/** Runs openssl; returns stdout. Errors carry openssl's stderr. */
function openssl(args, options = {}) {
  try {
    return execFileSync(OPENSSL, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
  } catch (e) {
    if (e.code === 'ENOENT') throw opensslMissing();
    const stderr = e.stderr ? String(e.stderr).trim() : e.message;
    throw new Fatal(`openssl ${args[0]} failed: ${stderr}`);
  }
}

function opensslMissing() {
  return new Fatal(
    `openssl not found (tried "${OPENSSL}"${process.env.OPENSSL ? ' from $OPENSSL' : ' on PATH'}): install OpenSSL ` +
      '(e.g. `apt-get install openssl`, `brew install openssl`) or set OPENSSL to its path',
  );
}

function checkOpenssl() {
  try {
    return execFileSync(OPENSSL, ['version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    if (e.code === 'ENOENT' || e.code === 'EACCES') throw opensslMissing();
    throw new Fatal(`"${OPENSSL} version" failed: ${e.stderr ? String(e.stderr).trim() : e.message}`);
  }
}

/** Generates an RSA key in memory and writes it with mode 0600 (it never exists with wider permissions). */
function writeNewKey(file, bits) {
  const pem = openssl(['genrsa', String(bits)]);
  fs.writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
  fs.chmodSync(file, 0o600);
}

/** A random positive 127-bit serial, instead of -CAcreateserial (which writes root-cert.srl into DIR). */
function randomSerial() {
  const b = crypto.randomBytes(16);
  b[0] &= 0x7f;
  b[0] |= 0x01;
  return '0x' + b.toString('hex');
}

function rootConf() {
  // common.mk root-ca.conf
  return [
    '[ req ]', 'encrypt_key = no', 'prompt = no', 'utf8 = yes', 'default_md = sha256',
    'req_extensions = req_ext', 'x509_extensions = req_ext', 'distinguished_name = req_dn',
    '[ req_ext ]', 'subjectKeyIdentifier = hash', 'basicConstraints = critical, CA:true', `keyUsage = ${KEY_USAGE}`,
    '[ req_dn ]', `O = ${ROOTCA_ORG}`, `CN = ${ROOTCA_CN}`, '',
  ].join('\n');
}

function intermediateConf(cluster) {
  // common.mk %/intermediate.conf (L = the cluster name)
  return [
    '[ req ]', 'encrypt_key = no', 'prompt = no', 'utf8 = yes', 'default_md = sha256',
    'req_extensions = req_ext', 'x509_extensions = req_ext', 'distinguished_name = req_dn',
    '[ req_ext ]', 'subjectKeyIdentifier = hash', 'basicConstraints = critical, CA:true, pathlen:0',
    `keyUsage = ${KEY_USAGE}`, 'subjectAltName = @san',
    '[ san ]', `DNS.1 = ${INTERMEDIATE_SAN_DNS}`,
    '[ req_dn ]', `O = ${INTERMEDIATE_ORG}`, `CN = ${INTERMEDIATE_CN}`, `L = ${cluster}`, '',
  ].join('\n');
}

function publicKeyOfCert(certFile) {
  return openssl(['x509', '-noout', '-pubkey', '-in', certFile]).trim();
}

function publicKeyOfKey(keyFile) {
  return openssl(['pkey', '-pubout', '-in', keyFile]).trim();
}

/** Creates DIR/root-key.pem and DIR/root-cert.pem, or reuses a consistent existing pair. */
function ensureRoot(outDir, work, bits) {
  const rootCert = path.join(outDir, 'root-cert.pem');
  const rootKey = path.join(outDir, 'root-key.pem');
  const hasCert = fs.existsSync(rootCert);
  const hasKey = fs.existsSync(rootKey);
  if (hasCert && hasKey) {
    if (publicKeyOfCert(rootCert) !== publicKeyOfKey(rootKey)) {
      throw new Fatal(`${rootCert} and ${rootKey} do not belong together: restore the matching pair or move both away to create a new root`);
    }
    fs.chmodSync(rootKey, 0o600);
    return 'reused';
  }
  if (hasCert || hasKey) {
    throw new Fatal(`${hasCert ? rootCert : rootKey} exists without ${hasCert ? rootKey : rootCert}: restore it or move the file away to create a new root`);
  }
  const stagedKey = path.join(outDir, `.root-key.pem.staging-${process.pid}`);
  const stagedCert = path.join(outDir, `.root-cert.pem.staging-${process.pid}`);
  try {
    const conf = path.join(work, 'root-ca.conf');
    const csr = path.join(work, 'root-cert.csr');
    fs.writeFileSync(conf, rootConf());
    writeNewKey(stagedKey, bits);
    openssl(['req', '-new', '-key', stagedKey, '-config', conf, '-out', csr]);
    openssl(['x509', '-req', '-sha256', '-days', String(ROOTCA_DAYS), '-signkey', stagedKey, '-set_serial', randomSerial(),
      '-extensions', 'req_ext', '-extfile', conf, '-in', csr, '-out', stagedCert]);
    fs.renameSync(stagedKey, rootKey);
    fs.renameSync(stagedCert, rootCert);
  } finally {
    fs.rmSync(stagedKey, { force: true });
    fs.rmSync(stagedCert, { force: true });
  }
  return 'created';
}

/** Whether an existing cluster directory is complete and chains to the current root. */
function clusterIsValid(outDir, dir) {
  if (!CLUSTER_FILES.every((f) => fs.existsSync(path.join(dir, f)))) return false;
  const root = fs.readFileSync(path.join(outDir, 'root-cert.pem'));
  if (!root.equals(fs.readFileSync(path.join(dir, 'root-cert.pem')))) return false;
  const chain = fs.readFileSync(path.join(dir, 'cert-chain.pem'));
  if (!chain.equals(Buffer.concat([fs.readFileSync(path.join(dir, 'ca-cert.pem')), root]))) return false;
  try {
    execFileSync(OPENSSL, ['verify', '-CAfile', path.join(outDir, 'root-cert.pem'), path.join(dir, 'ca-cert.pem')], { stdio: 'ignore' });
  } catch {
    return false;
  }
  return publicKeyOfCert(path.join(dir, 'ca-cert.pem')) === publicKeyOfKey(path.join(dir, 'ca-key.pem'));
}

function invalidCluster(outDir, cluster) {
  return new Fatal(`${path.join(outDir, cluster)} exists but is incomplete or does not chain to ${path.join(outDir, 'root-cert.pem')}: ` +
    `move it away to re-issue ${cluster}'s intermediate CA`);
}

/** Creates DIR/<cluster>/ (staged, then renamed into place), or keeps a valid existing one. */
function ensureCluster(outDir, work, cluster, bits) {
  const dir = path.join(outDir, cluster);
  if (fs.existsSync(dir)) {
    if (clusterIsValid(outDir, dir)) {
      fs.chmodSync(path.join(dir, 'ca-key.pem'), 0o600);
      return 'kept';
    }
    throw invalidCluster(outDir, cluster);
  }
  const staging = path.join(outDir, `.${cluster}.staging-${process.pid}`);
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { mode: 0o700 });
  try {
    const conf = path.join(work, `${cluster}-intermediate.conf`);
    const csr = path.join(work, `${cluster}-cluster-ca.csr`);
    const rootCert = path.join(outDir, 'root-cert.pem');
    fs.writeFileSync(conf, intermediateConf(cluster));
    writeNewKey(path.join(staging, 'ca-key.pem'), bits);
    openssl(['req', '-new', '-config', conf, '-key', path.join(staging, 'ca-key.pem'), '-out', csr]);
    openssl(['x509', '-req', '-sha256', '-days', String(INTERMEDIATE_DAYS), '-CA', rootCert, '-CAkey', path.join(outDir, 'root-key.pem'),
      '-set_serial', randomSerial(), '-extensions', 'req_ext', '-extfile', conf, '-in', csr, '-out', path.join(staging, 'ca-cert.pem')]);
    const root = fs.readFileSync(rootCert);
    fs.writeFileSync(path.join(staging, 'root-cert.pem'), root);
    fs.writeFileSync(path.join(staging, 'cert-chain.pem'), Buffer.concat([fs.readFileSync(path.join(staging, 'ca-cert.pem')), root]));
    fs.renameSync(staging, dir);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return 'created';
}

function warningBox(outDir) {
  const lines = [
    'WARNING: DEMO CERTIFICATES',
    '',
    'Private keys (root CA and per-cluster intermediate CAs) are written to:',
    `  ${outDir}`,
    '',
    'NEVER commit these files. NEVER use them in production.',
    'For production, keep the root CA offline and deliver cacerts from an',
    'External Secrets store or a cert-manager issuer (see README).',
  ];
  const width = Math.max(...lines.map((l) => l.length));
  const bar = '!'.repeat(width + 6);
  return ['', bar, ...lines.map((l) => `!! ${l.padEnd(width)} !!`), bar, ''].join('\n');
}

/** An extra warning when DIR is in a git work tree and not ignored (best effort; no git, no warning). */
function gitWarning(outDir) {
  try {
    const top = execFileSync('git', ['-C', outDir, 'rev-parse', '--show-toplevel'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (!top) return undefined;
    try {
      execFileSync('git', ['-C', outDir, 'check-ignore', '-q', path.join(outDir, 'root-key.pem')], { stdio: 'ignore' });
      return undefined; // ignored
    } catch (e) {
      if (e.status === 1) return `WARNING: ${outDir} is inside the git work tree ${top} and NOT git-ignored: add it to .gitignore before anything else.`;
      return undefined;
    }
  } catch {
    return undefined; // not a work tree, or no git
  }
}

function shellQuote(s) {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function instructions(outDir, clusters, meshID) {
  const rel = path.relative(process.cwd(), outDir);
  const shown = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : outDir;
  const out = [];
  out.push(`# Demo plug-in CA certificates for mesh ${meshID} in ${shown} (see https://istio.io/latest/docs/tasks/security/cert-management/plugin-ca-cert/).`);
  out.push('# Load each cluster\'s files into its istio-system namespace BEFORE istiod starts');
  out.push('# (istio-system must exist: kubectl apply -k dist/<cluster>/00-namespaces, or kubectl create namespace istio-system).');
  out.push('# Set CTX_<CLUSTER> to the kubeconfig context of each cluster.');
  for (const c of clusters) {
    const ctx = `CTX_${c.toUpperCase().replace(/-/g, '_')}`;
    out.push('');
    out.push(`# ${c}`);
    out.push(`kubectl --context "\${${ctx}}" create secret generic cacerts -n istio-system \\`);
    CLUSTER_FILES.forEach((f, i) => {
      out.push(`  --from-file=${shellQuote(path.join(shown, c, f))}${i < CLUSTER_FILES.length - 1 ? ' \\' : ''}`);
    });
  }
  out.push('');
  out.push('# GitOps: instead of kubectl, put the same four keys into your secret store (never into git), one entry per cluster');
  out.push(`# (at the default key prefix istio/${meshID}; use your own prefix if you configured one):`);
  for (const c of clusters) {
    out.push(`#   key istio/${meshID}/cacerts/${c}  properties ca-cert.pem, ca-key.pem, root-cert.pem, cert-chain.pem`);
  }
  out.push('');
  return out.join('\n');
}

function main(argv) {
  const args = parseArgs(argv);
  if (args.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const outDir = path.resolve(process.cwd(), args.out || DEFAULT_OUT);
  checkOutDir(outDir);
  const { names, meshID } = resolveClusters(args.clusters);
  const bits = keyBits();
  const version = checkOpenssl();

  process.stderr.write(warningBox(outDir) + '\n');
  fs.mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const git = gitWarning(outDir);
  if (git) process.stderr.write(git + '\n\n');

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-certs-'));
  try {
    process.stderr.write(`using ${version}, RSA ${bits} bits\n`);
    const root = ensureRoot(outDir, work, bits);
    process.stderr.write(root === 'reused' ? `reusing the existing root CA in ${outDir}\n` : `created root CA ${path.join(outDir, 'root-cert.pem')}\n`);
    // Check every existing cluster directory before issuing anything, so a refusal changes nothing.
    const existing = new Set(names.filter((c) => fs.existsSync(path.join(outDir, c))));
    for (const c of existing) {
      if (!clusterIsValid(outDir, path.join(outDir, c))) throw invalidCluster(outDir, c);
    }
    for (const c of names) {
      const r = ensureCluster(outDir, work, c, bits);
      process.stderr.write(r === 'kept'
        ? `kept the existing intermediate CA of ${c} (move ${path.join(outDir, c)} away to re-issue it)\n`
        : `created intermediate CA of ${c} in ${path.join(outDir, c)}\n`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  process.stderr.write(`\nWARNING: ${outDir} holds DEMO private keys: never commit them, never use them in production.\n\n`);
  process.stdout.write(instructions(outDir, names, meshID));
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  if (e instanceof Fatal) {
    process.stderr.write(`demo-certs: ${e.message}\n`);
    process.exitCode = e.code;
  } else {
    throw e;
  }
}
