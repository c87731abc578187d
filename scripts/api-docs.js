#!/usr/bin/env node
// Writes docs/API.md, the API reference, from the doc comments of everything src/index.ts exports.
//
//   node scripts/api-docs.js           writes docs/API.md (`npm run docs`)
//   node scripts/api-docs.js --check   exits 1 when docs/API.md differs from a fresh generation
//
// Syntax only (the TypeScript parser, no type checker): it follows `export * from` / `export { } from` of
// src/index.ts through the source files and prints each exported class, interface, enum, function, type and
// constant with its doc comment, its public and protected members, and the tags a reader needs (@default,
// @see, @param, @returns, @deprecated). Types are printed as written in the source; members marked
// @internal, private or named with a leading underscore are left out, as `stripInternal` leaves them out
// of the published declarations. Deterministic: modules in the order of src/index.ts, declarations in
// source order. test/api-docs.test.ts checks that the committed file equals a fresh generation.
'use strict';
const fs = require('fs');
const path = require('path');

const OUTPUT = 'docs/API.md';

/** The JSDoc blocks attached to a node (the last one is its doc comment). */
function jsDocsOf(ts, node) {
  return ts.getJSDocCommentsAndTags(node).filter((d) => ts.isJSDoc(d));
}

/** The text of a JSDoc comment (string or node list), trimmed; '' when none. */
function commentText(ts, comment) {
  if (comment === undefined) return '';
  return (typeof comment === 'string' ? comment : ts.getTextOfJSDocComment(comment) ?? '').trim();
}

/** { text, tags: [{ name, param?, text }] } of a node's doc comment. */
function docOf(ts, node) {
  const docs = jsDocsOf(ts, node);
  const doc = docs[docs.length - 1];
  if (!doc) return { text: '', tags: [] };
  const tags = (doc.tags ?? []).map((t) => ({
    name: t.tagName.text,
    param: ts.isJSDocParameterTag(t) ? t.name.getText() : undefined,
    // `@see https://...`: the parser takes `https` for a name reference and the rest for the comment.
    text: `${ts.isJSDocSeeTag(t) && t.name ? t.name.getText() : ''}${commentText(ts, t.comment)}`,
  }));
  return { text: commentText(ts, doc.comment), tags };
}

function isInternal(ts, node) {
  return docOf(ts, node).tags.some((t) => t.name === 'internal');
}

function hasModifier(ts, node, kind) {
  return (ts.canHaveModifiers(node) ? ts.getModifiers(node) ?? [] : []).some((m) => m.kind === kind);
}

/** One line of source text (types and signatures as written), whitespace collapsed. */
function oneLine(text) {
  return text.replace(/\s+/g, ' ').trim();
}

