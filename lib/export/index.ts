/**
 * The export before delete (used by the cleanup panel and the quota meter's "keep a copy"): the one door other
 * modules import. exportMessages() is export.ts; its contract is contract.ts; where files go is targets.ts.
 */
export { exportMessages } from './export';
export * from './contract';
export { ExportError, isExportError, type ExportErrorCode } from './error';
export { canPickFile, pickSaveFile, type SaveFile, type DownloadTransport, type SavedPart } from './targets';
