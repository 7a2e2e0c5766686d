'use strict';
// VS Code client for `dg lsp`: starts the server over stdio for Deluge files, reports a missing
// binary clearly, restarts on "Deluge: Restart Language Server" and when its settings change.
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');
const { serverCommand } = require('./server');

let client;
let outputChannel;

function workspaceFolderPath() {
  const folders = vscode.workspace.workspaceFolders;
  return folders && folders.length > 0 ? folders[0].uri.fsPath : undefined;
}

async function startClient() {
  const cfg = vscode.workspace.getConfiguration('deluge');
  const workspaceFolder = workspaceFolderPath();
  const server = serverCommand(
    { path: cfg.get('server.path', 'dg'), extraArgs: cfg.get('server.extraArgs', []) },
    { workspaceFolder },
  );
  if (server.error) {
    outputChannel.appendLine(server.error);
    const choice = await vscode.window.showErrorMessage(server.error, 'Open Settings');
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'deluge.server.path');
    }
    return;
  }
  outputChannel.appendLine(`Starting ${server.command} ${server.args.join(' ')}`);
  const serverOptions = {
    command: server.command,
    args: server.args,
    transport: TransportKind.stdio,
    options: workspaceFolder ? { cwd: workspaceFolder } : {},
  };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'deluge' },
      { scheme: 'untitled', language: 'deluge' },
    ],
    outputChannel,
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{dg.toml,*.dg,*.deluge,*.ds}'),
    },
  };
  const c = new LanguageClient('deluge', 'Deluge Language Server', serverOptions, clientOptions);
  client = c;
  try {
    await c.start();
  } catch (err) {
    client = undefined;
    const message = `The Deluge language server (${server.command} lsp) failed to start: ${
      err && err.message ? err.message : err
    }`;
    outputChannel.appendLine(message);
    vscode.window.showErrorMessage(message, 'Show Output').then((choice) => {
      if (choice === 'Show Output') outputChannel.show();
    });
  }
}

async function stopClient() {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop();
    } catch (err) {
      outputChannel.appendLine(`Stopping the server: ${err && err.message ? err.message : err}`);
    }
  }
}

async function restartClient() {
  await stopClient();
  await startClient();
}

async function activate(context) {
  outputChannel = vscode.window.createOutputChannel('Deluge Language Server');
  context.subscriptions.push(outputChannel);
  context.subscriptions.push(
    vscode.commands.registerCommand('deluge.restartServer', restartClient),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('deluge.server')) restartClient();
    }),
  );
  await startClient();
}

function deactivate() {
  return stopClient();
}

module.exports = { activate, deactivate };
