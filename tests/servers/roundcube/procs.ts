/**
 * Process and port helpers for the loopback test servers. Servers run detached in their own process group,
 * with stdout/stderr going to log files (never to the caller's pipes, or test runners wait for them forever).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import net from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, LOOPBACK, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function isPortOpen(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: LOOPBACK, port });
    const done = (v: boolean) => {
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, onTimeout?: () => string): Promise<void> {
  const start = Date.now();
  for (;;) {
    if (await check()) return;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${onTimeout ? '\n' + onTimeout() : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Daemon {
  name: string;
  child: ChildProcess;
  pid: number;
  exited: Promise<number | null>;
  hasExited(): boolean;
}

/** Start a server in its own process group, output appended to `logFile`. */
export function spawnDaemon(name: string, cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; logFile: string }): Daemon {
  const fd = openSync(opts.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  if (!child.pid) throw new Error(`could not start ${name} (${cmd})`);
  let exited = false;
  const exitedP = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      resolve(code ?? (signal ? -1 : null));
    });
    child.once('error', () => {
      exited = true;
      resolve(-1);
    });
  });
  // Do not keep the caller's event loop alive for the server alone; stop() or the exit hook ends it.
  child.unref();
  const d: Daemon = { name, child, pid: child.pid, exited: exitedP, hasExited: () => exited };
  liveGroups.add(d.pid);
  return d;
}

const liveGroups = new Set<number>();
let exitHookInstalled = false;
/** Last resort: if the caller exits without stop(), kill the process groups we started. */
export function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pgid of liveGroups) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM the whole process group, wait, then SIGKILL what is left. */
export async function stopGroup(d: Daemon, graceMs = 5000): Promise<void> {
  const pgid = d.pid;
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {
    /* gone */
  }
  const start = Date.now();
  while (groupAlive(pgid) && Date.now() - start < graceMs) await new Promise((r) => setTimeout(r, 50));
  if (groupAlive(pgid)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* gone */
    }
    const t = Date.now();
    while (groupAlive(pgid) && Date.now() - t < 2000) await new Promise((r) => setTimeout(r, 20));
  }
  liveGroups.delete(pgid);
}

/** Pids whose process group is `pgid` (from /proc). */
export async function groupMembers(pgid: number): Promise<number[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const out: number[] = [];
  for (const e of await readdir('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = await readFile(`/proc/${e}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...; comm may contain spaces/parentheses: split after the last ')'.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[2]) === pgid) out.push(Number(e));
    } catch {
      /* raced with exit */
    }
  }
  return out;
}

/** Live children of `ppid` (from /proc), with their command names. */
export async function childrenOf(ppid: number): Promise<{ pid: number; comm: string }[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const out: { pid: number; comm: string }[] = [];
  for (const e of await readdir('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = await readFile(`/proc/${e}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[1]) === ppid && rest[0] !== 'Z') out.push({ pid: Number(e), comm });
    } catch {
      /* raced with exit */
    }
  }
  return out;
}
