/**
 * What an export can be asked to copy, as the export views offer it (Chooser.tsx): "what the server will delete
 * soon", "this folder", "everything", "the messages I selected". Each is a source: a label, a file name and a way
 * to list its messages as ExportItems (the shape exportMessages() takes), listed only when the user picks it.
 *
 * Listing uses only what every adapter has (folders and search: Webmail capabilities), never a webmail's name, so
 * an adapter that lists and reads without moving or deleting (Medimail) exports the same way.
 */
import type { Folder, Webmail } from '../webmail/types';
import type { ExportItem } from './contract';

export interface ExportSource {
  /** Stable id for automation (data-source on the choice): 'expiring', 'folder:<id>', 'all', 'selected'. */
  id: string;
  /** What the choice says ("Les messages supprimés dans les 7 prochains jours", "Boîte de réception"…). */
  label: string;
  /** The zip's name, without extension. */
  filenameBase: string;
  /** Its messages; called when the user picks it (a listing costs the host requests). */
  load(signal: AbortSignal): Promise<ExportItem[]>;
}

/** Local date as YYYY-MM-DD, for file names. */
export function isoDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Every message of these folders (oldest first), with the sizes and summaries the listing gives. */
export async function listItems(webmail: Webmail, folders: readonly Folder[], signal?: AbortSignal): Promise<ExportItem[]> {
  const items: ExportItem[] = [];
  for (const f of folders) {
    signal?.throwIfAborted();
    for await (const batch of webmail.search({ folderId: f.id, sort: 'dateAsc' }, signal ? { signal } : {})) {
      for (const m of batch) items.push({ ref: m.ref, folderPath: f.path, size: m.size, summary: { date: m.date, from: m.from, subject: m.subject } });
    }
  }
  return items;
}

/** The messages already known (an expiring set, a selection): no listing. */
export function itemsSource(id: string, label: string, filenameBase: string, items: readonly ExportItem[]): ExportSource {
  return { id, label, filenameBase, load: async () => items.slice() };
}

/** One folder, listed when chosen. */
export function folderSource(webmail: Webmail, folder: Folder, filenameBase: string): ExportSource {
  return { id: `folder:${folder.id}`, label: folder.path, filenameBase, load: (signal) => listItems(webmail, [folder], signal) };
}

/** Every folder of the mailbox, listed when chosen. */
export function everythingSource(webmail: Webmail, folders: readonly Folder[], label: string, filenameBase: string): ExportSource {
  return { id: 'all', label, filenameBase, load: (signal) => listItems(webmail, folders, signal) };
}

/** Whether this webmail can export at all (raw messages) and list what to export (folders, search). */
export function canExport(webmail: Webmail): boolean {
  return webmail.capabilities.rawDownload && webmail.capabilities.search && webmail.capabilities.folders;
}
