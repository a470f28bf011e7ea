import { browser } from 'wxt/browser';
import type { MessageType, Request, Response } from './index';
import type { TabMessageType, TabRequest, TabResponse } from './tab';
import { unwrap } from './envelope';

export { MessageError } from './envelope';

/** Send a message to the background and get its answer (validated by the background against its schema). */
export async function send<K extends MessageType>(type: K, fields: Omit<Request<K>, 'type'>): Promise<Response<K>> {
  return unwrap(type, await browser.runtime.sendMessage({ ...fields, type })) as Response<K>;
}

/** Send a message to Balise's content script in a tab's top frame. */
export async function sendToTab<K extends TabMessageType>(tabId: number, type: K, fields: Omit<TabRequest<K>, 'type'>): Promise<TabResponse<K>> {
  return unwrap(type, await browser.tabs.sendMessage(tabId, { ...fields, type }, { frameId: 0 })) as TabResponse<K>;
}
