/**
 * Who is on the other end of a request, and over which scheme — believing forwarded headers only from the
 * reverse proxies `TRUST_PROXY` names.
 *
 * Without `TRUST_PROXY`, `X-Forwarded-For` and `X-Forwarded-Proto` are ignored: anyone could send them, and an
 * attacker choosing their own address would escape every per-address limit. With it, the client is the
 * right-most address of `X-Forwarded-For` that is not itself a trusted proxy (each proxy appends the peer it
 * saw, so entries left of that one are whatever the client claimed).
 */
import net from "node:net";
import type { Context } from "hono";

/** Decides which peers are trusted proxies; built once from the config. */
export class ProxyTrust {
  private readonly list = new net.BlockList();
  readonly enabled: boolean;

  constructor(entries: readonly string[]) {
    this.enabled = entries.length > 0;
    for (const entry of entries) {
      const [address, bits] = entry.split("/");
      const type = net.isIP(address) === 6 ? "ipv6" : "ipv4";
      if (bits === undefined) this.list.addAddress(address, type);
      else this.list.addSubnet(address, Number(bits), type);
    }
  }

  /** Whether `address` (as the socket reports it) is one of the trusted proxies. */
  trusts(address: string | undefined): boolean {
    if (!this.enabled || !address) return false;
    const a = normalizeAddress(address);
    const family = net.isIP(a);
    if (family === 0) return false;
    return this.list.check(a, family === 6 ? "ipv6" : "ipv4");
  }
}

/** `::ffff:1.2.3.4` (IPv4 on a dual-stack socket) is `1.2.3.4`. */
export function normalizeAddress(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1] : address;
}

/** The TCP peer of a request on @hono/node-server (also for WebSocket upgrades, whose env carries the request). */
function peerAddress(c: Context): string | undefined {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress;
}

/** The client's address: the peer, or what trusted proxies forwarded. "unknown" when nothing says. */
export function clientAddress(c: Context, trust: ProxyTrust): string {
  const peer = peerAddress(c);
  if (!peer) return "unknown";
  if (!trust.trusts(peer)) return normalizeAddress(peer);
  const forwarded = (c.req.header("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (let i = forwarded.length - 1; i >= 0; i--) {
    const hop = normalizeAddress(forwarded[i]);
    if (net.isIP(hop) === 0) return "unknown-forwarded";
    if (!trust.trusts(hop)) return hop;
  }
  // Every hop is a trusted proxy (or there is no header): the first one is the best we know.
  return forwarded.length > 0 ? normalizeAddress(forwarded[0]) : normalizeAddress(peer);
}

/** Whether the browser reached us over https: the URL's own scheme, or `X-Forwarded-Proto` from a trusted proxy. */
export function isHttps(c: Context, trust: ProxyTrust): boolean {
  if (new URL(c.req.url).protocol === "https:") return true;
  if (!trust.trusts(peerAddress(c))) return false;
  // A chain of proxies may list several schemes; the first is the one the browser used.
  const proto = (c.req.header("x-forwarded-proto") ?? "").split(",")[0].trim().toLowerCase();
  return proto === "https";
}
