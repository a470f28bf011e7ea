/**
 * Roundcube requests on many UIDs: how many ids one request carries, and how ids are cut into requests whose UID
 * set fits in a request line. Pure.
 */
import { WebmailError, type BatchResult } from '../types';
import { parseUid } from './parse';

/**
 * Ids per move/delete/mark request, and the longest UID set one request may carry. Measured (bench/roundcube-batch.ts,
 * BENCHMARKS.md; Roundcube 1.6.5 + Dovecot 2.3, 12,000-message inbox): a moveToTrash call costs ~300 ms of checks
 * around the move whatever its size (which ids are there, the trash's highest UID, what left, the new UIDs), while
 * Roundcube's bare move takes ~100 ms for 500 UIDs and ~330 ms for 4,000: big requests are what makes a cleanup fast.
 * The checks send the UIDs as an IMAP set in a GET request line (`_search` of `UID 1:500,502,…`), which common front
 * servers cap at 8 KB (Apache's LimitRequestLine, nginx's large_client_header_buffers): consecutive UIDs (old mail,
 * a whole folder) fold into ranges and fill a request up to ROUNDCUBE_MAX_BATCH; scattered 7-digit UIDs stop near
 * 500 (see cutBatches). A failed batch reports its messages together, with the server's reason.
 */
export const ROUNDCUBE_MAX_BATCH = 5000;
/** Longest UID set, URL-encoded, in one request's checks (500 scattered 7-digit UIDs: a 5.1 KB request line). */
export const ROUNDCUBE_MAX_SET_CHARS = 5000;

/** Length of uidSet(uids) once URL-encoded (',' and ':' take 3 characters). `uids` sorted ascending, no repeats. */
export function encodedSetLength(uids: number[]): number {
  let n = 0;
  for (let i = 0; i < uids.length; ) {
    let j = i;
    while (j + 1 < uids.length && uids[j + 1] === uids[j]! + 1) j++;
    n += (i ? 3 : 0) + String(uids[i]).length + (i === j ? 0 : 3 + String(uids[j]).length);
    i = j + 1;
  }
  return n;
}

/**
 * Cuts ids into requests: ascending UIDs (so runs fold into ranges), at most `max` a request and at most
 * ROUNDCUBE_MAX_SET_CHARS of encoded set. Ids that are not UIDs, and repeats, ride with the first request (they
 * fail there as 'not-found', as splitIds says).
 */
export function cutUidBatches(ids: string[], max: number): string[][] {
  const { uids, byUid, failed } = splitIds(ids);
  uids.sort((a, b) => a - b);
  const out: string[][] = [];
  let cur: string[] = [];
  let len = 0;
  let prev = -2;
  let runLen = 0;
  for (const u of uids) {
    // What adding u costs: extending a run (from "a" to "a%3Au", or from "a%3Ab" to "a%3Au"), or a new "%2Cu".
    const s = String(u).length;
    const grow = !cur.length ? s : u === prev + 1 ? (runLen === 1 ? 3 + s : s - String(prev).length) : 3 + s;
    if (cur.length && (cur.length >= max || len + grow > ROUNDCUBE_MAX_SET_CHARS)) {
      out.push(cur);
      cur = [];
    }
    if (!cur.length) {
      len = s;
      runLen = 1;
    } else {
      len += grow;
      runLen = u === prev + 1 ? runLen + 1 : 1;
    }
    cur.push(byUid.get(u)!);
    prev = u;
  }
  if (cur.length) out.push(cur);
  if (failed.length) (out[0] ??= []).unshift(...failed.map((f) => f.id));
  return out;
}

/** Ids → UIDs; anything that is not a UID fails as not-found. */
export function splitIds(ids: string[]): { uids: number[]; byUid: Map<number, string>; failed: BatchResult['failed'] } {
  const byUid = new Map<number, string>();
  const failed: BatchResult['failed'] = [];
  for (const id of ids) {
    const uid = parseUid(id);
    if (uid === null || byUid.has(uid)) failed.push({ id, code: 'not-found' });
    else byUid.set(uid, id);
  }
  return { uids: [...byUid.keys()], byUid, failed };
}

/** Refuses what cutUidBatches would not have put in one request. */
export function checkBatch(ids: string[], uids: number[], maxBatch: number): void {
  if (ids.length > maxBatch) throw new WebmailError('unsupported', `at most ${maxBatch} ids per request`);
  if (encodedSetLength([...uids].sort((x, y) => x - y)) > ROUNDCUBE_MAX_SET_CHARS) {
    throw new WebmailError('unsupported', 'these UIDs are too scattered for one request: cut them with cutBatches()');
  }
}
