'use strict';
// Loads the extension (the esbuild bundle when built, else the source) against a stub of the
// `vscode` module and checks activation when the server binary is missing: a clear error, the
// restart command registered, no client started.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const Module = require('module');

// Anything the test does not define (classes the client library extends, enums it reads at load
// time) is a permissive stand-in: a constructible function whose properties are more stand-ins.
function standIn() {
  const cache = new Map();
  const target = function () {};
  return new Proxy(target, {
    get(t, key) {
      if (key === 'prototype') return t.prototype;
      if (typeof key === 'symbol') return t[key];
      if (!cache.has(key)) cache.set(key, standIn());
      return cache.get(key);
    },
  });
}

function withFallback(obj) {
  const fallback = standIn();
  return new Proxy(obj, { get: (t, key) => (key in t ? t[key] : fallback[key]) });
}

function stubVscode(settings) {
  const calls = { errors: [], commands: {}, lines: [] };
  const disposable = { dispose() {} };
  const vscode = {
    workspace: {
      workspaceFolders: undefined,
      getConfiguration: () => ({ get: (key, dflt) => (key in settings ? settings[key] : dflt) }),
      onDidChangeConfiguration: () => disposable,
      createFileSystemWatcher: () => disposable,
    },
    window: {
      createOutputChannel: () => ({ appendLine: (l) => calls.lines.push(l), show() {}, dispose() {} }),
      showErrorMessage: async (msg) => {
        calls.errors.push(msg);
        return undefined;
      },
    },
    commands: {
      registerCommand: (name, fn) => {
        calls.commands[name] = fn;
        return disposable;
      },
      executeCommand: async () => undefined,
    },
  };
  return { vscode: withFallback(vscode), calls };
}

function loadExtension(vscode) {
  const bundle = path.join(__dirname, '..', '..', 'dist', 'extension.js');
  const entry = fs.existsSync(bundle) ? bundle : path.join(__dirname, '..', '..', 'src', 'extension.js');
  const original = Module._load;
  Module._load = function (request, ...rest) {
    if (request === 'vscode') return vscode;
    return original.call(this, request, ...rest);
  };
  try {
    delete require.cache[entry];
    return require(entry);
  } finally {
    Module._load = original;
  }
}

test('activation without a dg binary shows a clear message and keeps the restart command', async () => {
  const { vscode, calls } = stubVscode({ 'server.path': '/nonexistent/dg', 'server.extraArgs': [] });
  const ext = loadExtension(vscode);
  const context = { subscriptions: [] };
  await ext.activate(context);
  assert.strictEqual(calls.errors.length, 1);
  assert.match(calls.errors[0], /Deluge language server could not be started: "\/nonexistent\/dg" was not found/);
  assert.ok(calls.commands['deluge.restartServer'], 'restart command registered');
  await calls.commands['deluge.restartServer']();
  assert.strictEqual(calls.errors.length, 2, 'restart tries again and reports again');
  await ext.deactivate();
});

test('package.json contributes what the extension uses', () => {
  const pkg = require('../../package.json');
  const ids = pkg.contributes.languages.map((l) => l.id);
  assert.deepStrictEqual(ids, ['deluge', 'deluge-page']);
  assert.deepStrictEqual(pkg.contributes.languages[0].extensions, ['.dg', '.deluge', '.ds']);
  assert.ok(pkg.contributes.commands.some((c) => c.command === 'deluge.restartServer'));
  const props = pkg.contributes.configuration.properties;
  assert.strictEqual(props['deluge.server.path'].default, 'dg');
  assert.deepStrictEqual(props['deluge.server.extraArgs'].default, []);
  for (const g of pkg.contributes.grammars) {
    const grammar = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', g.path), 'utf8'));
    assert.strictEqual(grammar.scopeName, g.scopeName);
  }
  for (const file of ['language-configuration.json', 'page-language-configuration.json']) {
    JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', file), 'utf8'));
  }
  const snippets = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'snippets', 'deluge.code-snippets'), 'utf8'));
  for (const name of ['Function', 'If / else', 'For each', 'Try / catch', 'invokeurl GET', 'invokeurl POST', 'sendmail',
    'zoho.crm.getRecordById', 'zoho.crm.updateRecord', 'zoho.crm.createRecord', 'zoho.crm.searchRecords',
    'insert into', 'Creator fetch']) {
    assert.ok(snippets[name], `snippet ${name}`);
  }
});
