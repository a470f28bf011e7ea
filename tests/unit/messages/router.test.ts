import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { AnyRequestSchema, messageDefs, parseRequest } from '../../../lib/messages';
import { TabRequestSchema, tabMessageDefs } from '../../../lib/messages/tab';
import { backgroundClassifier, contentClassifier, dispatch, type HandlersFor } from '../../../lib/messages/router';
import { unwrap, MessageError } from '../../../lib/messages/envelope';
import type { Sender } from '../../../lib/messages/router';

const channel = { defs: messageDefs, union: AnyRequestSchema };
const base = fakeBrowser.runtime.getURL('/');
const page: Sender = { id: fakeBrowser.runtime.id, url: `${base}options.html` };
const content: Sender = { id: fakeBrowser.runtime.id, url: 'https://webmail.example.org/?_task=mail', tab: { id: 3 } as Sender['tab'], frameId: 0 };
const classify = backgroundClassifier(async (o) => o === 'https://webmail.example.org');

function handlers(over: Partial<HandlersFor<typeof messageDefs>> = {}): HandlersFor<typeof messageDefs> {
  return {
    ping: () => ({ version: '1.0.0', testBuild: false }),
    'origins/remove': () => ({ ok: true }),
    'webmail/seen': () => ({ ok: true }),
    ...over,
  };
}

describe('message union', () => {
  it('accepts the declared messages and nothing else', () => {
    expect(parseRequest({ type: 'ping' })).toEqual({ type: 'ping' });
    expect(parseRequest({ type: 'origins/remove', origin: 'https://a.fr' })).not.toBeNull();
    expect(parseRequest({ type: 'origins/remove', origin: 'https://a.fr', extra: 1 })).toBeNull(); // strict
    expect(parseRequest({ type: 'origins/remove', origin: 'javascript:alert(1)' })).toBeNull();
    expect(parseRequest({ type: 'nope' })).toBeNull();
    expect(parseRequest('ping')).toBeNull();
    expect(parseRequest(null)).toBeNull();
  });
  it('tab messages are a union of their own', () => {
    expect(TabRequestSchema.safeParse({ type: 'tab/open-cleanup', source: 'popup' }).success).toBe(true);
    expect(TabRequestSchema.safeParse({ type: 'ping' }).success).toBe(false);
    expect(Object.keys(tabMessageDefs)).toContain('tab/open-cleanup');
  });
});

describe('background dispatch', () => {
  it('answers a valid message from an allowed sender', async () => {
    expect(await dispatch(channel, handlers(), classify, { type: 'ping' }, page)).toEqual({ ok: true, data: { version: '1.0.0', testBuild: false } });
  });

  it('refuses other extensions, unknown origins, subframes and web pages', async () => {
    const bad: Sender[] = [
      { id: 'other-extension', url: `${base}x.html` },
      { ...content, url: 'https://evil.example.com/' },
      { ...content, frameId: 2 },
      { id: fakeBrowser.runtime.id, url: 'https://webmail.example.org/' }, // no tab: not a content script
    ];
    for (const s of bad) {
      const r = await dispatch(channel, handlers(), classify, { type: 'ping' }, s);
      expect(r).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    }
  });

  it('refuses a message type this sender may not send', async () => {
    // Only Balise pages may remove an origin: a (possibly compromised) webmail page's content script may not.
    const r = await dispatch(channel, handlers(), classify, { type: 'origins/remove', origin: 'https://webmail.example.org' }, content);
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const seen = await dispatch(channel, handlers(), classify, { type: 'webmail/seen', kind: 'roundcube', address: 'a@b.mssante.fr' }, page);
    expect(seen).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('refuses malformed requests before any handler runs', async () => {
    const spy = vi.fn(() => ({ ok: true as const }));
    const r = await dispatch(channel, handlers({ 'webmail/seen': spy }), classify, { type: 'webmail/seen', kind: 'gmail', address: 'x' }, content);
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(spy).not.toHaveBeenCalled();
  });

  it('never sends a malformed answer, and reports handler errors with their code', async () => {
    const wrong = await dispatch(channel, handlers({ ping: () => ({ version: 1 }) as never }), classify, { type: 'ping' }, page);
    expect(wrong).toMatchObject({ ok: false, error: { code: 'internal' } });
    const thrown = await dispatch(
      channel,
      handlers({ ping: () => Promise.reject(Object.assign(new Error('boom'), { code: 'invalid-settings' })) }),
      classify,
      { type: 'ping' },
      page,
    );
    expect(thrown).toEqual({ ok: false, error: { code: 'invalid-settings', message: 'boom' } });
    const none = await dispatch(channel, {}, classify, { type: 'ping' }, page);
    expect(none).toMatchObject({ ok: false, error: { code: 'unhandled' } });
  });
});

describe('content-side classifier', () => {
  it('accepts only Balise itself', async () => {
    const c = contentClassifier();
    expect(await c({ id: fakeBrowser.runtime.id, url: `${base}popup.html` })).toBe('extension');
    expect(await c({ id: fakeBrowser.runtime.id, url: 'https://webmail.example.org/' })).toBeNull();
    expect(await c({ id: 'other', url: `${base}popup.html` })).toBeNull();
  });
});

describe('envelope', () => {
  it('unwraps answers and turns errors into MessageError', () => {
    expect(unwrap('ping', { ok: true, data: 1 })).toBe(1);
    expect(() => unwrap('ping', { ok: false, error: { code: 'x', message: 'y' } })).toThrow(MessageError);
    expect(() => unwrap('ping', undefined)).toThrow(/No valid answer/);
  });
});
