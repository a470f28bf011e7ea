/** The classification cache as the planner sees it (VerdictCache), kept by the background through messages. */
import { send } from '../../messages/send';
import type { CachedVerdict, VerdictCache } from './classify';
import type { MessageRef } from '../../webmail/types';

const GET_CHUNK = 5000;
const PUT_CHUNK = 1000;

export function backgroundVerdictCache(bal: string): VerdictCache {
  return {
    async get(refs: MessageRef[]): Promise<CachedVerdict[]> {
      const out: CachedVerdict[] = [];
      for (let i = 0; i < refs.length; i += GET_CHUNK) {
        const chunk = refs.slice(i, i + GET_CHUNK).map((r) => ({ folderId: r.folderId, id: r.id }));
        out.push(...(await send('classify/get', { bal, refs: chunk })).rows);
      }
      return out;
    },
    async ids(): Promise<MessageRef[]> {
      return (await send('classify/ids', { bal })).refs;
    },
    async drop(refs: MessageRef[]): Promise<void> {
      for (let i = 0; i < refs.length; i += GET_CHUNK) await send('classify/drop', { bal, refs: refs.slice(i, i + GET_CHUNK) });
    },
    async put(rows: CachedVerdict[]): Promise<void> {
      for (let i = 0; i < rows.length; i += PUT_CHUNK) {
        await send('classify/put', { bal, rows: rows.slice(i, i + PUT_CHUNK) });
      }
    },
  };
}
