/** Loads `GET /api/statements/:id` and keeps it fresh on demand (app events, rights changes). */
import { useCallback, useEffect, useRef, useState } from "react";
import type { StatementDetailDto } from "../../shared/api";
import { api, ApiRequestError, errorMessage } from "../api";

/** The detail's load state. `denied` covers 401/403/404 (no account, no access, no statement). */
export type DetailState =
  | { status: "loading" }
  | { status: "ready"; detail: StatementDetailDto }
  | { status: "denied"; httpStatus: 401 | 403 | 404; message: string; hadAccess: boolean }
  | { status: "error"; message: string };

/** The statement detail plus `reload()`; a reload keeps showing the previous detail while it runs. */
export function useStatementDetail(id: string): { state: DetailState; reload: () => void } {
  const [state, setState] = useState<DetailState>({ status: "loading" });
  const seq = useRef(0);

  const reload = useCallback(() => {
    const mine = ++seq.current;
    api.statement(id).then(
      (detail) => {
        if (mine === seq.current) setState({ status: "ready", detail });
      },
      (e) => {
        if (mine !== seq.current) return;
        if (e instanceof ApiRequestError && (e.status === 401 || e.status === 403 || e.status === 404)) {
          const status = e.status;
          const message = e.message;
          // A 404 after a successful load means the membership (or the statement) went away meanwhile.
          setState((prev) => ({ status: "denied", httpStatus: status, message, hadAccess: prev.status === "ready" || (prev.status === "denied" && prev.hadAccess) }));
        } else {
          // Keep the last good detail on a transient failure.
          setState((prev) => (prev.status === "ready" ? prev : { status: "error", message: errorMessage(e) }));
        }
      },
    );
  }, [id]);

  useEffect(() => {
    setState({ status: "loading" });
    reload();
  }, [reload]);

  return { state, reload };
}
