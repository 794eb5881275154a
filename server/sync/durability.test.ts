import { afterEach, describe, expect, it } from "vitest";
import { ApiClient, connectProvider, eventually, spawnServer, synced, tempDataDir } from "../testing/harness";
import type { ServerProcess } from "../testing/harness";
import { appendParagraph, plainText, typeInto } from "../testing/docs";

/**
 * The invariant: any edit that a collaborator has seen survives a kill -9 of the server. A writer types
 * continuously; the server process is killed with SIGKILL mid-stream; a restarted server (same data dir)
 * must hold every token the reader had received.
 */
describe("durability", () => {
  const started: ServerProcess[] = [];
  afterEach(async () => {
    for (const s of started.splice(0)) await s.stop("SIGKILL");
  });

  it("every update another client received survives kill -9 and restart", async () => {
    const dataDir = tempDataDir();
    const s1 = await spawnServer(dataDir);
    started.push(s1);
    const convener = new ApiClient(s1.url);
    const email = `writer.${Date.now()}@example.org`;
    expect(
      (await convener.post("/api/auth/signup", { email, password: "correct horse battery", name: "Writer" })).status,
    ).toBe(201);
    const statementId: string = (await convener.post("/api/statements", { title: "Durable" })).json.statement.id;
    const reader = new ApiClient(s1.url);
    const readerEmail = `reader.${Date.now()}@example.org`;
    await reader.post("/api/auth/signup", { email: readerEmail, password: "correct horse battery", name: "Reader" });
    await convener.post(`/api/statements/${statementId}/members`, { email: readerEmail, role: "observer" });

    const w = connectProvider(s1.url, statementId, convener);
    const r = connectProvider(s1.url, statementId, reader);
    await Promise.all([synced(w.provider), synced(r.provider)]);
    appendParagraph(w.doc, "");

    // Type for a while, in bursts, then kill the server without warning while typing goes on.
    let i = 0;
    const typing = setInterval(() => {
      for (let k = 0; k < 5; k++) typeInto(w.doc, 0, 0, `t${i++} `);
    }, 5);
    await eventually(() => plainText(r.doc).includes("t300 "), 15_000, "reader receiving");
    s1.child.kill("SIGKILL");
    await new Promise((res) => s1.child.once("exit", res));
    clearInterval(typing);

    const seen = plainText(r.doc)
      .split(" ")
      .filter((t) => /^t\d+$/.test(t));
    expect(seen.length).toBeGreaterThan(300);
    w.destroy();
    r.destroy();

    const s2 = await spawnServer(dataDir);
    started.push(s2);
    const again = new ApiClient(s2.url);
    await again.post("/api/auth/login", { email, password: "correct horse battery" });
    const fresh = connectProvider(s2.url, statementId, again);
    await synced(fresh.provider);
    const survived = new Set(plainText(fresh.doc).split(" "));
    const lost = seen.filter((t) => !survived.has(t));
    expect(lost).toEqual([]);
    fresh.destroy();
  }, 60_000);
});
