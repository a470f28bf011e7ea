/** Gzipped sizes of a built extension's entry points (printed after every build, checked by check-build.ts). */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export interface EntrySize {
  file: string;
  raw: number;
  gzip: number;
}

export function entrySizes(outDir: string): EntrySize[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.(js|css|html)$/.test(e.name)) files.push(full);
    }
  };
  walk(outDir);
  return files
    .map((f) => {
      const buf = fs.readFileSync(f);
      return { file: path.relative(outDir, f), raw: buf.length, gzip: zlib.gzipSync(buf, { level: 9 }).length };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
}

export function reportEntrySizes(outDir: string): void {
  const rows = entrySizes(outDir).filter((r) => r.file.endsWith('.js'));
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`.padStart(9);
  console.log(`\nGzipped size of each script (${path.basename(outDir)}):`);
  for (const r of rows) console.log(`  ${kb(r.gzip)} gz ${kb(r.raw)} raw  ${r.file}`);
}

/**
 * `tsx scripts/sizes.ts --record` (after `npm run build`): writes the gzipped size of every script of both store
 * builds into BENCHMARKS.md ("Script sizes"), the content script loaded on every webmail page first.
 */
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename) && process.argv.includes('--record')) {
  const { recordBenchmark } = await import('../bench/record');
  const root = path.resolve(import.meta.dirname, '..');
  const lines: string[] = [];
  for (const build of ['chrome-mv3', 'firefox-mv3']) {
    const dir = path.join(root, '.output', build);
    if (!fs.existsSync(path.join(dir, 'manifest.json'))) throw new Error(`${build} is not built: run npm run build`);
    const rows = entrySizes(dir).filter((r) => r.file.endsWith('.js'));
    const role = (f: string) =>
      f === 'content-scripts/webmail.js'
        ? 'loaded on every webmail page'
        : /^webmail-/.test(f)
          ? 'on demand: that webmail detected'
          : f === 'cleanup-panel.js' || f === 'quota-export.js'
            ? 'on demand: on use'
            : 'extension pages / background';
    for (const r of rows) lines.push(`${build} ${r.file}: ${(r.gzip / 1024).toFixed(1)} KB gz, ${(r.raw / 1024).toFixed(1)} KB raw (${role(r.file)})`);
  }
  recordBenchmark('Script sizes (scripts/sizes.ts --record, store builds)', lines);
  console.log(lines.join('\n'));
}
