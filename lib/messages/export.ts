/**
 * Messages of the cleanup's export (lib/export/ ↔ lib/background/export.ts): the content
 * script hands each part of an export to the background, which saves it through the downloads API.
 */
import * as z from 'zod/mini';
import { def, Ok } from './define';

/**
 * A relative path under the Downloads folder, as the export builds it ("<name>/<name>-partie-01.zip"): plain
 * segments, no "." / ".." / hidden segment, none of the characters Windows forbids, ending in .zip.
 */
export const DownloadPath = z
  .string()
  .check(
    z.maxLength(400),
    z.regex(/^(?:[^\\/:*?"<>|\u0000-\u001f.][^\\/:*?"<>|\u0000-\u001f]*\/)?[^\\/:*?"<>|\u0000-\u001f.][^\\/:*?"<>|\u0000-\u001f]*\.zip$/),
  );

const Bytes = z.number().check(z.int(), z.gte(0), z.lte(Number.MAX_SAFE_INTEGER));

export const SavedPartSchema = z.object({
  downloadId: z.number().check(z.int(), z.gte(0)),
  path: z.string().check(z.maxLength(4096)),
  bytes: Bytes,
});

export const exportMessageDefs = {
  /**
   * Save one part of an export with the downloads API and answer once the browser reports it complete with
   * exactly `size` bytes (an error otherwise). Firefox sends the Blob itself (structured clone); Chromium sends
   * an object URL the content script made (blob:<webmail origin>/<uuid>), since its messaging is JSON.
   */
  'export/save-part': def(
    {
      filename: DownloadPath,
      size: Bytes,
      blob: z.optional(z.instanceof(Blob)),
      url: z.optional(z.string().check(z.maxLength(2200), z.regex(/^blob:https?:\/\/[^/\s]+\/[0-9a-fA-F-]{36}$/))),
      /** Show the browser's save dialog (the person picks the place; cancelling it fails the export, nothing is deleted). */
      ask: z.optional(z.boolean()),
    },
    SavedPartSchema,
    ['content'],
  ),
  /** Delete parts an export saved (after it failed or was cancelled): Balise's own downloads only. */
  'export/remove-parts': def({ ids: z.array(z.number().check(z.int(), z.gte(0))).check(z.maxLength(10_000)) }, Ok, ['content']),
} as const;
