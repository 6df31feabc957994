// Which proxy a request to the API server goes through, decided like Go's net/http ProxyFromEnvironment
// (golang.org/x/net/http/httpproxy), which kubectl and client-go use.
import { isIP } from 'node:net';

export type ProxyEnv = Record<string, string | undefined>;

/** Uppercase wins over lowercase, as in httpproxy.FromEnvironment (getEnvAny). */
function envAny(env: ProxyEnv, ...names: string[]): string {
  for (const name of names) {
    const value = env[name];
    if (value) return value;
  }
  return '';
}

/** A proxy value without a scheme means http:// (httpproxy's parseProxy). */
function proxyUrl(value: string): string | undefined {
  const trimmed = value.trim();
  if (!trimmed) return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, octet) => (n << 8) + Number(octet), 0) >>> 0;
}

function ipv6ToBigInt(ip: string): bigint {
  let text = ip;
  const dotted = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const v4 = ipv4ToInt(dotted[1]!);
    text = `${text.slice(0, -dotted[1]!.length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((n, g) => (n << 16n) + BigInt(parseInt(g || '0', 16)), 0n);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/') as [string, string];
  const bits = Number(bitsText);
  const family = isIP(base);
  if (family === 0 || family !== isIP(ip) || !Number.isInteger(bits)) return false;
  if (family === 4) {
    if (bits < 0 || bits > 32) return false;
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return ((ipv4ToInt(ip) & mask) >>> 0) === ((ipv4ToInt(base) & mask) >>> 0);
  }
  if (bits < 0 || bits > 128) return false;
  const mask = bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(128 - bits);
  return (ipv6ToBigInt(ip) & mask) === (ipv6ToBigInt(base) & mask);
}

function isLoopback(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return ipv6ToBigInt(host) === 1n;
  return false;
}

/** Splits `host:port`, `[v6]:port`, bare v6 or bare host into host and port. */
function splitHostPort(entry: string): { host: string; port: string } {
  const bracketed = entry.match(/^\[([^\]]+)\](?::(\d+))?$/);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2] ?? '' };
  if (isIP(entry) === 6) return { host: entry, port: '' };
  const colon = entry.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(entry.slice(colon + 1))) return { host: entry.slice(0, colon), port: entry.slice(colon + 1) };
  return { host: entry, port: '' };
}

/**
 * Whether NO_PROXY lets `host:port` bypass the proxy. Entries are comma separated: `*` (nothing is proxied), an IP
 * or CIDR (`10.0.0.0/8`), or a domain, optionally with `:port`. `example.com` matches it and its subdomains;
 * `.example.com` matches subdomains only. Like Go, localhost and loopback addresses are never proxied.
 */
export function bypassesProxy(host: string, port: string, noProxy: string): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (name === 'localhost' || isLoopback(name)) return true;
  const ip = isIP(name) !== 0;
  for (const raw of noProxy.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    if (entry.includes('/')) {
      if (ip && inCidr(name, entry)) return true;
      continue;
    }
    const { host: want, port: wantPort } = splitHostPort(entry);
    if (wantPort && wantPort !== port) continue;
    if (isIP(want) !== 0) {
      if (ip && (want === name || (isIP(want) === 6 && isIP(name) === 6 && ipv6ToBigInt(want) === ipv6ToBigInt(name)))) return true;
      continue;
    }
    if (ip) continue;
    const domain = want.replace(/^\*?\./, '.').replace(/\.$/, '');
    if (domain.startsWith('.')) {
      // ".y.com" matches subdomains only, as in httpproxy (a leading "*." is read the same way).
      if (name.endsWith(domain)) return true;
    } else if (name === domain || name.endsWith(`.${domain}`)) {
      return true;
    }
  }
  return false;
}

/**
 * The proxy URL for requests to `server` taken from the environment, or undefined for a direct connection:
 * HTTPS_PROXY/https_proxy for https servers, HTTP_PROXY/http_proxy for http ones, unless NO_PROXY/no_proxy says
 * otherwise.
 */
export function proxyFromEnvironment(server: string, env: ProxyEnv = process.env): string | undefined {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return undefined;
  }
  const https = url.protocol === 'https:';
  const proxy = proxyUrl(https ? envAny(env, 'HTTPS_PROXY', 'https_proxy') : envAny(env, 'HTTP_PROXY', 'http_proxy'));
  if (!proxy) return undefined;
  const port = url.port || (https ? '443' : '80');
  return bypassesProxy(url.hostname, port, envAny(env, 'NO_PROXY', 'no_proxy')) ? undefined : proxy;
}
