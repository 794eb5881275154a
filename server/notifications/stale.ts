/**
 * "A position of mine went stale": the sign-off code judges a position stale when it reads it (the clause's
 * hash now differs from the one the position was given on), so nothing happens at the moment a clause changes.
 * This watcher makes that moment: every `intervalMs` one query reads the document sequence number of each
 * statement in drafting that has positions; for a statement whose document moved on since the last round it
 * compares each current position's clause hash with the live clause (`liveText`, cached per document state) and
 * tells the position's author once per position (`stale:<position id>`; every instance may run it, the dedupe
 * key makes it land once). A statement seen for the first time is checked for positions given since this process
 * started only: one that was stale before it started is not news.
 */
import type { Services } from "../context";
import { liveText } from "../signoff/decisions";
import { notify } from "./store";

/** Watches for positions that become stale; `stop()` ends it. */
export class StaleWatcher {
  private readonly seen = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private current: Promise<void> | null = null;
  private readonly startedAt = Date.now();

  constructor(
    private readonly services: Services,
    intervalMs = 2000,
  ) {
    this.timer = setInterval(() => void this.round(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One round, after the one under way if any (tests call it rather than wait for the timer). */
  async round(): Promise<void> {
    while (this.current) await this.current;
    this.current = this.compare();
    try {
      await this.current;
    } finally {
      this.current = null;
    }
  }

  private async compare(): Promise<void> {
    try {
      const rows = await this.services.db
        .selectFrom("statements")
        .select(["id", "doc_seq"])
        .where("phase", "=", "drafting")
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom("clause_positions")
              .select("clause_positions.id")
              .whereRef("clause_positions.statement_id", "=", "statements.id"),
          ),
        )
        .execute();
      for (const r of rows) {
        const seq = Number(r.doc_seq);
        const before = this.seen.get(r.id);
        this.seen.set(r.id, seq);
        if (before === seq) continue;
        await this.check(r.id, before === undefined ? this.startedAt : 0).catch((err) =>
          this.services.log(`notifications: stale check of ${r.id} failed`, err),
        );
      }
    } catch (err) {
      this.services.log("notifications: the stale-position round failed", err);
    }
  }

  /** Tells the authors of current positions (given at or after `since`) whose clause changed. */
  private async check(statementId: string, since: number): Promise<void> {
    const { clauses } = await liveText(this.services, statementId);
    const hashes = new Map(clauses.map((c) => [c.clauseId, c.hash]));
    const rows = await this.services.db
      .selectFrom("clause_positions")
      .select(["id", "clause_id", "organization_id", "clause_hash", "user_id", "at"])
      .where("statement_id", "=", statementId)
      .orderBy("id", "asc")
      .execute();
    const members = await this.services.db
      .selectFrom("members")
      .select("user_id")
      .where("statement_id", "=", statementId)
      .execute();
    const isMember = new Set(members.map((m) => m.user_id));
    // The newest row per clause and organization is the position in force.
    const current = new Map<string, (typeof rows)[number]>();
    for (const r of rows) current.set(`${r.clause_id}\u0000${r.organization_id}`, r);
    for (const p of current.values()) {
      const now = hashes.get(p.clause_id);
      // A removed clause is not "changed": there is nothing left to review.
      if (now === undefined || now === p.clause_hash || !isMember.has(p.user_id) || Number(p.at) < since) continue;
      await notify(this.services, [p.user_id], {
        kind: "position.stale",
        statementId,
        clauseId: p.clause_id,
        dedupeKey: `stale:${Number(p.id)}`,
      });
    }
  }
}
