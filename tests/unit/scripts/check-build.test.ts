import { describe, expect, it } from 'vitest';
import { checkManifest, checkText, PINNED_PERMISSIONS, PINNED_WEB_ACCESSIBLE } from '../../../scripts/check-build';

const store = (over: Record<string, unknown> = {}) => ({
  permissions: ['scripting', 'notifications', 'contextMenus', 'activeTab', 'downloads', 'storage'],
  optional_host_permissions: ['https://*/*'],
  host_permissions: [],
  web_accessible_resources: [{ resources: [...PINNED_WEB_ACCESSIBLE], matches: ['https://*/*'], use_dynamic_url: true }],
  ...over,
});
const problems = (m: Record<string, unknown>) => {
  const out: string[] = [];
  checkManifest('x', m, 'chrome', out);
  return out;
};

describe('the store build and zip checks', () => {
  it('accept the store manifest', () => {
    expect(problems(store())).toEqual([]);
    expect(PINNED_PERMISSIONS).toHaveLength(6);
  });

  it('refuse the test build: the pre-granted host, the test origin in web-accessible matches', () => {
    const test = store({
      host_permissions: ['http://127.0.0.1/*'],
      web_accessible_resources: [{ resources: [...PINNED_WEB_ACCESSIBLE], matches: ['https://*/*', 'http://127.0.0.1/*'] }],
    });
    const p = problems(test);
    expect(p.some((x) => x.includes('host_permissions'))).toBe(true);
    expect(p.some((x) => x.includes('web_accessible_resources'))).toBe(true);
    expect(p.some((x) => x.includes('test origin'))).toBe(true);
  });

  it('pin the permission list and the web-accessible files', () => {
    expect(problems(store({ permissions: [...store().permissions, 'tabs'] }))[0]).toMatch(/permissions/);
    expect(problems(store({ optional_permissions: ['history'] }))[0]).toMatch(/optional_permissions/);
    expect(problems(store({ web_accessible_resources: [{ resources: [...PINNED_WEB_ACCESSIBLE, 'options.html'], matches: ['https://*/*'] }] }))[0]).toMatch(/web_accessible/);
  });

  it('find the test bridge and the test origin in shipped code', () => {
    const out: string[] = [];
    checkText('a.js', 'addEventListener("balise:test-request", f)', out);
    checkText('b.js', 'const o = "http://127.0.0.1";', out);
    checkText('c.js', 'const LOOPBACK = new Set(["127.0.0.1", "localhost"]);', out);
    expect(out).toEqual(['a.js: contains test-build code', 'b.js: contains test-build code']);
  });
});
