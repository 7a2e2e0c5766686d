'use strict';
// How the extension finds and starts `dg lsp`. No `vscode` import here, so unit tests run under
// plain Node.
const fs = require('fs');
const os = require('os');
const path = require('path');

/** Expands `~` and `${workspaceFolder}` (and `${userHome}`) in a configured path. */
function expandPath(configured, workspaceFolder) {
  let p = String(configured || '').trim();
  if (p === '') p = 'dg';
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) p = path.join(os.homedir(), p.slice(1));
  p = p.replace(/\$\{userHome\}/g, os.homedir());
  if (workspaceFolder) p = p.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
  return p;
}

function isExecutableFile(file, platform) {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return false;
    if (platform === 'win32') return true;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The absolute path of the server binary, or null when it cannot be found. A name without a
 * directory part is looked up on PATH (with PATHEXT on Windows); a relative path with a
 * directory part is taken relative to the workspace folder.
 */
function findExecutable(command, opts = {}) {
  const platform = opts.platform || process.platform;
  const env = opts.env || process.env;
  const cwd = opts.cwd || process.cwd();
  const exts =
    platform === 'win32'
      ? ['', ...(env.PATHEXT || '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)]
      : [''];
  const hasDir = command.includes('/') || (platform === 'win32' && command.includes('\\'));
  if (hasDir) {
    const abs = path.resolve(cwd, command);
    for (const ext of exts) if (isExecutableFile(abs + ext, platform)) return abs + ext;
    return null;
  }
  const dirs = (env.PATH || env.Path || '').split(platform === 'win32' ? ';' : ':').filter(Boolean);
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.join(dir, command + ext);
      if (isExecutableFile(candidate, platform)) return candidate;
    }
  }
  return null;
}

/** `{ command, args }` for the server, or `{ error }` with a message for the user. */
function serverCommand(config, opts = {}) {
  const configured = expandPath(config.path, opts.workspaceFolder);
  const extra = Array.isArray(config.extraArgs) ? config.extraArgs.map(String) : [];
  const found = findExecutable(configured, { ...opts, cwd: opts.workspaceFolder || opts.cwd });
  if (!found) {
    return {
      error:
        `The Deluge language server could not be started: "${configured}" was not found` +
        (configured.includes('/') || configured.includes('\\') ? '.' : ' on PATH.') +
        ' Install dg (cargo install --path crates/cli) or set "deluge.server.path" to the dg binary.',
    };
  }
  return { command: found, args: ['lsp', ...extra] };
}

module.exports = { expandPath, findExecutable, serverCommand };
