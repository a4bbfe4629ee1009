/**
 * proxy-from-env (2.x) ships no type declarations, and @types/proxy-from-env describes 1.x; this is the one
 * function the websocket transport uses.
 */
declare module 'proxy-from-env' {
  /** getProxyForUrl is the proxy URL for `url` from `<scheme>_proxy` / `all_proxy` and `no_proxy` in process.env, or "". */
  export function getProxyForUrl(url: string | URL): string;
}
