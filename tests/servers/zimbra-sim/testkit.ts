/** Helpers for the simulator's own tests (and for adapter tests that want a logged-in HTTP client). */
import type { ZimbraSim } from './index.ts';

export interface SoapReply {
  status: number;
  json: any;
  headers: Headers;
}

export interface SimClient {
  token: string;
  csrf: string;
  cookie: string;
  soap(name: string, body: Record<string, unknown>, opts?: { ns?: string; ctx?: Record<string, unknown>; headers?: Record<string, string>; csrf?: boolean }): Promise<SoapReply>;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
}

export const ACCOUNT_REQUESTS = new Set([
  'AuthRequest', 'GetInfoRequest', 'GetSignaturesRequest', 'CreateSignatureRequest', 'ModifySignatureRequest',
  'DeleteSignatureRequest', 'GetIdentitiesRequest', 'EndSessionRequest',
]);

export async function rawSoap(
  sim: ZimbraSim,
  name: string,
  body: Record<string, unknown>,
  opts: { ns?: string; ctx?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Promise<SoapReply> {
  const ns = opts.ns ?? (ACCOUNT_REQUESTS.has(name) ? 'urn:zimbraAccount' : 'urn:zimbraMail');
  const r = await fetch(`${sim.url}service/soap/${name}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...opts.headers },
    body: JSON.stringify({ Header: { context: { _jsns: 'urn:zimbra', ...opts.ctx } }, Body: { [name]: { _jsns: ns, ...body } } }),
  });
  const text = await r.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: r.status, json, headers: r.headers };
}

export async function login(sim: ZimbraSim): Promise<SimClient> {
  const a = await rawSoap(sim, 'AuthRequest', {
    account: { by: 'name', _content: sim.address },
    password: { _content: sim.password },
    csrfTokenSecured: '1',
  });
  if (a.status !== 200) throw new Error(`login failed: ${JSON.stringify(a.json)}`);
  const token: string = a.json.Body.AuthResponse.authToken[0]._content;
  const csrf: string = a.json.Body.AuthResponse.csrfToken._content;
  const cookie = `ZM_AUTH_TOKEN=${token}`;
  return {
    token,
    csrf,
    cookie,
    soap: (name, body, opts = {}) =>
      rawSoap(sim, name, body, {
        ...(opts.ns ? { ns: opts.ns } : {}),
        ...(opts.ctx ? { ctx: opts.ctx } : {}),
        headers: { Cookie: cookie, ...(opts.csrf === false ? {} : { 'X-Zimbra-Csrf-Token': csrf }), ...opts.headers },
      }),
    get: (path, headers = {}) => fetch(sim.url + path.replace(/^\//, ''), { headers: { Cookie: cookie, ...headers } }),
  };
}

/** Builds a small RFC 822 message (CRLF) with optional base64 attachments. */
export function makeRaw(o: {
  subject: string;
  from?: string;
  to?: string;
  body?: string;
  date?: Date;
  attachments?: { filename: string; contentType: string; data: Buffer }[];
}): Buffer {
  const head = [
    `From: ${o.from ?? '"Labo Test" <labo@test.mssante.fr>'}`,
    `To: ${o.to ?? '<martin.durand@medecin.mssante.fr>'}`,
    `Subject: ${o.subject}`,
    `Date: ${(o.date ?? new Date(Date.UTC(2026, 0, 15))).toUTCString()}`,
    `Message-ID: <${o.subject.replace(/\W+/g, '.')}@test>`,
    'MIME-Version: 1.0',
  ];
  const body = (o.body ?? 'Bonjour').replace(/\r?\n/g, '\r\n');
  if (!o.attachments?.length) return Buffer.from([...head, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', body, ''].join('\r\n'));
  const b = 'BOUNDARY_test_1';
  const parts = [...head, `Content-Type: multipart/mixed; boundary="${b}"`, '', `--${b}`, 'Content-Type: text/plain; charset=utf-8', '', body];
  for (const a of o.attachments) {
    parts.push(`--${b}`, `Content-Type: ${a.contentType}; name="${a.filename}"`, `Content-Disposition: attachment; filename="${a.filename}"`, 'Content-Transfer-Encoding: base64', '', a.data.toString('base64').replace(/.{76}/g, '$&\r\n'));
  }
  parts.push(`--${b}--`, '');
  return Buffer.from(parts.join('\r\n'));
}

export function faultCode(r: SoapReply): string | undefined {
  return r.json?.Body?.Fault?.Detail?.Error?.Code;
}
