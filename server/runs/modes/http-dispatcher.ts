import { socksDispatcher } from "fetch-socks";
import { Agent, type Dispatcher, ProxyAgent } from "undici";

type SocksProxy = Exclude<Parameters<typeof socksDispatcher>[0], readonly unknown[]>;

/** A URL for logs: any password replaced by ***, so proxy and target credentials never reach run output. */
export function maskUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = "***";
    return url.href;
  } catch {
    return raw;
  }
}

let shared: Agent | undefined;

/**
 * The keep-alive pool runs without a proxy share. Aborting a run aborts its request (and closes
 * that socket); idle sockets close by themselves after undici's keep-alive timeout (4 s, or the
 * server's own hint).
 */
export function sharedDispatcher(): Dispatcher {
  shared ??= new Agent();
  return shared;
}

/**
 * The dispatcher for one run through a proxy: its own connection pool, so the run can close every socket it
 * opened (keep-alive connections included) when it ends, whatever the outcome.
 */
export function createDispatcher(proxy: string): Dispatcher {
  const url = new URL(proxy);
  switch (url.protocol) {
    case "http:":
    case "https:":
      // proxyTunnel false: plain http:// targets go as absolute-URI requests, as curl does; https://
      // targets still tunnel through CONNECT.
      return new ProxyAgent({ uri: proxy, proxyTunnel: false });
    case "socks4:":
    case "socks4h:":
      return socksDispatcher(socksProxy(url, 4));
    case "socks:":
    case "socks5:":
    case "socks5h:":
      // The socks client hands host names to the proxy to resolve, so socks5:// already behaves
      // like socks5h:// (and socks4:// like socks4a).
      return socksDispatcher(socksProxy(url, 5));
    default:
      throw new Error(`unsupported proxy scheme ${url.protocol}`);
  }
}

function socksProxy(url: URL, type: 4 | 5): SocksProxy {
  const proxy: SocksProxy = {
    // IPv6 literals arrive bracketed in URL.hostname.
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port ? Number(url.port) : 1080,
    type,
  };
  if (url.username) proxy.userId = decodeURIComponent(url.username);
  if (url.password) proxy.password = decodeURIComponent(url.password);
  return proxy;
}