/** Markdown inline code that survives backticks inside the text. */
function code(text) {
  const fence = text.includes('`') ? '``' : '`';
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A doc text as Markdown lines under a list item (continuation lines indented). */
function indented(text, indent) {
  return text.split('\n').map((l, i) => (i === 0 || l.trim() === '' ? l : `${indent}${l}`)).join('\n');
}

/** The tag lines that follow a description: Default, See, Deprecated, Returns, parameters. */
function tagLines(doc, indent = '') {
  const out = [];
  for (const t of doc.tags) {
    if (t.name === 'default') out.push(`${indent}*Default:* ${t.text ? indented(t.text, indent) : '(none)'}`);
    else if (t.name === 'see') out.push(`${indent}*See:* ${indented(t.text, indent)}`);
    else if (t.name === 'deprecated') out.push(`${indent}*Deprecated.* ${indented(t.text, indent)}`);
    else if (t.name === 'returns' || t.name === 'return') out.push(`${indent}*Returns:* ${indented(t.text, indent)}`);
    else if (t.name === 'throws') out.push(`${indent}*Throws:* ${indented(t.text, indent)}`);
    else if (t.name === 'param' && t.text) out.push(`${indent}*Parameter* ${code(t.param)}: ${indented(t.text.replace(/^- /, ''), indent)}`);
  }
  return out;
}

/** `(a: T, b?: U)`: names and types as written (parameter properties' modifiers and defaults left out). */
function parameters(ts, params) {
  const one = (p) => `${p.dotDotDotToken ? '...' : ''}${p.name.getText()}${p.questionToken || p.initializer ? '?' : ''}${p.type ? `: ${p.type.getText()}` : ''}`;
  return `(${params.map((p) => oneLine(one(p))).join(', ')})`;
}

function typeText(node) {
  return node.type ? `: ${oneLine(node.type.getText())}` : '';
}

function typeParameters(node) {
  return node.typeParameters ? `<${node.typeParameters.map((t) => oneLine(t.getText())).join(', ')}>` : '';
}

function heritage(ts, node) {
  return (node.heritageClauses ?? []).map((h) => `${h.token === ts.SyntaxKind.ExtendsKeyword ? 'extends' : 'implements'} ${h.types.map((t) => oneLine(t.getText())).join(', ')}`).join(' ');
}

function memberName(m) {
  return m.name ? m.name.getText() : '';
}

/** The documented public (and protected: for subclasses) members of a class or interface. */
function members(ts, node) {
  const out = [];
  for (const m of node.members) {
    const name = memberName(m);
    if (ts.isConstructorDeclaration(m)) {
      if (hasModifier(ts, m, ts.SyntaxKind.PrivateKeyword) || isInternal(ts, m)) continue;
    } else {
      if (!name || name.startsWith('_') || name.startsWith('#') || isInternal(ts, m)) continue;
      if (hasModifier(ts, m, ts.SyntaxKind.PrivateKeyword)) continue;
    }
    if (ts.isIndexSignatureDeclaration(m) || ts.isClassStaticBlockDeclaration(m) || ts.isSemicolonClassElement(m)) continue;
    const mods = [];
    if (hasModifier(ts, m, ts.SyntaxKind.ProtectedKeyword)) mods.push('protected');
    if (hasModifier(ts, m, ts.SyntaxKind.StaticKeyword)) mods.push('static');
    if (hasModifier(ts, m, ts.SyntaxKind.AbstractKeyword)) mods.push('abstract');
    if (hasModifier(ts, m, ts.SyntaxKind.ReadonlyKeyword)) mods.push('readonly');
    const prefix = mods.length > 0 ? `${mods.join(' ')} ` : '';
    let signature;
    if (ts.isConstructorDeclaration(m)) signature = `new ${node.name.text}${parameters(ts, m.parameters)}`;
    else if (ts.isMethodDeclaration(m) || ts.isMethodSignature(m)) signature = `${prefix}${name}${m.questionToken ? '?' : ''}${typeParameters(m)}${parameters(ts, m.parameters)}${typeText(m)}`;
    else if (ts.isGetAccessorDeclaration(m)) signature = `${prefix}get ${name}${typeText(m)}`;
    else if (ts.isSetAccessorDeclaration(m)) {
      if (node.members.some((o) => ts.isGetAccessorDeclaration(o) && memberName(o) === name)) continue;
      signature = `${prefix}set ${name}${parameters(ts, m.parameters)}`;
    } else if (ts.isPropertyDeclaration(m) || ts.isPropertySignature(m)) signature = `${prefix}${name}${m.questionToken ? '?' : ''}${typeText(m)}`;
    else continue;
    out.push({ signature, doc: docOf(ts, m) });
  }
  return out;
}

/** Lines joined so that each tag line starts a line of its own (a CommonMark hard break: `\` at the end). */
function withTags(first, tags) {
  return [first, ...tags].join('\\\n');
}

function memberLines(list) {
  return list.map(({ signature, doc }) =>
    withTags(`- ${code(signature)}${doc.text ? ` — ${indented(doc.text, '  ')}` : ''}`, tagLines(doc, '  ')));
}

/** The Markdown of one exported declaration, or undefined when it is not documented API. */
function renderDeclaration(ts, node) {
  if (isInternal(ts, node)) return undefined;
  const doc = docOf(ts, node);
  const lines = [];
  const head = (kind, name, rest = '') => lines.push(`### ${kind} ${code(name)}`, '', ...(rest ? [code(rest), ''] : []));
  if (ts.isClassDeclaration(node)) {
    const abstract = hasModifier(ts, node, ts.SyntaxKind.AbstractKeyword) ? 'abstract ' : '';
    head(`${abstract}class`, node.name.text, oneLine(`${abstract}class ${node.name.text}${typeParameters(node)} ${heritage(ts, node)}`));
  } else if (ts.isInterfaceDeclaration(node)) {
    head('interface', node.name.text, node.heritageClauses ? oneLine(`interface ${node.name.text}${typeParameters(node)} ${heritage(ts, node)}`) : '');
  } else if (ts.isEnumDeclaration(node)) {
    head('enum', node.name.text);
  } else if (ts.isFunctionDeclaration(node)) {
    head('function', node.name.text, `${node.name.text}${typeParameters(node)}${parameters(ts, node.parameters)}${typeText(node)}`);
  } else if (ts.isTypeAliasDeclaration(node)) {
    head('type', node.name.text, oneLine(`type ${node.name.text}${typeParameters(node)} = ${node.type.getText()}`).slice(0, 400));
  } else if (ts.isVariableStatement(node)) {
    const d = node.declarationList.declarations[0];
    head('const', d.name.getText(), d.type ? `${d.name.getText()}: ${oneLine(d.type.getText())}` : '');
  } else {
    return undefined;
  }
  if (doc.text) lines.push(doc.text, '');
  const tags = tagLines(doc);
  if (tags.length > 0) lines.push(withTags(tags[0], tags.slice(1)), '');
  if (ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node)) {
    const list = memberLines(members(ts, node));
    if (list.length > 0) lines.push(`**Members**`, '', ...list, '');
  }
  if (ts.isEnumDeclaration(node)) {
    const list = node.members.map((m) => {
      const d = docOf(ts, m);
      return `- ${code(`${m.name.getText()}${m.initializer ? ` = ${oneLine(m.initializer.getText())}` : ''}`)}${d.text ? ` — ${indented(d.text, '  ')}` : ''}`;
    });
    if (list.length > 0) lines.push(`**Members**`, '', ...list, '');
  }
  return lines.join('\n');
}

