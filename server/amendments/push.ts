/** Pushes a proposal as it now is to the statement's connected members (`amendments.changed`). */
import type { Services } from "../context";
import { listAmendments } from "./store";

/** Reads the proposal and pushes it; does nothing for an unknown one. */
export async function pushAmendment(services: Services, statementId: string, id: string): Promise<void> {
  const [amendment] = await listAmendments(services.db, statementId, [id]);
  if (amendment) services.events.app(statementId, { type: "amendments.changed", statementId, amendment });
}
