'use strict';
// Snapshot tests of the grammar over real-looking files from the repository's fixtures/.
// Each fixture is copied to test/snap/<name>.dg (git-ignored) and tokenized by
// vscode-tmgrammar-snap; the scopes are compared with test/snap/<name>.dg.snap (committed).
// `npm run test:snap -- -u` accepts changed or new snapshots (review them with git diff).
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const FIXTURES = [
  'fixtures/syntax/ok/creator_forms.dg',
  'fixtures/syntax/ok/creator_form_actions.dg',
  'fixtures/syntax/ok/sendmail_multiline.dg',
  'fixtures/syntax/ok/invokeurl_post_json.dg',
  'fixtures/syntax/ok/comments_everywhere.dg',
  'fixtures/syntax/ok/dates.dg',
  'fixtures/syntax/ok/keyword_case.dg',
];

const here = __dirname;
const repo = path.resolve(here, '..', '..', '..');
const snapDir = path.join(here, 'snap');
const update = process.argv.includes('-u') || process.argv.includes('--updateSnapshot');

const files = [];
for (const rel of FIXTURES) {
  const src = path.join(repo, rel);
  if (!fs.existsSync(src)) {
    console.error(`missing fixture ${rel}`);
    process.exit(1);
  }
  const dest = path.join(snapDir, path.basename(rel));
  fs.copyFileSync(src, dest);
  if (!update && !fs.existsSync(dest + '.snap')) {
    console.error(`no snapshot for ${rel}: run npm run test:snap -- -u and review it`);
    process.exit(1);
  }
  files.push(path.relative(process.cwd(), dest));
}

const bin = require.resolve('vscode-tmgrammar-test/dist/snapshot.js');
const args = [bin, '-g', path.join(here, 'grammars', 'html-stub.tmLanguage.json')];
if (update) args.push('--updateSnapshot');
const r = spawnSync(process.execPath, [...args, ...files], { stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
