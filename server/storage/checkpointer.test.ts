import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { openStorage } from "./database";
import { tempDataDir, eventually } from "../testing/harness";

describe("WAL checkpointer", () => {
  it("copies committed pages into the database file from its worker while the main connection never checkpoints", async () => {
    const dir = tempDataDir();
    const storage = await openStorage(dir);
    expect(storage.sqlite!.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
    const file = path.join(dir, "concord.db");
    const before = fs.statSync(file).size;
    const insert = storage.sqlite!.prepare(
      "INSERT INTO audit_log (statement_id, actor_id, action, detail, hash, at) VALUES (NULL, NULL, 'x', ?, NULL, 0)",
    );
    const blob = "y".repeat(4000);
    storage.sqlite!.transaction(() => {
      for (let i = 0; i < 500; i++) insert.run(blob);
    })();
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(1_000_000);
    await eventually(
      () => fs.statSync(file).size > before + 1_000_000,
      10_000,
      "pages checkpointed into the database file",
    );
    await storage.close();
    // The final checkpoint truncates the WAL.
    expect(fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0).toBe(0);
  });
});
