'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { expandPath, findExecutable, serverCommand } = require('../../src/server');

function fakeBinary(dir, name) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, '#!/bin/sh\nexit 0\n');
  fs.chmodSync(file, 0o755);
  return file;
}

test('expandPath: default, ~ and ${workspaceFolder}', () => {
  assert.strictEqual(expandPath('', undefined), 'dg');
  assert.strictEqual(expandPath('  ', undefined), 'dg');
  assert.strictEqual(expandPath('~/bin/dg'), path.join(os.homedir(), 'bin/dg'));
  assert.strictEqual(expandPath('${workspaceFolder}/target/debug/dg', '/w'), '/w/target/debug/dg');
});

test('findExecutable looks a bare name up on PATH', { skip: process.platform === 'win32' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-ext-'));
  const bin = fakeBinary(dir, 'dg');
  assert.strictEqual(findExecutable('dg', { env: { PATH: `/nonexistent:${dir}` } }), bin);
  assert.strictEqual(findExecutable('dg', { env: { PATH: '/nonexistent' } }), null);
  // a file that is not executable is not a server
  fs.writeFileSync(path.join(dir, 'plain'), '');
  assert.strictEqual(findExecutable('plain', { env: { PATH: dir } }), null);
});

test('findExecutable resolves a relative path against the workspace folder', { skip: process.platform === 'win32' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-ext-'));
  fs.mkdirSync(path.join(dir, 'target', 'debug'), { recursive: true });
  const bin = fakeBinary(path.join(dir, 'target', 'debug'), 'dg');
  assert.strictEqual(findExecutable('./target/debug/dg', { cwd: dir }), bin);
  assert.strictEqual(findExecutable('./target/release/dg', { cwd: dir }), null);
});

test('findExecutable uses PATHEXT on Windows', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-ext-'));
  const bin = fakeBinary(dir, 'dg.EXE');
  assert.strictEqual(findExecutable('dg', { platform: 'win32', env: { Path: dir, PATHEXT: '.COM;.EXE' } }), bin);
});

test('serverCommand starts `dg lsp` with the extra arguments', { skip: process.platform === 'win32' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-ext-'));
  const bin = fakeBinary(dir, 'dg');
  const r = serverCommand({ path: bin, extraArgs: ['--log', 'debug'] });
  assert.deepStrictEqual(r, { command: bin, args: ['lsp', '--log', 'debug'] });
  const viaWorkspace = serverCommand({ path: '${workspaceFolder}/dg' }, { workspaceFolder: dir });
  assert.deepStrictEqual(viaWorkspace, { command: bin, args: ['lsp'] });
});

test('serverCommand explains a missing binary', () => {
  const r = serverCommand({ path: 'dg-does-not-exist' }, { env: { PATH: '/nonexistent' } });
  assert.match(r.error, /"dg-does-not-exist" was not found on PATH/);
  assert.match(r.error, /deluge\.server\.path/);
  const abs = serverCommand({ path: '/nonexistent/dg' });
  assert.match(abs.error, /"\/nonexistent\/dg" was not found\./);
});
