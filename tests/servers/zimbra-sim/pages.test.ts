/**
 * The simulator's pages: login form, launchZCS.jsp-like page per version, Modern UI, and (when a Chromium is
 * installed) the page's DOM in a real browser: shell ids, quota template, compose editor and signature markers,
 * and the quota display refreshing after another client's action.
 */
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { type ZimbraSim, startZimbraSim } from './index.ts';

const sims: ZimbraSim[] = [];
afterAll(async () => {
  await Promise.all(sims.map((s) => s.stop()));
});
async function sim(opts: Parameters<typeof startZimbraSim>[0]) {
  const s = await startZimbraSim({ profile: 'empty', ...opts });
  sims.push(s);
  return s;
}

/** Logs in through the form like a browser and returns the cookie header. */
async function formLogin(s: ZimbraSim): Promise<string> {
  const page = await fetch(s.url);
  const loginCsrf = /name="login_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const csrfCookie = page.headers.get('set-cookie')!.split(';')[0]!;
  const r = await fetch(s.url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: csrfCookie },
    body: new URLSearchParams({ loginOp: 'login', login_csrf: loginCsrf, username: s.user, password: s.password }).toString(),
  });
  expect(r.status).toBe(302);
  const auth = r.headers.getSetCookie().find((x) => x.startsWith('ZM_AUTH_TOKEN='))!;
  expect(auth).toMatch(/HttpOnly/);
  return auth.split(';')[0]!;
}

describe('pages over HTTP', () => {
  it('serves the login form, then a launchZCS-like page with csrfToken in window and localStorage (10.1)', async () => {
    const s = await sim({ version: '10.1' });
    const cookie = await formLogin(s);
    const html = await (await fetch(s.url, { headers: { Cookie: cookie } })).text();
    expect(html).toContain('<html class="user_font_size_normal" lang="fr">');
    expect(html).toMatch(/window\.appContextPath\t\t= "";/);
    expect(html).toContain(`window.csrfToken            = "${s.csrfToken}";`);
    expect(html).toContain(`localStorage.setItem("csrfToken" , "${s.csrfToken}");`);
    expect(html).toMatch(/<script src="\/js\/Startup1_1_all\.js\?v=[^"]+"><\/script>/);
    expect((await fetch(`${s.url}js/Startup1_2_all.js`)).status).toBe(200);
  });

  it('omits the localStorage line before 8.8.15 patch 4', async () => {
    const s = await sim({ version: '8.8.15', patch: 3 });
    const html = await (await fetch(s.url, { headers: { Cookie: await formLogin(s) } })).text();
    expect(html).toContain('window.csrfToken');
    expect(html).not.toContain('localStorage.setItem');
    const p4 = await sim({ version: '8.8.15', patch: 4 });
    expect(await (await fetch(p4.url, { headers: { Cookie: await formLogin(p4) } })).text()).toContain('localStorage.setItem("csrfToken"');
  });

  it('refuses a form login without the login CSRF cookie, and sends the Modern UI to /modern/', async () => {
    const s = await sim({ ui: 'modern' });
    const bad = await fetch(s.url, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ loginOp: 'login', username: s.user, password: s.password }).toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(bad.status).toBe(200);
    const cookie = await formLogin(s);
    const r = await fetch(s.url, { headers: { Cookie: cookie }, redirect: 'manual' });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('/modern/');
    const modern = await (await fetch(`${s.url}modern/`, { headers: { Cookie: cookie } })).text();
    expect(modern).toContain('id="zm-x-web"');
    expect(modern).not.toContain('z_shell');
  });
});

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));

describe.skipIf(!CHROMIUM)('the classic page in Chromium', () => {
  it('builds the shell, shows the quota, pre-fills the signature with markers and refreshes the quota', async () => {
    const puppeteer = (await import('puppeteer-core')).default;
    const s = await startZimbraSim({ profile: 'realistic', seed: 3, pollMs: 300 });
    sims.push(s);
    const browser = await puppeteer.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox'], headless: true });
    try {
      const page = await browser.newPage();
      await page.goto(s.url);
      await page.type('#username', s.user);
      await page.type('#password', s.password);
      await Promise.all([page.waitForNavigation(), page.click('#loginButton')]);
      await page.waitForSelector('#z_shell #skin_outer #skin_container_quota > #z_userQuota .quotabar > div', { timeout: 15_000 });
      const pct = Math.min(Math.round((s.mailbox.used / s.mailbox.quotaBytes) * 100), 100);
      const aria = await page.$eval('#z_userQuota', (e) => e.getAttribute('aria-label'));
      expect(aria).toMatch(new RegExp(`^Vous utilisez [\\d,]+ Mo \\(${pct}%\\) sur un quota total de 200 Mo$`));
      expect(await page.$eval('#z_userName', (e) => e.textContent)).toBe('Dr Martin Durand');
      expect(await page.evaluate(() => localStorage.getItem('csrfToken'))).toBe(s.csrfToken);
      await page.waitForSelector('#zti__main_Mail__258');

      await page.click('#zb__NEW_MENU');
      await page.waitForSelector('#zv__COMPOSE-1.ZmComposeView #ZmHtmlEditor1.ZmHtmlEditor textarea#ZmHtmlEditor1_body.ZmHtmlEditorTextArea');
      const frame = await (await page.$('#ZmHtmlEditor1_body_ifr'))!.contentFrame();
      const body = await frame!.$eval('body', (b) => ({ id: b.id, cls: b.className, dataId: b.getAttribute('data-id'), html: b.innerHTML }));
      const sigId = s.mailbox.signatures[0]!.id;
      expect(body).toMatchObject({ id: 'tinymce', dataId: 'ZmHtmlEditor1_body' });
      expect(body.cls).toContain('mce-content-body');
      expect(body.html.startsWith(`<div><br></div><div><br></div><div id="${sigId}" data-marker="__SIG_PRE__">`)).toBe(true);
      await page.click('#zmi__COMPOSE-1__FORMAT_TEXT');
      const text = await page.$eval('#ZmHtmlEditor1_body', (t) => (t as HTMLTextAreaElement).value);
      expect(text.startsWith('\n\n\u200B\u200BDr Martin Durand\n')).toBe(true);
      expect(await page.$eval('#zv__COMPOSE-1_identity_control_title', (e) => e.textContent)).toBe(`"Dr Martin Durand" <${s.address}>`);

      const before = aria;
      const biggest = [...s.mailbox.messages.values()].sort((a, b) => b.size - a.size).slice(0, 10).map((m) => m.id);
      await page.evaluate(async (idList) => {
        await fetch('/service/soap/MsgActionRequest', {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'X-Zimbra-Csrf-Token': localStorage.getItem('csrfToken') ?? '' },
          body: JSON.stringify({ Header: { context: { _jsns: 'urn:zimbra', nosession: {} } }, Body: { MsgActionRequest: { _jsns: 'urn:zimbraMail', action: { op: 'delete', id: idList.join(',') } } } }),
        });
      }, biggest);
      await page.waitForFunction((b) => document.getElementById('z_userQuota')!.getAttribute('aria-label') !== b, { timeout: 5000 }, before);
      const pct2 = Math.min(Math.round((s.mailbox.used / s.mailbox.quotaBytes) * 100), 100);
      expect(await page.$eval('#z_userQuota', (e) => e.getAttribute('aria-label'))).toContain(`(${pct2}%)`);
    } finally {
      await browser.close();
    }
  }, 90_000);
});
