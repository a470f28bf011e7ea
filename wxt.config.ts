import { defineConfig } from 'wxt';
import { reportEntrySizes } from './scripts/sizes';
import preact from '@preact/preset-vite';
import { catalogs } from './lib/i18n/catalog';
import { LANGS, mergeCatalogs, toChromeMessages } from './lib/i18n/build';
import { PART_NAMES } from './lib/parts/names';

/**
 * Two kinds of build:
 * - the store build (`npm run build`, mode "production"): no host permission at all; the user adds their
 *   webmail's origin in the options page and Balise asks for it then (optional host permission).
 * - the test build (`npm run build:test`, mode "test", output in .output/<browser>-mv3-test): the same code,
 *   plus a pre-granted host permission for http://127.0.0.1 (any port), which the background registers as a
 *   webmail origin at install, and the test hooks (lib/testing/: a bridge in the content script, test-only background handlers). Only the
 *   e2e tests and the demo load it; it is never zipped for a store.
 */
export const GECKO_ID = '{6b0f7c2e-3d55-4d1b-9a7e-2f3b8c1d4e5a}';
export const TEST_ORIGIN_PATTERN = 'http://127.0.0.1/*';

export default defineConfig({
  manifestVersion: 3,
  outDirTemplate: '{{browser}}-mv{{manifestVersion}}{{modeSuffix}}',
  vite: () => ({
    plugins: [preact()],
    build: { target: 'es2022' },
  }),
  hooks: {
    // Print the gzipped size of every entry point after each build (the content script is loaded on every
    // webmail page: its size is watched, see scripts/check-build.ts).
    'build:done': (wxt) => reportEntrySizes(wxt.config.outDir),
    // _locales/<lang>/messages.json are generated from lib/i18n/catalog/*.ts (one catalog per feature).
    'build:publicAssets': (_wxt, files) => {
      const merged = mergeCatalogs(catalogs);
      for (const lang of LANGS) {
        files.push({
          relativeDest: `_locales/${lang}/messages.json`,
          contents: JSON.stringify(toChromeMessages(merged, lang), null, 1),
        });
      }
    },
  },
  zip: {
    artifactTemplate: 'balise-{{version}}-{{browser}}.zip',
    sourcesTemplate: 'balise-{{version}}-sources.zip',
    excludeSources: ['.tmp/**', 'bench/results/**', 'demo-output/**', 'coverage/**'],
  },
  manifest: ({ browser, mode }) => {
    const test = mode === 'test';
    return {
      name: '__MSG_extName__',
      short_name: 'Balise',
      description: '__MSG_extDescription__',
      default_locale: 'fr',
      permissions: ['scripting', 'notifications', 'contextMenus', 'activeTab', 'downloads'],
      optional_host_permissions: ['https://*/*'],
      host_permissions: test ? [TEST_ORIGIN_PATTERN] : [],
      // The on-demand parts (the detected webmail's adapter with the features, the cleanup panel, the export) are
      // loaded by the content script with import() (lib/parts/load.ts), which needs the files to be web-accessible
      // on webmail pages. They are code only, no data.
      web_accessible_resources: [
        {
          resources: PART_NAMES.map((name) => `${name}.js`),
          matches: test ? ['https://*/*', TEST_ORIGIN_PATTERN] : ['https://*/*'],
          ...(browser === 'firefox' ? {} : { use_dynamic_url: true }),
        },
      ],
      action: { default_title: '__MSG_actionTitle__' },
      options_ui: { open_in_tab: true },
      commands: {
        'insert-signature': {
          suggested_key: { default: 'Alt+Shift+S' },
          description: '__MSG_commandInsertSignature__',
        },
      },
      ...(browser === 'firefox'
        ? {
            browser_specific_settings: {
              gecko: {
                id: GECKO_ID,
                strict_min_version: '142.0',
                // Balise collects nothing: everything stays on the workstation.
                data_collection_permissions: { required: ['none'] },
              },
            } as Record<string, unknown>,
          }
        : {}),
    };
  },
});
