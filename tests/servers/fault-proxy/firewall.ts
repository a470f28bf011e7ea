/**
 * A web application firewall stand-in for the fault proxy: past a request-rate threshold it answers a block page in
 * place of the expected answer, for every request, during a cool-down; then it lets traffic through again.
 * Modelled on what Mailiz users and an automation tool met in front of Mailiz's Roundcube: an HTML page with
 * "Web Page Blocked", "The URL you requested has been blocked", "Attack ID: …", "Message ID: …", served with
 * status 200 (what such firewalls often do) or 403 — both must be handled.
 */
import type { RequestInfo } from './index';

export interface FirewallRule {
  /** Requests allowed within `windowMs`; the next one trips the firewall. */
  maxRequests: number;
  windowMs: number;
  /** How long every request gets the block page once tripped. */
  coolDownMs: number;
  /** Status of the block page (default 200). */
  status?: 200 | 403;
  /** Which requests count toward the rate (default: all). Once tripped, every request is blocked. */
  match?: (r: RequestInfo) => boolean;
}

/**
 * The stand-in's default rule (ours: Mailiz's real figures are not public): 100 requests in any 10 s from the
 * client, then 60 s of block pages, status 200. A per-client rate limit of that order is a common WAF setting; a
 * person clicking through a webmail stays far below it, a tool firing requests does not. bench/pacing.ts checks that
 * Balise's default cleanup of the realistic mailbox stays under it.
 */
export const DEFAULT_FIREWALL_RULE: FirewallRule = { maxRequests: 100, windowMs: 10_000, coolDownMs: 60_000, status: 200 };

/** The most requests within any `windowMs` of these start times (what a rate rule counts). */
export function peakInWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i]! - t[j]! >= windowMs) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}

export interface FirewallEntry extends RequestInfo {
  at: number;
  /** 'trip': the request that crossed the threshold; 'cool-down': a request that arrived while blocked. */
  phase: 'trip' | 'cool-down';
  attackId: string;
  messageId: string;
}

export interface FirewallStats {
  trips: number;
  /** Requests answered with the block page (trips + cool-down). */
  blocked: number;
  /** Requests that arrived during a cool-down (after the trip). */
  duringCoolDown: number;
  /** Requests let through. */
  passed: number;
  /** When the current or last cool-down ends (ms since epoch), or null. */
  blockedUntil: number | null;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The block page: the strings Mailiz's users see, with this request's URL and identifiers. */
export function blockPage(o: { url: string; attackId: string; messageId: string; clientIp?: string }): string {
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Web Page Blocked</title></head>
<body><div class="main"><h1>Web Page Blocked!</h1>
<p>The URL you requested has been blocked. Please contact the administrator if you think this is an error.</p>
<p>URL: ${esc(o.url)}</p>
<p>Client IP: ${esc(o.clientIp ?? '127.0.0.1')}</p>
<p>Attack ID: ${esc(o.attackId)}</p>
<p>Message ID: ${esc(o.messageId)}</p>
</div></body></html>
`;
}

export class Firewall {
  private rule: FirewallRule | null = null;
  private recent: number[] = [];
  private until: number | null = null;
  private seq = 0;
  private entries: FirewallEntry[] = [];
  readonly stats: FirewallStats = { trips: 0, blocked: 0, duringCoolDown: 0, passed: 0, blockedUntil: null };

  constructor(private readonly now: () => number = Date.now) {}

  /** Turn the firewall on with a rule (resetting its counters and log), or off with null. */
  set(rule: FirewallRule | null): void {
    if (rule && (rule.maxRequests < 0 || rule.windowMs <= 0 || rule.coolDownMs < 0)) throw new Error('firewall: bad rule');
    this.rule = rule;
    this.recent = [];
    this.until = null;
    this.entries = [];
    Object.assign(this.stats, { trips: 0, blocked: 0, duringCoolDown: 0, passed: 0, blockedUntil: null });
  }

  get log(): readonly FirewallEntry[] {
    return this.entries;
  }

  /** Whether a cool-down is running now. */
  get blocking(): boolean {
    return this.until !== null && this.now() < this.until;
  }

  /** Decide for one request: null to let it through, else the block answer to send. */
  check(r: RequestInfo): { status: number; body: string } | null {
    const rule = this.rule;
    if (!rule) return null;
    const t = this.now();
    let phase: FirewallEntry['phase'] | null = null;
    if (this.until !== null && t < this.until) phase = 'cool-down';
    else {
      if (this.until !== null) {
        // The cool-down is over: the rate starts afresh.
        this.until = null;
        this.recent = [];
      }
      if (!rule.match || rule.match(r)) {
        this.recent = this.recent.filter((x) => t - x < rule.windowMs);
        this.recent.push(t);
        if (this.recent.length > rule.maxRequests) {
          phase = 'trip';
          this.until = t + rule.coolDownMs;
          this.stats.blockedUntil = this.until;
          this.stats.trips++;
        }
      }
    }
    if (!phase) {
      this.stats.passed++;
      return null;
    }
    this.seq++;
    const attackId = String(20000000 + this.stats.trips);
    const messageId = String(this.seq).padStart(12, '0');
    if (phase === 'cool-down') this.stats.duringCoolDown++;
    this.stats.blocked++;
    this.entries.push({ ...r, at: t, phase, attackId, messageId });
    return { status: rule.status ?? 200, body: blockPage({ url: r.url, attackId, messageId }) };
  }
}
