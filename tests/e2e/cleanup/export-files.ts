/**
 * Where an e2e export's zips are, as bytes: the page origin's private file system (Chromium's 'file' target in
 * test builds) or the download folder (the downloads API). Shared by export.e2e.ts and export-readable.e2e.ts.
 */
import fs from 'node:fs';
import type { Page } from 'puppeteer-core';
import { expect } from 'vitest';
import type { ExportResult } from '../../../lib/export';

/** Read a file of the page origin's private file system (where the test build's export wrote). */
export async function readOpfs(page: Page, name: string): Promise<Uint8Array | null> {
  const size = await page.evaluate(async (n: string) => {
    try {
      return (await (await (await navigator.storage.getDirectory()).getFileHandle(n)).getFile()).size;
    } catch {
      return null;
    }
  }, name);
  if (size === null) return null;
  const out = new Uint8Array(size);
  const CHUNK = 8 << 20;
  for (let at = 0; at < size; at += CHUNK) {
    const b64 = await page.evaluate(
      async (n: string, from: number, len: number) => {
        const file = await (await (await navigator.storage.getDirectory()).getFileHandle(n)).getFile();
        const bytes = new Uint8Array(await file.slice(from, from + len).arrayBuffer());
        let s = '';
        for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return btoa(s);
      },
      name,
      at,
      CHUNK,
    );
    out.set(Buffer.from(b64, 'base64'), at);
  }
  return out;
}

export async function opfsNames(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const dir = await navigator.storage.getDirectory();
    const out: string[] = [];
    for await (const k of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) out.push(k);
    return out;
  });
}

/** The zips of an export, by file index, as bytes. */
export async function savedZips(kind: 'file' | 'downloads', page: Page, r: ExportResult, downloadDir: string): Promise<Uint8Array[]> {
  if (kind === 'file') {
    const bytes = await readOpfs(page, r.files[0]!.savedAs);
    expect(bytes).not.toBeNull();
    return [bytes!];
  }
  return r.files.map((f) => {
    // The downloads API reports the absolute path it saved to: it must be in the test's download folder.
    expect(f.savedAs.startsWith(downloadDir)).toBe(true);
    return new Uint8Array(fs.readFileSync(f.savedAs));
  });
}

