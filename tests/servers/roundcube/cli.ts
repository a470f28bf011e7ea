/**
 * npx tsx tests/servers/roundcube/cli.ts start [--profile realistic|bench|empty] [--seed N] [--port N] [--quota-mb N]
 *     [--mailiz [--access-ttl S] [--refresh-ttl S]] [--larry]
 *     Starts Dovecot + Roundcube on 127.0.0.1, seeds the mailbox, prints the URL and login, stays up until Ctrl-C.
 *     In the running session, type "seed [profile] [seed]" + Enter to reseed, "q" + Enter to stop.
 * npx tsx tests/servers/roundcube/cli.ts seed [--profile …] [--seed N]
 *     Starts a throwaway environment, seeds it, prints timings and the doveadm summary, stops.
 */
import readline from 'node:readline';
import { startRoundcube, seedMailbox, startDuration, BENCH_QUOTA_BYTES, type RoundcubeEnv } from './index.ts';
import { folderStatus, quota } from './truth.ts';

type Profile = 'realistic' | 'bench' | 'empty';

function parseArgs(argv: string[]) {
  const [cmd, ...rest] = argv;
  const o: { cmd: string; profile: Profile; seed?: number; port?: number; quotaBytes?: number; keep: boolean; mailiz: boolean; larry: boolean; accessTtl?: number; refreshTtl?: number } = {
    cmd: cmd ?? 'help',
    profile: 'realistic',
    keep: false,
    mailiz: false,
    larry: false,
  };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const v = rest[i + 1];
    if (a === '--profile' && v) (o.profile = v as Profile), i++;
    else if (a === '--seed' && v) (o.seed = Number(v)), i++;
    else if (a === '--port' && v) (o.port = Number(v)), i++;
    else if (a === '--quota-mb' && v) (o.quotaBytes = Number(v) * 1024 * 1024), i++;
    else if (a === '--keep') o.keep = true;
    else if (a === '--mailiz') o.mailiz = true;
    else if (a === '--larry') o.larry = true;
    else if (a === '--access-ttl' && v) (o.accessTtl = Number(v)), i++;
    else if (a === '--refresh-ttl' && v) (o.refreshTtl = Number(v)), i++;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!['realistic', 'bench', 'empty'].includes(o.profile)) throw new Error(`unknown profile ${o.profile}`);
  return o;
}

const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;

async function summary(env: RoundcubeEnv): Promise<string> {
  const q = await quota(env);
  const folders = await folderStatus(env);
  const lines = folders.map((f) => `    ${f.name.padEnd(20)} ${String(f.messages).padStart(6)} messages ${mib(f.vsize).padStart(11)}  ${f.unseen} unread`);
  return `  quota: ${q.usedKiB} KiB / ${q.limitKiB ?? '∞'} KiB (${q.limitKiB ? Math.round((100 * q.usedKiB) / q.limitKiB) : 0} %)\n${lines.join('\n')}`;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.cmd !== 'start' && o.cmd !== 'seed') {
    console.log(readFileHead());
    process.exit(o.cmd === 'help' ? 0 : 1);
  }
  const t0 = performance.now();
  // Start with an empty mailbox so that server start and seeding are timed separately.
  const env = await startRoundcube({
    profile: 'empty',
    port: o.port,
    quotaBytes: o.quotaBytes ?? (o.profile === 'bench' ? BENCH_QUOTA_BYTES : undefined),
    keepWorkdir: o.keep,
    variant: o.mailiz ? 'mailiz' : 'default',
    skin: o.larry ? 'larry' : 'elastic',
    oidc: { accessTokenTtl: o.accessTtl, refreshTokenTtl: o.refreshTtl },
  });
  const startMs = startDuration(env) ?? performance.now() - t0;
  console.log(`environment started in ${(startMs / 1000).toFixed(2)} s (Dovecot imap 127.0.0.1:${env.imapPort}, php -S 127.0.0.1:${env.httpPort})`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping…');
    await env.stop();
    console.log('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  try {
    const s = await seedMailbox(env, { profile: o.profile, seed: o.seed });
    console.log(`seeded "${o.profile}": ${s.count} messages, ${mib(s.bytes)} in ${(s.ms / 1000).toFixed(2)} s (files ${(s.writeMs / 1000).toFixed(2)} s, doveadm resync/quota/check ${(s.doveadmMs / 1000).toFixed(2)} s)`);
    console.log(await summary(env));
  } catch (e) {
    console.error(e);
    await env.stop();
    process.exit(1);
  }
  if (o.cmd === 'seed') {
    await env.stop();
    return;
  }
  console.log(`
Roundcube:  ${env.url}${env.oidc ? `\nprovider:   ${env.oidc.issuer} (access tokens ${env.oidc.accessTokenTtl} s, refresh ${env.oidc.refreshTokenTtl} s)` : ''}
login:      ${env.user}
password:   ${env.password}
workdir:    ${env.workdir}
logs:       ${env.logs.dovecot}
            ${env.logs.php}
doveadm:    doveadm -c ${env.dovecotConf} mailbox status -u ${env.user} 'messages vsize' '*'
Stop with Ctrl-C (or type q + Enter). Reseed: type "seed [realistic|bench|empty] [seed]" + Enter.`);
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', async (line) => {
    const [cmd, profile, seed] = line.trim().split(/\s+/);
    if (cmd === 'q' || cmd === 'quit' || cmd === 'stop') await stop();
    else if (cmd === 'seed') {
      try {
        const s = await seedMailbox(env, { profile: (profile as Profile) ?? o.profile, seed: seed ? Number(seed) : o.seed });
        console.log(`reseeded: ${s.count} messages in ${(s.ms / 1000).toFixed(2)} s`);
        console.log(await summary(env));
      } catch (e) {
        console.error(e);
      }
    }
  });
  rl.on('close', () => {
    // stdin closed (e.g. started with </dev/null): keep running until a signal.
  });
  setInterval(() => {}, 1 << 30);
}

function readFileHead(): string {
  return `usage:
  npx tsx tests/servers/roundcube/cli.ts start [--profile realistic|bench|empty] [--seed N] [--port N] [--quota-mb N] [--keep]
                                                [--mailiz [--access-ttl S] [--refresh-ttl S]] [--larry]
  npx tsx tests/servers/roundcube/cli.ts seed  [--profile realistic|bench|empty] [--seed N] [--quota-mb N]`;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
