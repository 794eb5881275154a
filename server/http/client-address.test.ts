/** Who the client is, as a request through (or around) reverse proxies shows it. */
import { describe, expect, it } from "vitest";
import { Hono } from "hono";
import { ProxyTrust, clientAddress, isHttps } from "./client-address";

/** Runs one request through a tiny app whose peer address is `peer`, returning what the helpers make of it. */
async function probe(trust: string[], peer: string, headers: Record<string, string> = {}) {
  const app = new Hono();
  const t = new ProxyTrust(trust);
  app.get("/", (c) => c.json({ address: clientAddress(c, t), https: isHttps(c, t) }));
  const res = await app.request("/", { headers }, { incoming: { socket: { remoteAddress: peer } } });
  return (await res.json()) as { address: string; https: boolean };
}

describe("clientAddress / isHttps", () => {
  it("without TRUST_PROXY: the peer, whatever the headers claim", async () => {
    expect(
      await probe([], "::ffff:192.0.2.7", { "x-forwarded-for": "10.0.0.1", "x-forwarded-proto": "https" }),
    ).toEqual({ address: "192.0.2.7", https: false });
  });

  it("a peer that is not a trusted proxy is the client, even when TRUST_PROXY is set", async () => {
    expect(
      await probe(["10.0.0.0/8"], "192.0.2.7", { "x-forwarded-for": "1.2.3.4", "x-forwarded-proto": "https" }),
    ).toEqual({ address: "192.0.2.7", https: false });
  });

  it("behind trusted proxies: the right-most hop that is not one of them; the first scheme", async () => {
    const trust = ["10.0.0.0/8", "127.0.0.1", "::1"];
    expect(
      await probe(trust, "127.0.0.1", {
        "x-forwarded-for": "6.6.6.6, 198.51.100.4, 10.1.2.3",
        "x-forwarded-proto": "https, http",
      }),
    ).toEqual({
      address: "198.51.100.4",
      https: true,
    });
    expect(await probe(trust, "::1", { "x-forwarded-for": "2001:db8::1" })).toEqual({
      address: "2001:db8::1",
      https: false,
    });
    // No header at all: the proxy itself is all we know.
    expect((await probe(trust, "127.0.0.1")).address).toBe("127.0.0.1");
    // Garbage in the chain is not an address anyone can choose freely.
    expect((await probe(trust, "127.0.0.1", { "x-forwarded-for": "1.2.3.4, not-an-ip" })).address).toBe(
      "unknown-forwarded",
    );
  });
});
