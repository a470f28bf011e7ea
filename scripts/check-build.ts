/**
 * Checks the STORE builds (.output/chrome-mv3, .output/firefox-mv3) for what must never ship:
 * - test-build code (lib/testing/: the bridge's event and attribute names, the test-only messages' handlers);
 * - any static host permission (Balise asks for each webmail origin at run time);
 * - a URL literal in shipped scripts naming a host Balise could call (only the known webmail origins offered in
 *   the options page and XML namespaces are allowed);
 * - a content script above its size budget (it loads on every webmail page);
 * - a Firefox manifest without its gecko id and its "no data collected" declaration.
 * Run after `npm run build`: `tsx scripts/check-build.ts`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { entrySizes } from './sizes';
import { KNOWN_WEBMAILS } from '../lib/origins';

/**
 * Gzipped budget of the content script. Raise it only with a reason written here. History:
 * - 15 KB for the foundation (about 2 KB used).
 * - 56 KB once the features landed (2026-11-23: 49.7 KB used): both adapters, zod/mini, Preact and the features
 *   were in the script loaded on every webmail page, because detection needed each adapter's page signals.
 * - 30 KB (2026-12-07: 9.5 KB used, was 50.7 KB): the content script now holds only its flow, the tab-message
 *   listener and each webmail's tiny detection (lib/webmail/detect.ts); the detected webmail's adapter with the
 *   features is an on-demand part loaded with import() (lib/parts/, webmail-<kind>.js, 36–41 KB gz each), like the
 *   cleanup panel and the export. More webmails (Medimail, the Mailiz/Larry variants) add a detector here and a
 *   part of their own, not their adapter. The cost that matters is the page's load event: the script is registered
 *   at document_start and starts its work after `load`; bench/load.ts measures it (BENCHMARKS.md), and
 *   `tsx scripts/sizes.ts --record` records every script's size there.
 */
export const CONTENT_SCRIPT_BUDGET = 30 * 1024;

const ROOT = path.resolve(import.meta.dirname, '..');
const BUILDS = ['chrome-mv3', 'firefox-mv3'];
const ALLOWED_URL = [
  /^https?:\/\/www\.w3\.org\//,
  // Text of two of Dexie's error messages (shown to developers, never requested).
  /^https:\/\/tinyurl\.com\/y2uuvskb$/,
  /^http:\/\/bit\.ly\/2kdckMn$/,
  ...KNOWN_WEBMAILS.map((k) => new RegExp(`^${k.origin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)),
];

/**
 * Strings only lib/testing/ holds: the content bridge's event and attribute (lib/testing/bridge.ts) and the
 * background hooks' key (lib/testing/background.ts).
 */
const TEST_CODE = /balise:test-request|data-balise-test-bridge|balise:test-hooks/;

const problems: string[] = [];

// The markers must be found in the test builds, where they exist, or the check below proves nothing.
for (const build of BUILDS) {
  const dir = path.join(ROOT, '.output', `${build}-test`);
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) continue;
  const found = new Set(entrySizes(dir).flatMap((e) => fs.readFileSync(path.join(dir, e.file), 'utf8').match(new RegExp(TEST_CODE, 'g')) ?? []));
  for (const marker of ['balise:test-request', 'balise:test-hooks']) {
    if (!found.has(marker)) problems.push(`${build}-test: test-build marker ${marker} not found: update TEST_CODE in scripts/check-build.ts`);
  }
}
for (const build of BUILDS) {
  const dir = path.join(ROOT, '.output', build);
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) {
    problems.push(`${build}: not built (run npm run build)`);
    continue;
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  if ((manifest.host_permissions ?? []).length) problems.push(`${build}: static host_permissions ${JSON.stringify(manifest.host_permissions)}`);
  if (JSON.stringify(manifest.optional_host_permissions) !== JSON.stringify(['https://*/*'])) {
    problems.push(`${build}: optional_host_permissions should be exactly https://*/*`);
  }
  if ((manifest.content_scripts ?? []).length) problems.push(`${build}: static content_scripts (they are registered at run time)`);
  if (manifest.externally_connectable) problems.push(`${build}: externally_connectable lets web pages message Balise`);
  if (build.startsWith('firefox')) {
    const gecko = manifest.browser_specific_settings?.gecko;
    if (!gecko?.id) problems.push(`${build}: no gecko id`);
    if (JSON.stringify(gecko?.data_collection_permissions) !== JSON.stringify({ required: ['none'] })) {
      problems.push(`${build}: data_collection_permissions must declare that nothing is collected`);
    }
  }
  for (const entry of entrySizes(dir)) {
    const text = fs.readFileSync(path.join(dir, entry.file), 'utf8');
    if (TEST_CODE.test(text)) problems.push(`${build}/${entry.file}: contains test-build code`);
    for (const m of text.matchAll(/\bhttps?:\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"'`)]*/gi)) {
      if (!ALLOWED_URL.some((re) => re.test(m[0]))) problems.push(`${build}/${entry.file}: names a remote URL ${m[0]}`);
    }
    if (entry.file === 'content-scripts/webmail.js') {
      console.log(`${build}: content script ${(entry.gzip / 1024).toFixed(1)} KB gzipped (budget ${(CONTENT_SCRIPT_BUDGET / 1024).toFixed(0)} KB)`);
      if (entry.gzip > CONTENT_SCRIPT_BUDGET) problems.push(`${build}: content script is ${entry.gzip} B gzipped, over its ${CONTENT_SCRIPT_BUDGET} B budget`);
    }
  }
}

if (problems.length) {
  console.error(`check-build: ${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log('check-build: store builds OK (no test code, no static host access, no remote URL, sizes within budget)');
