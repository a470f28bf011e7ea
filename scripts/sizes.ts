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
