/**
 * Benchmark: what the readable archive (lib/export/readable/, ExportOptions.readable) costs in the real export, in
 * the browser: the same N oldest INBOX messages of the seeded "realistic" Roundcube mailbox exported with the test
 * build, with and without it, alternated (after one warm-up of each), the fastest of each kept. Chromium writes
 * one zip ('file', into an origin-private-file-system handle: no dialog headless); Firefox saves 64 MB parts
 * through the downloads API. Time = the export's own startedAt → endedAt (download, zip, read-back check, and
 * for 'downloads' the save). The Node benchmark of the same modules on jsdom is bench/readable-export.ts.
 *
 *   npm run build:test && npx tsx bench/readable-export-browser.ts [--count 300] [--browser chromium,firefox] [--rounds 2] [--no-record]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchWithBalise, type BrowserKind } from '../tests/e2e/harness/browsers';
import { seedMailbox, startRoundcube } from '../tests/servers/roundcube';
import { listMessages } from '../tests/servers/roundcube/truth';
import { loginWithBalise } from '../tests/e2e/roundcube/helpers';
import type { ExportResult } from '../lib/export';
import { recordBenchmark } from './record';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const count = Number(arg('count', '300'));
const rounds = Number(arg('rounds', '2'));
const kinds = arg('browser', 'chromium,firefox').split(',') as BrowserKind[];
const record = !process.argv.includes('--no-record');
const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

interface Outcome {
  result?: ExportResult;
  error?: { code: string; message: string };
}

const env = await startRoundcube({ profile: 'empty' });
const lines: string[] = [];
try {
  await seedMailbox(env, { profile: 'realistic', seed: 1 });
  const inbox = (await listMessages(env, 'INBOX')).sort((a, b) => a.uid - b.uid).slice(0, count);
  const refs = inbox.map((m) => ({ folderId: 'INBOX', id: String(m.uid) }));
  lines.push(`Mailbox: Roundcube 1.6 + Dovecot 2.3, seeded "realistic" (seed 1); the ${refs.length} oldest INBOX messages, ${mib(inbox.reduce((s, m) => s + m.vsize, 0))}; ${rounds} rounds with and without, alternated, after a warm-up of each; fastest kept.`);
  for (const kind of kinds) {
    const downloadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'balise-bench-readable-'));
    const s = await launchWithBalise(kind, { downloadDir });
    try {
      const page = await s.newPage();
      await loginWithBalise(s, page, env);
      const run = async (readable: boolean): Promise<ExportResult> => {
        if (kind === 'chromium') await s.call(page, 'export', 'clear-opfs');
        for (const f of fs.readdirSync(downloadDir)) fs.rmSync(path.join(downloadDir, f), { force: true, recursive: true });
        const out = await s.call<Outcome>(page, 'export', 'run', { refs, filenameBase: `Bench ${readable}`, readable, ...(kind === 'chromium' ? { saveTo: 'opfs' } : { target: 'downloads' }) });
        if (!out.result?.verified) throw new Error(`export failed: ${JSON.stringify(out.error)}`);
        return out.result;
      };
      await run(false);
      await run(true);
      const without: ExportResult[] = [];
      const withIt: ExportResult[] = [];
      for (let i = 0; i < rounds; i++) {
        without.push(await run(false));
        withIt.push(await run(true));
      }
      const ms = (r: ExportResult) => r.endedAt - r.startedAt;
      const fastest = (l: ExportResult[]) => [...l].sort((a, b) => ms(a) - ms(b))[0]!;
      const a = fastest(without);
      const b = fastest(withIt);
      const line =
        `${kind} '${b.target}': without ${(ms(a) / 1000).toFixed(1)} s, zip ${mib(a.zipBytes)} (${a.files.length} file${a.files.length > 1 ? 's' : ''}); ` +
        `with ${(ms(b) / 1000).toFixed(1)} s (+${(((ms(b) - ms(a)) / ms(a)) * 100).toFixed(0)} %), zip ${mib(b.zipBytes)} (+${(((b.zipBytes - a.zipBytes) / a.zipBytes) * 100).toFixed(0)} %), ` +
        `readable part ${b.readable!.entries} entries, ${mib(b.readable!.bytes)}; all runs (s): without ${without.map((r) => (ms(r) / 1000).toFixed(1)).join(', ')}, with ${withIt.map((r) => (ms(r) / 1000).toFixed(1)).join(', ')}`;
      console.log(line);
      lines.push(line);
      s.assertNoForeignRequests();
    } finally {
      await s.close();
      fs.rmSync(downloadDir, { recursive: true, force: true });
    }
  }
} finally {
  await env.stop();
}
lines.push('The readable part is about the size of the messages again (decoded attachments, XDM documents extracted, pages): it roughly doubles the zip; its time is parsing (postal-mime), sanitising (DOMPurify), writing and checking those entries.');
if (record) recordBenchmark('Readable export in the browser (bench/readable-export-browser.ts)', lines);
