import { isIP } from 'node:net';
import type { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import { ErrorCode, SidecarError } from '../../../core/errors.js';
import { safeUrl } from './redact.js';

/** HubProxy is the proxy the hub connection goes through, and where that choice came from. */
export interface HubProxy {
  /** url is the proxy URL, credentials included: never log it, log `display`. */
  readonly url: URL;
  /** display is the proxy URL without its user and password. */
  readonly display: string;
  /** source is `options.proxy` or the environment variable that named it (`HTTPS_PROXY`, `https_proxy`...). */
  readonly source: string;
}

/** envName is the environment variable proxy-from-env reads for `name`: lower case first, as curl does. */
function envName(name: string): string | undefined {
  return [name.toLowerCase(), name.toUpperCase()].find((n) => process.env[n]);
}

/**
 * proxySource names the variable that proxy-from-env took the proxy from (the same order: `<scheme>_proxy`,
 * then `all_proxy`), so that errors and the log can name it.
 */
function proxySource(scheme: string): string | undefined {
  return envName(`${scheme}_proxy`) ?? envName('all_proxy');
}

/**
 * isLoopback tells whether a URL host is this machine: `localhost`, 127.0.0.0/8 or ::1. A proxy elsewhere that
 * is asked for 127.0.0.1 reaches itself, never us.
 */
function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/**
 * resolveHubProxy decides the proxy for the hub URL. `option` is the `proxy` option: a URL is used as is, `""`
 * means none, absent means the environment: `HTTPS_PROXY` for wss://, `HTTP_PROXY` for ws:// (the schemes
 * WebSocket rides on), then `ALL_PROXY`, unless `NO_PROXY` matches the hub (matching by proxy-from-env, the
 * rules curl and most tools share: suffixes, `*`, `host:port`), or the hub is on loopback (as Go's
 * ProxyFromEnvironment does: a development hub on 127.0.0.1 keeps working where a proxy is set for
 * everything). A proxy that is not http:// or https:// is a one-line error naming where it came from, never
 * showing its credentials. It reads `process.env`, as proxy-from-env does.
 */
export function resolveHubProxy(hubUrl: string, option: string | undefined): HubProxy | undefined {
  if (option === '') return undefined;
  if (option !== undefined) return parseProxy(option, 'options.proxy');
  if (isLoopback(new URL(hubUrl).hostname)) return undefined;
  // proxy-from-env looks at `<scheme>_proxy`; a WebSocket URL is an HTTP(S) request first, so ask for that scheme.
  const scheme = hubUrl.startsWith('wss:') ? 'https' : 'http';
  const lookup = scheme + hubUrl.slice(hubUrl.indexOf(':'));
  const found = getProxyForUrl(lookup);
  if (!found) return undefined;
  const source = proxySource(scheme) ?? 'the environment';
  const raw = process.env[source] ?? found;
  // Without a scheme proxy-from-env prefixes the request's one (https://); curl, git and pip read such a proxy
  // as http://, which is what corporate proxies on port 3128 or 8080 speak.
  return parseProxy(raw.includes('://') ? raw : `http://${raw}`, source);
}

/** parseProxy checks a proxy URL; `source` names the option or variable in the error. */
function parseProxy(value: string, source: string): HubProxy {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SidecarError(ErrorCode.PLUGIN_OPTIONS_INVALID, `${source}: not a URL (expected e.g. "http://proxy:3128")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SidecarError(
      ErrorCode.PLUGIN_OPTIONS_INVALID,
      `${source}: a ${url.protocol.slice(0, -1)}:// proxy is not supported; the hub connection needs an http:// or https:// (CONNECT) proxy` +
        (source === 'options.proxy' ? '' : ', or set the websocket option proxy ("" for none) or NO_PROXY'),
    );
  }
  return { url, display: safeUrl(url.href), source };
}

/** ProxyAgent is the agent the WebSocket connects through, and what the proxy last answered to CONNECT. */
export interface ProxyAgent {
  readonly agent: HttpsProxyAgent<string>;
  /** connectStatus is the HTTP status of the proxy's answer to the last CONNECT; undefined until it answers. */
  connectStatus(): number | undefined;
}

/**
 * createProxyAgent makes the CONNECT tunnel agent (https-proxy-agent). `ca` is also trusted for an https://
 * proxy: a corporate proxy with TLS is usually signed by the same private CA as the hub. The library is
 * imported only here, so a sidecar without a proxy does not load it (and its dependencies) at start-up.
 */
export async function createProxyAgent(proxy: HubProxy, ca: Buffer | undefined): Promise<ProxyAgent> {
  const { HttpsProxyAgent } = await import('https-proxy-agent');
  const agent = new HttpsProxyAgent(proxy.url.href, ca ? { ca } : {});
  let status: number | undefined;
  // The tunnel's answer is seen only here: a refused CONNECT reaches ws as "Unexpected server response: 407",
  // which without this would read as the hub's answer.
  agent.on('proxyConnect', (res: { statusCode: number }) => (status = res.statusCode));
  // Forget the last answer when a new tunnel starts: an error before the proxy answers (TLS to an https://
  // proxy, say) is the proxy's, whatever it answered the connection before.
  const connect = agent.connect.bind(agent);
  agent.connect = (req, opts) => {
    status = undefined;
    return connect(req, opts);
  };
  return { agent, connectStatus: () => status };
}
