/**
 * Start the Medimail stand-in by hand:
 *   npx tsx tests/servers/medimail-sim/cli.ts [--port 8026] [--seed N] [--profile realistic|empty] [--page-size 50]
 *        [--idle-minutes 30] [--no-mssante]
 * Prints the URL and the one-time code, then runs until Ctrl-C.
 */
import { startMedimailSim, type MedimailSimOptions } from './index.ts';

const args = process.argv.slice(2);
const get = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const opts: MedimailSimOptions = {};
if (get('port')) opts.port = Number(get('port'));
if (get('seed')) opts.seed = Number(get('seed'));
if (get('profile')) opts.profile = get('profile') as MedimailSimOptions['profile'];
if (get('page-size')) opts.pageSize = Number(get('page-size'));
if (get('idle-minutes')) opts.idleMs = Number(get('idle-minutes')) * 60_000;
if (args.includes('--no-mssante')) opts.mssante = false;

const t0 = performance.now();
const sim = await startMedimailSim(opts);
console.log(`Medimail stand-in (not Medimail) listening on ${sim.url}  [started in ${Math.round(performance.now() - t0)} ms]`);
console.log(`  one-time code: ${sim.code}   account: ${sim.address}  MSSanté: ${sim.mssanteAddress ?? '(none)'}`);
console.log(`  messages: ${sim.mailbox.messages.size}  page size: ${sim.pageSize}`);
console.log(`  test-only: GET ${sim.url}__sim/state  GET ${sim.url}__sim/log  POST ${sim.url}__sim/expire`);
const stop = async () => {
  await sim.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
