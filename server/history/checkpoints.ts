/**
 * Checkpoints after bursts of editing: a statement whose document moved on since its newest version gets one
 * automatic version once nobody has edited it for `idleMs` (5 minutes), or once a burst has gone on for
 * `maxBurstMs` (30 minutes) without such a pause. Never more than one per burst: a checkpoint covers the
 * document's sequence number, and only a later edit makes the statement due again.
 *
 * It reads storage, not the rooms: `statements.doc_seq` and `updated_at` move with every stored update on every
 * instance, so a statement edited through any instance is seen. The start of a burst is when this process
 * first saw the statement due (within one poll of the first edit).
 */
import { sql } from "kysely";
import type { Services } from "../context";
import { recordVersion } from "./versions";

/** How checkpoints are timed (tests shorten them). */
export interface CheckpointOptions {
  idleMs: number;
  maxBurstMs: number;
  pollMs: number;
}

export const DEFAULT_CHECKPOINTS: CheckpointOptions = { idleMs: 5 * 60_000, maxBurstMs: 30 * 60_000, pollMs: 15_000 };

/** A running checkpointer. */
export interface Checkpoints {
  /** One round now (tests, and the timer). */
  poll(now?: number): Promise<void>;
  stop(): Promise<void>;
}

const running = new WeakMap<Services, Checkpoints>();

/** The checkpointer of a server's services (tests drive its rounds with chosen clocks). */
export function checkpointsOf(services: Services): Checkpoints | undefined {
  return running.get(services);
}

/** Starts polling for statements due a checkpoint. */
export function startCheckpoints(services: Services, options: Partial<CheckpointOptions> = {}): Checkpoints {
  const opts = { ...DEFAULT_CHECKPOINTS, ...options };
  /** Statement id → when its current burst was first seen. */
  const bursts = new Map<string, number>();
  let inFlight: Promise<void> | null = null;
  let stopped = false;

  async function round(now: number): Promise<void> {
    const { rows } = await sql<{ id: string; doc_seq: number; updated_at: number }>`
      select s.id, s.doc_seq, s.updated_at from statements s
      where s.phase = 'drafting'
        and s.doc_seq > coalesce((select max(v.doc_seq) from history_versions v where v.statement_id = s.id), 0)
    `.execute(services.db);
    const due = new Set(rows.map((r) => r.id));
    for (const id of bursts.keys()) if (!due.has(id)) bursts.delete(id);
    for (const r of rows) {
      if (stopped) return;
      const started = bursts.get(r.id) ?? now;
      bursts.set(r.id, started);
      if (now - Number(r.updated_at) < opts.idleMs && now - started < opts.maxBurstMs) continue;
      try {
        // Another instance may have taken this burst's checkpoint since the poll read the statement.
        const newest = await services.db
          .selectFrom("history_versions")
          .select((e) => e.fn.max("doc_seq").as("seq"))
          .where("statement_id", "=", r.id)
          .executeTakeFirst();
        if (Number(newest?.seq ?? 0) < Number(r.doc_seq)) await recordVersion(services, r.id, { kind: "checkpoint" });
        bursts.delete(r.id);
      } catch (err) {
        services.log(`statement ${r.id}: checkpoint failed`, err);
      }
    }
  }

  const poll = (now = Date.now()): Promise<void> => {
    if (stopped) return Promise.resolve();
    inFlight ??= round(now)
      .catch((err) => services.log("history checkpoints: a round failed", err))
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };
  const timer = setInterval(() => void poll(), opts.pollMs);
  timer.unref();
  const checkpoints: Checkpoints = {
    poll,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
      running.delete(services);
    },
  };
  running.set(services, checkpoints);
  return checkpoints;
}
