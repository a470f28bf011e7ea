import { t, uiLang } from '../i18n/t';
import type { MessageKey } from '../i18n/catalog';

/** Set <html lang> (screen readers) and, for pages, the title, from the browser's UI language. */
export function setDocumentLanguage(doc: Document, titleKey?: MessageKey): void {
  doc.documentElement.lang = uiLang();
  if (titleKey) doc.title = t(titleKey);
}
