/** The environment is read once and a bad value stops the start with a clear message. */
import { describe, expect, it } from "vitest";
import { loadConfig } from "./config";

describe("loadConfig", () => {
  it("reads TRUST_PROXY, MAX_BODY_BYTES and MAX_CONNECTIONS_PER_USER, with safe defaults", () => {
    const d = loadConfig({});
    expect(d.trustProxy).toEqual([]);
    expect(d.maxBodyBytes).toBe(256 * 1024);
    expect(d.maxConnectionsPerUser).toBe(20);
    const c = loadConfig({ TRUST_PROXY: "127.0.0.1, ::1,10.0.0.0/8", MAX_BODY_BYTES: "100000", MAX_CONNECTIONS_PER_USER: "5" });
    expect(c.trustProxy).toEqual(["127.0.0.1", "::1", "10.0.0.0/8"]);
    expect(c.maxBodyBytes).toBe(100000);
    expect(c.maxConnectionsPerUser).toBe(5);
  });

  it("refuses a TRUST_PROXY that is not addresses or CIDR ranges", () => {
    for (const bad of ["*", "true", "proxy.local", "10.0.0.0/33", "1.2.3.4/x"]) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
    }
  });
});
