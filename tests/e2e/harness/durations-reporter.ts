/**
 * Prints each e2e file's duration, longest first, at the end of the run: CI shows only part of the output, and
 * the suite must stay under its time budget (README), so the figures that matter come last.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class DurationsReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const rows = modules
      .map((m) => ({ file: m.relativeModuleId, ms: m.diagnostic().duration, ok: m.ok() }))
      .sort((a, b) => b.ms - a.ms);
    const total = rows.reduce((s, r) => s + r.ms, 0);
    const lines = rows.map((r) => `  ${(r.ms / 1000).toFixed(0).padStart(5)} s  ${r.ok ? '  ' : '✗ '}${r.file}`);
    process.stdout.write(`\n[e2e durations] ${rows.length} files, ${(total / 1000).toFixed(0)} s in all\n${lines.join('\n')}\n`);
  }
}
