/** The export's whole-buffer SHA-256 (lib/export/zip.ts sha256Hex): the browser's digest and the portable one agree. */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sha256Hex, sha256Stream } from '../../../lib/export/zip';

const sizes = [0, 100, 4096, 5000, 2 * 1024 * 1024 + 3];
const data = (n: number) => new Uint8Array(n).map((_, i) => (i * 31 + 7) & 255);
const want = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('sha256Hex', () => {
  afterEach(() => vi.unstubAllGlobals());
  it('gives the same hex with the native digest, without it, and as the streaming hash', async () => {
    for (const n of sizes) {
      const b = data(n);
      expect(await sha256Hex(b), `native ${n}`).toBe(want(b));
      const s = sha256Stream();
      s.update(b.subarray(0, n >> 1));
      s.update(b.subarray(n >> 1));
      expect(s.hex(), `stream ${n}`).toBe(want(b));
    }
    vi.stubGlobal('crypto', undefined);
    for (const n of sizes) expect(await sha256Hex(data(n)), `portable ${n}`).toBe(want(data(n)));
  });
  it('hashes exactly the view it is given (a subarray of a larger buffer)', async () => {
    const b = data(100_000);
    expect(await sha256Hex(b.subarray(10_000, 60_000))).toBe(want(b.subarray(10_000, 60_000)));
  });
});
