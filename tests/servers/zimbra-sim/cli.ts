/**
 * Start the Zimbra simulator by hand:
 *   npx tsx tests/servers/zimbra-sim/cli.ts [--profile realistic|bench|empty] [--seed N] [--port 8025]
 *        [--quota BYTES] [--version 8.8.15|10.1] [--patch N] [--ui classic|modern] [--locale fr|en]
 *        [--signature-style outlook|internet] [--compose-format html|text]
 * Prints the URL and the credentials, then runs until Ctrl-C.
 */
import { startZimbraSim, type ZimbraSimOptions } from './index.ts';

const args = process.argv.slice(2);
const get = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const opts: ZimbraSimOptions = {};
if (get('profile')) opts.profile = get('profile') as ZimbraSimOptions['profile'];
if (get('seed')) opts.seed = Number(get('seed'));
if (get('port')) opts.port = Number(get('port'));
if (get('quota')) opts.quotaBytes = Number(get('quota'));
if (get('version')) opts.version = get('version') as ZimbraSimOptions['version'];
if (get('patch')) opts.patch = Number(get('patch'));
if (get('ui')) opts.ui = get('ui') as ZimbraSimOptions['ui'];
if (get('locale')) opts.locale = get('locale') as ZimbraSimOptions['locale'];
if (get('signature-style')) opts.signatureStyle = get('signature-style') as ZimbraSimOptions['signatureStyle'];
if (get('compose-format')) opts.composeFormat = get('compose-format') as ZimbraSimOptions['composeFormat'];

const t0 = performance.now();
const sim = await startZimbraSim(opts);
const ms = Math.round(performance.now() - t0);
console.log(`Zimbra simulator (not Zimbra) listening on ${sim.url}  [started in ${ms} ms]`);
console.log(`  user: ${sim.user}  (or ${sim.address})   password: ${sim.password}`);
console.log(`  messages: ${sim.mailbox.messages.size}  used: ${sim.mailbox.used} bytes  quota: ${sim.mailbox.quotaBytes} bytes`);
console.log(`  test-only: GET ${sim.url}__sim/state  GET ${sim.url}__sim/log  POST ${sim.url}__sim/faults`);
const stop = async () => {
  await sim.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
