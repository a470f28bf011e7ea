/**
 * `npm run zip`: the store zips, and only those. Refuses anything that would zip a test build (a `--mode`
 * argument, MODE=test in the environment), builds and zips both browsers in production mode, then checks the
 * zips' contents (scripts/check-build.ts --zips): no test bridge, no pre-granted host, no test origin, pinned
 * permissions and web-accessible resources. A failed check deletes nothing but exits non-zero.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const testMode = args.some((a) => a === '--mode' || a.startsWith('--mode=') || a === '-m') || /test/i.test(process.env.MODE ?? '') || /test/i.test(process.env.WXT_MODE ?? '');
if (testMode || args.length) {
  console.error(`zip: refused (${testMode ? 'a test build is never zipped' : `unexpected arguments ${args.join(' ')}`}); run plain \`npm run zip\``);
  process.exit(1);
}

const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);
try {
  for (const browser of ['chrome', 'firefox']) {
    execFileSync(bin('wxt'), ['zip', '-b', browser, '--mode', 'production'], { cwd: ROOT, stdio: 'inherit' });
  }
  execFileSync(bin('tsx'), [path.join(ROOT, 'scripts', 'check-build.ts'), '--zips'], { cwd: ROOT, stdio: 'inherit' });
} catch {
  // The failing step printed why.
  process.exit(1);
}
