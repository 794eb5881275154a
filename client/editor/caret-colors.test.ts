/**
 * Distinct caret colours through a real server and real y-websocket clients: three people whose preferred
 * colour is the same join one statement at the same moment and settle on three distinct colours, every client
 * seeing the same ones; a fourth with that colour changes nobody's; a colour outside the palette is replaced by
 * the server's. Also the rule itself (`caretColorFor`) and the palette's contrast on the paper.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../server/server";
import { connectProvider, eventually, signUp, startTestServer, synced } from "../../server/testing/harness";
import { PALETTE, caretColorFor, colorForUser } from "../../shared/colors";
import { contrastRatio } from "../ui/contrast";
import { keepCaretColorDistinct } from "./caret-colors";

type Client = ReturnType<typeof connectProvider>;

/** Each client's view: user id → colour, for every state it holds. */
function view(c: Client): Map<string, string> {
  const m = new Map<string, string>();
  for (const s of c.provider.awareness.getStates().values()) {
    const u = (s as { user?: { id: string; color: string } }).user;
    if (u) m.set(u.id, u.color);
  }
  return m;
}

describe("caret colours", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ clientDir: "" });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("every palette colour has at least 4.5:1 contrast on the white paper", () => {
    for (const c of PALETTE) expect(contrastRatio(c, "#ffffff"), c).toBeGreaterThanOrEqual(4.5);
    expect(new Set(PALETTE).size).toBe(PALETTE.length);
  });

  it("keeps an uncontested colour, yields a contested one to the earlier claim, picks the least used", () => {
    const me = { clientId: 5, userId: "u-me", color: PALETTE[0], since: 200 };
    expect(caretColorFor(me, [{ clientId: 1, userId: "u-a", color: PALETTE[1], since: 100 }])).toBe(PALETTE[0]);
    // A later claim of my colour does not move me; an earlier one does, to a colour nobody has.
    expect(caretColorFor(me, [{ clientId: 1, userId: "u-a", color: PALETTE[0], since: 300 }])).toBe(PALETTE[0]);
    const moved = caretColorFor(me, [
      { clientId: 1, userId: "u-a", color: PALETTE[0], since: 100 },
      { clientId: 2, userId: "u-b", color: PALETTE[3], since: 150 },
    ]);
    expect([PALETTE[0], PALETTE[3]]).not.toContain(moved);
    // My own other tab is not another person.
    expect(caretColorFor(me, [{ clientId: 1, userId: "u-me", color: PALETTE[0], since: 1 }])).toBe(PALETTE[0]);
  });

  it("three people with the same preferred colour, joining at the same moment, get three distinct colours", async () => {
    const convener = await signUp(server.url, "Convener");
    const { statement } = await convener.api.createStatement({ title: "Colours" });
    // Sign people up until three share a preferred colour (the collision this is about).
    const byColor = new Map<string, Awaited<ReturnType<typeof signUp>>[]>();
    let trio: Awaited<ReturnType<typeof signUp>>[] = [];
    for (let i = 0; trio.length < 4 && i < 200; i++) {
      const u = await signUp(server.url, `Person ${i}`);
      const list = byColor.get(colorForUser(u.userId)) ?? [];
      list.push(u);
      byColor.set(colorForUser(u.userId), list);
      if (list.length === 4) trio = list;
    }
    expect(trio).toHaveLength(4);
    for (const u of trio) await convener.api.addMember(statement.id, { email: u.email, role: "drafter" });
    const [first, second, third, late] = trio;

    const clients = [first, second, third].map((u) => connectProvider(server.url, statement.id, u));
    const stops: Array<() => void> = [];
    try {
      // The same moment: each sets its user (preferred colour) and starts resolving before seeing the others.
      clients.forEach((c, i) => {
        const u = [first, second, third][i];
        c.provider.awareness.setLocalStateField("user", { id: u.userId, name: `P${i}`, color: colorForUser(u.userId) });
        stops.push(keepCaretColorDistinct(c.provider.awareness));
      });
      await Promise.all(clients.map((c) => synced(c.provider)));
      const ids = [first, second, third].map((u) => u.userId);
      const settled = () => {
        const views = clients.map(view);
        const colors = ids.map((id) => views[0].get(id));
        return (
          colors.every(Boolean) &&
          new Set(colors).size === 3 &&
          views.every((v) => ids.every((id, k) => v.get(id) === colors[k]))
        );
      };
      await eventually(settled, 8000, "three distinct colours, the same on every client");
      const colors = ids.map((id) => view(clients[0]).get(id));

      // A fourth person with the same preferred colour: the three keep theirs, the newcomer gets a fourth.
      const c4 = connectProvider(server.url, statement.id, late);
      clients.push(c4);
      c4.provider.awareness.setLocalStateField("user", {
        id: late.userId,
        name: "P3",
        color: colorForUser(late.userId),
      });
      stops.push(keepCaretColorDistinct(c4.provider.awareness));
      await synced(c4.provider);
      await eventually(
        () => {
          const v = view(clients[0]);
          const c = v.get(late.userId);
          return !!c && !colors.includes(c) && view(c4).get(late.userId) === c;
        },
        8000,
        "the newcomer's own colour",
      );
      expect(ids.map((id) => view(clients[0]).get(id))).toEqual(colors);

      // A colour outside the palette is not relayed: the others see the server's colour for that person.
      stops.pop()!();
      c4.provider.awareness.setLocalStateField("user", { id: late.userId, name: "P3", color: "#ffff00" });
      await eventually(
        () => view(clients[0]).get(late.userId) === colorForUser(late.userId),
        5000,
        "the server's colour instead of #ffff00",
      );
    } finally {
      for (const s of stops) s();
      for (const c of clients) c.destroy();
    }
  });
});
