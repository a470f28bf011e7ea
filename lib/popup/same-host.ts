/** Same scheme and host name: a registered origin covers every port of its host (match patterns ignore ports). */
export function sameHostOrigin(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.protocol === y.protocol && x.hostname === y.hostname;
  } catch {
    return false;
  }
}
