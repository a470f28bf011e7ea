/** Writes a benchmark's result lines into BENCHMARKS.md under its own heading (replacing the previous run's). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const FILE = path.resolve(import.meta.dirname, '../BENCHMARKS.md');

export function recordBenchmark(section: string, lines: string[]): void {
  const head = '# Benchmarks\n\nFigures written by the scripts in bench/ (each run replaces its own section). Machine: see each section.\n';
  let text = fs.existsSync(FILE) ? fs.readFileSync(FILE, 'utf8') : head;
  const block = [
    `## ${section}`,
    '',
    // The load average at the end says how busy the machine was: absolute times move with it, same-run ratios less.
    `Run ${new Date().toISOString()} on ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')} (1 / 5 / 15 min) at the end.`,
    '',
    ...lines.map((l) => `- ${l}`),
    '',
  ].join('\n');
  const re = new RegExp(`## ${section.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n[\\s\\S]*?(?=\\n## |$)`);
  text = re.test(text) ? text.replace(re, block.trimEnd() + '\n') : `${text.trimEnd()}\n\n${block}`;
  fs.writeFileSync(FILE, text.endsWith('\n') ? text : `${text}\n`);
}
