/**
 * The amendments (suggested wording) of one open statement, shared by the text preview (client/amendments/
 * preview.ts) and the cards in the Comments panel. Loaded from the API and kept live by `amendments.changed`
 * app events, which carry the proposal as it now is (no refetch); refetched whole after a reconnect, when events
 * may have been missed, and after a lock or unlock (the server closes undecided proposals then).
 */
import type * as Y from "yjs";
import type { WebsocketProvider } from "y-websocket";
import type { AppEvent } from "../../shared/protocol";
import type { AmendmentDecisionRequest, AmendmentDto, AmendmentCreateRequest } from "../../shared/amendments/schemas";
import { api, errorMessage } from "../api";
import { SnapshotStore, onReconnect, storePerDocument, upsertById } from "../ui/snapshot-store";

/** What the amendments UI renders from. */
export interface AmendmentsSnapshot {
  status: "loading" | "ready" | "error";
  error: string | null;
  amendments: AmendmentDto[];
}

/** See the module comment. One per Y.Doc (see {@link amendmentStoreFor}). */
export class AmendmentStore extends SnapshotStore<AmendmentsSnapshot> {
  private readonly disposers: Array<() => void> = [];
  private loadSeq = 0;

  constructor(
    readonly statementId: string,
    onAppEvent: (listener: (event: AppEvent) => void) => () => void,
    provider: WebsocketProvider,
  ) {
    super({ status: "loading", error: null, amendments: [] });
    this.disposers.push(
      onAppEvent((event) => {
        if (event.type === "amendments.changed" && event.statementId === statementId) this.upsert(event.amendment);
        if (event.type === "locked" || event.type === "unlocked") void this.load();
      }),
    );
    this.disposers.push(onReconnect(provider, () => void this.load()));
    void this.load();
  }

  /** Replaces (or adds) one proposal as the server sent it. */
  private upsert(amendment: AmendmentDto): void {
    this.set({ amendments: upsertById(this.snapshot.amendments, amendment) });
  }

  async load(): Promise<void> {
    const seq = ++this.loadSeq;
    try {
      const { amendments } = await api.amendments(this.statementId);
      if (seq === this.loadSeq) this.set({ amendments, status: "ready", error: null });
    } catch (err) {
      if (seq === this.loadSeq)
        this.set({ status: this.snapshot.amendments.length ? "ready" : "error", error: errorMessage(err) });
    }
  }

  async propose(request: AmendmentCreateRequest): Promise<AmendmentDto> {
    const { amendment } = await api.proposeAmendment(this.statementId, request);
    this.upsert(amendment);
    return amendment;
  }

  async decide(id: string, decision: AmendmentDecisionRequest): Promise<void> {
    try {
      const { amendment } = await api.decideAmendment(id, decision);
      this.upsert(amendment);
    } catch (err) {
      // Someone else decided first, or the words changed: show the proposal as it now is, then the refusal.
      await this.load();
      throw err;
    }
  }

  dispose(): void {
    for (const d of this.disposers.splice(0)) d();
    this.forgetSubscribers();
  }
}

/** The store of the statement open in `ydoc`, created on first use and disposed with the document. */
export const amendmentStoreFor = storePerDocument(
  (ctx: {
    statementId: string;
    ydoc: Y.Doc;
    provider: WebsocketProvider;
    onAppEvent: (listener: (event: AppEvent) => void) => () => void;
  }) => new AmendmentStore(ctx.statementId, ctx.onAppEvent, ctx.provider),
);
