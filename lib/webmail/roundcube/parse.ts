/**
 * Roundcube 1.6, pure parsing: no DOM, no request, no evaluation of anything the server or the page sends.
 *
 * - Inline page scripts (`rcmail.set_env({...})`, `rcmail.set_quota({...})`) and AJAX `exec` strings
 *   (`this.add_message_row(...);\nthis.set_quota(...);`) are read by scanning for the call and JSON-parsing
 *   its arguments; the arguments Roundcube writes are always JSON (rcube_output::json_serialize).
 * - List rows carry formatted sizes ("4.5 Mo") and dates ("Aujourd’hui 14:05"): they become bytes ± precision
 *   and epoch ms (minute precision) with the host's label kept.
 * - IMAP search criteria for `_filter` are built here, with quoting that cannot inject anything.
 *
 * One file per thing parsed (./parse/): this module gathers them.
 */
export * from './parse/script';
export * from './parse/sizes-dates';
export * from './parse/rows';
export * from './parse/filter';
export * from './parse/folders';
export * from './parse/text-signature';
