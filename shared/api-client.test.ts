import { describe, expect, it } from "vitest";
import { ApiRequestError, apiClient, hasErrorCode, pathOf } from "./api-client";
import type { Fetcher } from "./api-client";
import { ApiRoutes } from "./api-routes";
import { ErrorCode } from "./errors";

/** A fetcher that records each request and answers with `reply`. */
function recording(reply: () => Response) {
  const sent: Array<{ path: string; method: string; body: unknown }> = [];
  const fetcher: Fetcher = async (path, init) => {
    sent.push({
      path,
      method: String(init.method),
      body: init.body === undefined ? undefined : JSON.parse(String(init.body)),
    });
    return reply();
  };
  return { sent, api: apiClient(fetcher) };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

describe("the typed API client", () => {
  it("fills path parameters in order, encoded, and sends the body", async () => {
    const { sent, api } = recording(() => json({ version: { id: 3 } }));
    await api.version("st/1", 3);
    await api.addMember("a b", { email: "x@example.org", role: "reviewer" });
    expect(sent).toEqual([
      { path: "/api/statements/st%2F1/versions/3", method: "GET", body: undefined },
      { path: "/api/statements/a%20b/members", method: "POST", body: { email: "x@example.org", role: "reviewer" } },
    ]);
    expect(pathOf(ApiRoutes.auditCsv, "s1")).toBe("/api/statements/s1/audit.csv");
  });

  it("sends {} on a POST without a body schema, nothing on a DELETE", async () => {
    const { sent, api } = recording(() => json({ ok: true }));
    await api.logout();
    await api.deleteComment("c1");
    expect(sent.map((s) => s.body)).toEqual([{}, undefined]);
  });

  it("throws the server's code, message, details and Retry-After", async () => {
    const details = { currentHash: "h", diff: [] };
    const { api } = recording(() =>
      json({ error: { code: "text_changed", message: "It changed.", details } }, 409, { "Retry-After": "7" }),
    );
    const err = await api.sign("s1", { organizationId: "o1", documentHash: "a".repeat(64) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiRequestError);
    expect(hasErrorCode(err, ErrorCode.textChanged)).toBe(true);
    expect(err).toMatchObject({ status: 409, message: "It changed.", details, retryAfter: 7 });
  });

  it("reads no code from an answer that is not ours", async () => {
    const { api } = recording(
      () => new Response("<html>Bad gateway</html>", { status: 502, statusText: "Bad Gateway" }),
    );
    const err = await api.me().catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502, code: null, message: "Bad Gateway" });
    const odd = recording(() => json({ error: { code: "made_up", message: "?" } }, 400));
    expect(await odd.api.me().catch((e: unknown) => (e as ApiRequestError).code)).toBeNull();
  });

  it("gives a file route's raw Response", async () => {
    const { api } = recording(() => new Response("# Title\n", { headers: { "X-Content-SHA256": "abc" } }));
    const res = await api.exportMarkdown("s1");
    expect(await res.text()).toBe("# Title\n");
    expect(res.headers.get("X-Content-SHA256")).toBe("abc");
  });
});
