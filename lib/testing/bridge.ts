/**
 * TEST BUILDS ONLY (`npm run build:test`; the store build drops this module: it is only imported (by ./content.ts) behind
 * `if (TEST_BUILD)`, and scripts/check-build.ts fails a store build that contains "balise:test-request").
 *
 * Lets e2e tests, running in the page's main world, call named commands in the content script:
 *   window.dispatchEvent(new CustomEvent('balise:test-request', { detail: JSON.stringify({ id, cmd, args }) }))
 * and get { id, ok, value | error } back as a JSON string in a 'balise:test-response' event.
 * Details are JSON strings so that they cross Firefox's Xray wrappers unchanged.
 */
import type { RawMessage } from '../webmail/raw';

type Command = (...args: unknown[]) => unknown;

const commands = new Map<string, Command>();

export function registerTestCommand(name: string, fn: Command): void {
  commands.set(name, fn);
}

function asBase64(bytes: Uint8Array): { base64: string; length: number } {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { base64: btoa(binary), length: bytes.length };
}

async function collect(value: unknown): Promise<unknown> {
  // Streams first: a ReadableStream is also async-iterable (its chunks), but the bridge returns its bytes. Read with
  // getReader(): in Firefox a stream from the content script's fetch cannot be handed to `new Response()` (the
  // content script's DOM constructors are the page's).
  // A raw message (lib/webmail/raw.ts): its head, then its stream.
  const rawHead = value && typeof value === 'object' && (value as Partial<RawMessage>).head instanceof Uint8Array ? (value as RawMessage).head : null;
  if (rawHead && !(value as RawMessage).rest) return asBase64(rawHead);
  if (rawHead) value = (value as RawMessage).rest;
  if (value && typeof (value as ReadableStream).getReader === 'function') {
    const reader = (value as ReadableStream<Uint8Array>).getReader();
    const chunks: Uint8Array[] = rawHead ? [rawHead] : [];
    let total = rawHead?.length ?? 0;
    for (;;) {
      const { done, value: chunk } = await reader.read();
      if (done) break;
      chunks.push(chunk);
      total += chunk.length;
    }
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.length;
    }
    return asBase64(bytes);
  }
  // A Map of raw bytes (Webmail.rawMessages) as an object of the same { base64, length } per key.
  if (value instanceof Map && [...(value as Map<unknown, unknown>).values()].every((v) => v instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value as Map<string, Uint8Array>) out[String(k)] = asBase64(v);
    return out;
  }
  // A Set (e.g. MailboxPart.stillIn) as a sorted array: JSON has no sets.
  if (value instanceof Set) return [...(value as Set<unknown>)].sort();
  if (value && typeof value === 'object' && Symbol.asyncIterator in value) {
    const out: unknown[] = [];
    for await (const item of value as AsyncIterable<unknown>) out.push(item);
    return out;
  }
  return value;
}

export function installTestBridge(win: Window): () => void {
  const onRequest = async (event: Event) => {
    let id: unknown = null;
    let reply: Record<string, unknown>;
    try {
      const req = JSON.parse(String((event as CustomEvent).detail)) as { id: unknown; cmd: string; args?: unknown[] };
      id = req.id;
      const fn = commands.get(req.cmd);
      if (!fn) throw new Error(`unknown test command ${req.cmd}`);
      const value = await collect(await fn(...(req.args ?? [])));
      reply = { id, ok: true, value };
    } catch (e) {
      reply = {
        id,
        ok: false,
        error: { name: (e as Error)?.name, message: (e as Error)?.message ?? String(e), code: (e as { code?: string })?.code },
      };
    }
    win.dispatchEvent(new CustomEvent('balise:test-response', { detail: JSON.stringify(reply) }));
  };
  win.addEventListener('balise:test-request', onRequest);
  win.document.documentElement.setAttribute('data-balise-test-bridge', 'ready');
  return () => win.removeEventListener('balise:test-request', onRequest);
}
