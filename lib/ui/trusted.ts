/**
 * Destructive and safety controls act only on events the user made. A webmail page's own scripts can dispatch
 * events (`el.click()`, `dispatchEvent`), which the browser marks `isTrusted: false`; a real click, a key press
 * on a focused control, and automation through the browser's input layer (puppeteer's mouse and keyboard) are
 * trusted. An untrusted event is stopped and its default action (toggling a checkbox) cancelled.
 */
export function trusted<E extends Event>(handler: (e: E) => void): (e: E) => void {
  return (e: E) => {
    if (!e.isTrusted) {
      e.preventDefault();
      e.stopImmediatePropagation();
      return;
    }
    handler(e);
  };
}

/** For a checkbox's onClick: lets a trusted click toggle it, cancels an untrusted one. */
export const onlyTrusted = trusted<Event>(() => undefined);
