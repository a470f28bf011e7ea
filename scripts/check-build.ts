/**
 * Checks the STORE builds (.output/chrome-mv3, .output/firefox-mv3) for what must never ship:
 * - test-build code (lib/testing/: the bridge's event and attribute names, the test-only messages' handlers);
 * - any static host permission (Balise asks for each webmail origin at run time);
 * - a URL literal in shipped scripts naming a host Balise could call (only the known webmail origins offered in
 *   the options page and XML namespaces are allowed);
 * - a content script above its size budget (it loads on every webmail page);
 * - a Firefox manifest without its gecko id and its "no data collected" declaration;
 * - a permission list or web-accessible resources other than the pinned ones below (a new permission or a new
 *   file reachable from web pages must be a deliberate change of this file).
 * Run after `npm run build`: `tsx scripts/check-build.ts`. With `--zips` it checks the store zips instead (what
 * `npm run zip` produces, see scripts/zip.ts): the same manifest and file checks on the zips' contents.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { unzipSync } from 'fflate';
import { entrySizes } from './sizes';
import { KNOWN_WEBMAILS } from '../lib/origins';
import { PART_NAMES } from '../lib/parts/names';

/**
 * Gzipped budget of the content script. Raise it only with a reason written here. History:
 * - 15 KB for the foundation (about 2 KB used).
 * - 56 KB once the features landed (2026-11-23: 49.7 KB used): both adapters, zod/mini, Preact and the features
 *   were in the script loaded on every webmail page, because detection needed each adapter's page signals.
 * - 30 KB (2026-12-07: 9.6 KB used, was 50.7 KB): the content script now holds only its flow, the tab-message
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
  // The known webmails list (offered to pick, never contacted): mail pages and their portal / login origins.
  ...KNOWN_WEBMAILS.flatMap((k) => [k.origin, ...k.notWebmail.map((n) => n.origin)]).map((o) => new RegExp(`^${o.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)),
];

/** Pinned: the permissions Balise asks for at install (README, "Privacy", says why each one). */
// 'storage': Chrome gives an extension its IT policy (storage.managed) only with it; Balise stores nothing there.
export const PINNED_PERMISSIONS = ['activeTab', 'contextMenus', 'downloads', 'notifications', 'scripting', 'storage'];
/** Pinned: the only files web pages may load (the content script's on-demand chunks), on https pages only. */
export const PINNED_WEB_ACCESSIBLE = PART_NAMES.map((name) => `${name}.js`).sort();
/** Test-build code and data that must never ship: the test bridge, the pre-granted host and its origin. */
const TEST_MARKERS = /balise:test-request|data-balise-test-bridge|balise:test-hooks|balise:test-pacing|http:\/\/127\.0\.0\.1(?:\/\*|['"`])/;
/** Strings only lib/testing/ holds (the bridge's event and attribute, the background hooks' key). */
const TEST_CODE = /balise:test-request|data-balise-test-bridge|balise:test-hooks|balise:test-pacing/;

/** Checks of a store manifest that hold for a build directory and for a zip alike. */
export function checkManifest(label: string, manifest: Record<string, any>, browser: 'chrome' | 'firefox', problems: string[]): void {
  if ((manifest.host_permissions ?? []).length) problems.push(`${label}: static host_permissions ${JSON.stringify(manifest.host_permissions)}`);
  if (JSON.stringify(manifest.optional_host_permissions) !== JSON.stringify(['https://*/*'])) {
    problems.push(`${label}: optional_host_permissions should be exactly https://*/*`);
  }
  const perms = [...(manifest.permissions ?? [])].sort();
  if (JSON.stringify(perms) !== JSON.stringify(PINNED_PERMISSIONS)) {
    problems.push(`${label}: permissions ${JSON.stringify(perms)} differ from the pinned ${JSON.stringify(PINNED_PERMISSIONS)}`);
  }
  if (manifest.optional_permissions?.length) problems.push(`${label}: optional_permissions ${JSON.stringify(manifest.optional_permissions)} not pinned`);
  const war = (manifest.web_accessible_resources ?? []) as { resources?: string[]; matches?: string[] }[];
  const resources = war.flatMap((w) => w.resources ?? []).sort();
  const matches = [...new Set(war.flatMap((w) => w.matches ?? []))].sort();
  if (JSON.stringify(resources) !== JSON.stringify(PINNED_WEB_ACCESSIBLE) || JSON.stringify(matches) !== JSON.stringify(['https://*/*'])) {
    problems.push(`${label}: web_accessible_resources ${JSON.stringify(war)} differ from the pinned ${JSON.stringify(PINNED_WEB_ACCESSIBLE)} on https://*/*`);
  }
  if ((manifest.content_scripts ?? []).length) problems.push(`${label}: static content_scripts (they are registered at run time)`);
  if (manifest.externally_connectable) problems.push(`${label}: externally_connectable lets web pages message Balise`);
  if (TEST_MARKERS.test(JSON.stringify(manifest))) problems.push(`${label}: manifest names the test origin`);
  if (browser === 'firefox') {
    const gecko = manifest.browser_specific_settings?.gecko;
    if (!gecko?.id) problems.push(`${label}: no gecko id`);
    if (JSON.stringify(gecko?.data_collection_permissions) !== JSON.stringify({ required: ['none'] })) {
      problems.push(`${label}: data_collection_permissions must declare that nothing is collected`);
    }
  }
}

/** Checks of one shipped script, page or stylesheet. */
export function checkText(label: string, text: string, problems: string[]): void {
  if (TEST_MARKERS.test(text)) problems.push(`${label}: contains test-build code`);
  for (const m of text.matchAll(/\bhttps?:\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"'`)]*/gi)) {
    if (!ALLOWED_URL.some((re) => re.test(m[0]))) problems.push(`${label}: names a remote URL ${m[0]}`);
  }
}

/** The store zips `npm run zip` wrote (.output/balise-<version>-<browser>.zip). */
function checkZips(problems: string[]): void {
  const out = path.join(ROOT, '.output');
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;
  for (const browser of ['chrome', 'firefox'] as const) {
    const file = path.join(out, `balise-${version}-${browser}.zip`);
    if (!fs.existsSync(file)) {
      problems.push(`${path.basename(file)}: missing (run npm run zip)`);
      continue;
    }
    const entries = unzipSync(fs.readFileSync(file));
    const label = path.basename(file);
    const manifestBytes = entries['manifest.json'];
    if (!manifestBytes) {
      problems.push(`${label}: no manifest.json`);
      continue;
    }
    checkManifest(label, JSON.parse(new TextDecoder().decode(manifestBytes)), browser, problems);
    for (const [name, bytes] of Object.entries(entries)) {
      if (/\.(js|css|html)$/.test(name)) checkText(`${label}/${name}`, new TextDecoder().decode(bytes), problems);
      // Locale catalogs hold example addresses in help texts: only the test markers are checked there.
      else if (/\.json$/.test(name) && TEST_MARKERS.test(new TextDecoder().decode(bytes))) problems.push(`${label}/${name}: contains test-build data`);
    }
  }
}

function main(): void {
const problems: string[] = [];
if (process.argv.includes('--zips')) {
  checkZips(problems);
  if (problems.length) {
    console.error(`check-build: ${problems.length} problem(s) in the store zips:\n- ${problems.join('\n- ')}`);
    process.exit(1);
  }
  console.log('check-build: store zips OK (no test code, no test origin, pinned permissions and web-accessible resources)');
  process.exit(0);
}

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
  checkManifest(build, manifest, build.startsWith('firefox') ? 'firefox' : 'chrome', problems);
  for (const entry of entrySizes(dir)) {
    const text = fs.readFileSync(path.join(dir, entry.file), 'utf8');
    checkText(`${build}/${entry.file}`, text, problems);
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
}

// Run when called as a script (tests import the checks).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
