/**
 * The one loader of the on-demand parts (./names.ts): the detected webmail's adapter with the features, the cleanup
 * panel, the quota meter's export.
 *
 * A part is loaded with import() from the content script's own world: the module runs in that isolated world
 * (Chromium) / sandbox (Firefox), shares its globals and can use the adapter's objects, streams and bytes directly.
 * (A script injected by the background with scripting.executeScript lands in another sandbox in Firefox, where the
 * adapter's streams and typed arrays are out of reach: tried, and refused with "Permission denied".)
 * A part hands its API over with providePart() through a global that only Balise's own scripts in that world can
 * see (the page cannot). Each part is its own bundle: a part loading another shares nothing but that global.
 */
import { browser } from 'wxt/browser';
import type { PartName } from './names';

export type { PartName } from './names';

const keyOf = (name: PartName) => `__balise_part_${name}__`;
const globals = globalThis as unknown as Record<string, unknown>;
const loading = new Map<PartName, Promise<unknown>>();

/** Run by a part's entry script: hand its API to the content script (once). */
export function providePart<T>(name: PartName, api: T): void {
  globals[keyOf(name)] ??= api;
}

/** The part's API if it is already loaded, without loading it. */
export function peekPart<T>(name: PartName): T | undefined {
  return globals[keyOf(name)] as T | undefined;
}

/** The part's API, loading its script once. A failed load is forgotten, so the next call tries again. */
export function loadPart<T>(name: PartName): Promise<T> {
  const ready = peekPart<T>(name);
  if (ready) return Promise.resolve(ready);
  let p = loading.get(name);
  if (!p) {
    p = import(/* @vite-ignore */ browser.runtime.getURL(`/${name}.js` as '/')).then(
      () => {
        const api = peekPart<T>(name);
        if (!api) throw new Error(`Balise part ${name} did not load`);
        return api;
      },
      (e: unknown) => {
        loading.delete(name);
        throw e;
      },
    );
    loading.set(name, p);
  }
  return p as Promise<T>;
}
