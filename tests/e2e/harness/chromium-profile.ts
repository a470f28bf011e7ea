/**
 * The Chromium profile preferences of every browser Balise's tooling launches (the e2e harness, browsers.ts, and
 * the demo, scripts/demo.ts): one source, so that the demo's network guard cannot drift from the tests'.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface ChromiumProfileOptions {
  /** Save downloads into this folder without asking. */
  downloadDir?: string;
}

export function chromiumPreferences(opts: ChromiumProfileOptions = {}): Record<string, unknown> {
  return {
    // Typing in a field makes Chromium fetch a spell-check dictionary from Google's CDN, and submitting a login
    // form makes it check the password against Google's leak service: both off.
    browser: { enable_spellchecking: false },
    spellcheck: { dictionaries: [], dictionary: '', use_spelling_service: false },
    credentials_enable_service: false,
    profile: { password_manager_enabled: false, password_manager_leak_detection: false },
    // Downloads: into the given folder, and without Safe Browsing's download check (it asks Google about every
    // zip the browser saves: Chromium's own traffic, which the guard would flag).
    ...(opts.downloadDir
      ? { download: { default_directory: opts.downloadDir, prompt_for_download: false, directory_upgrade: true }, safebrowsing: { enabled: false } }
      : {}),
  };
}

/** Writes the preferences into a fresh profile folder (before the browser starts). */
export function writeChromiumProfile(profileDir: string, opts: ChromiumProfileOptions = {}): void {
  fs.mkdirSync(path.join(profileDir, 'Default'), { recursive: true });
  fs.writeFileSync(path.join(profileDir, 'Default', 'Preferences'), JSON.stringify(chromiumPreferences(opts)));
}