/** Names exported by one source file: Map<name, declaration node> in source order. */
function exportsOf(ts, root, file, seen = new Set()) {
  const out = new Map();
  if (seen.has(file)) return out;
  seen.add(file);
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const resolve = (spec) => path.posix.join(path.posix.dirname(file), `${spec}.ts`);
  for (const st of sf.statements) {
    if (ts.isExportDeclaration(st) && st.moduleSpecifier && !st.isTypeOnly) {
      const target = resolve(st.moduleSpecifier.text);
      if (!fs.existsSync(path.join(root, target))) continue; // a package or a JSON file: not our API text
      const inner = exportsOf(ts, root, target, seen);
      if (!st.exportClause) for (const [n, d] of inner) out.set(n, d);
      else if (ts.isNamedExports(st.exportClause)) {
        for (const e of st.exportClause.elements) {
          const d = inner.get((e.propertyName ?? e.name).text);
          if (d) out.set(e.name.text, d);
        }
      }
      continue;
    }
    if (!hasModifier(ts, st, ts.SyntaxKind.ExportKeyword)) continue;
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) out.set(d.name.getText(), st);
    } else if ((ts.isClassDeclaration(st) || ts.isInterfaceDeclaration(st) || ts.isEnumDeclaration(st) || ts.isFunctionDeclaration(st) || ts.isTypeAliasDeclaration(st)) && st.name) {
      if (ts.isFunctionDeclaration(st) && !st.body && out.has(st.name.text)) continue; // overloads: first one
      out.set(st.name.text, st);
    }
  }
  return out;
}

/** The Markdown of docs/API.md for the project at `root`. */
function generateApiDocs(root) {
  const ts = require(require.resolve('typescript', { paths: [root] }));
  const index = 'src/index.ts';
  const sf = ts.createSourceFile(index, fs.readFileSync(path.join(root, index), 'utf8'), ts.ScriptTarget.ES2022, true);
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const sections = [];
  const done = new Set();
  for (const st of sf.statements) {
    if (!ts.isExportDeclaration(st) || !st.moduleSpecifier) continue;
    const file = path.posix.join('src', `${st.moduleSpecifier.text}.ts`);
    const entries = [...exportsOf(ts, root, file).values()].filter((d) => !done.has(d));
    const rendered = [];
    for (const d of entries) {
      done.add(d);
      const md = renderDeclaration(ts, d);
      if (md) rendered.push(md);
    }
    if (rendered.length > 0) sections.push({ file, rendered });
  }
  // GitHub's heading anchors: lower case, punctuation other than - and _ dropped, spaces as -.
  const anchor = (file) => file.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');
  const out = [
    `# API reference: ${pkg.name} ${pkg.version}`,
    '',
    '<!-- Generated by scripts/api-docs.js from the doc comments of src/ (`npm run docs`); do not edit. -->',
    '',
    `Everything below is exported by \`${pkg.name}\` (\`src/index.ts\`), grouped by the source file that`,
    'declares it. The generated L1 classes (Kubernetes, Istio, Argo CD, External Secrets, cert-manager, Sail) are',
    `the subpath \`${pkg.name}/imports/<module>\` (see \`imports/\`); they are not listed here.`,
    '',
    '## Modules',
    '',
    ...sections.map((s) => `- [${s.file}](#${anchor(s.file)})`),
    '',
  ];
  for (const s of sections) {
    out.push(`## ${s.file}`, '', ...s.rendered.flatMap((r) => [r]));
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

module.exports = { generateApiDocs, OUTPUT };

if (require.main === module) {
  const root = path.join(__dirname, '..');
  const text = generateApiDocs(root);
  const file = path.join(root, OUTPUT);
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (current !== text) {
      process.stderr.write(`${OUTPUT} is out of date: run \`npm run docs\`\n`);
      process.exitCode = 1;
    }
  } else {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    process.stderr.write(`wrote ${OUTPUT} (${text.length} bytes)\n`);
  }
}
