/** Loads `GET /api/statements/:id` and keeps it fresh on demand (app events, rights changes). */
import { useCallback, useEffect, useRef, useState } from "react";
import type { StatementDetailDto } from "../../shared/api";
import { ErrorCode } from "../../shared/errors";
import { api, errorMessage, hasErrorCode } from "../api";
import { takePrefetchedDetail } from "./prefetch";

/** The detail's load state. `denied` covers no session, no access and no statement, by the server's code. */
export type DetailState =
  | { status: "loading" }
  | { status: "ready"; detail: StatementDetailDto }
  | { status: "denied"; code: DeniedCode; message: string; hadAccess: boolean }
  | { status: "error"; message: string };

/** Why a statement cannot be shown. */
export type DeniedCode = typeof ErrorCode.unauthorized | typeof ErrorCode.forbidden | typeof ErrorCode.notFound;
const DENIED: DeniedCode[] = [ErrorCode.unauthorized, ErrorCode.forbidden, ErrorCode.notFound];

/** The statement detail plus `reload()`; a reload keeps showing the previous detail while it runs. */
export function useStatementDetail(id: string): { state: DetailState; reload: () => void } {
  const [state, setState] = useState<DetailState>({ status: "loading" });
  const seq = useRef(0);

  const reload = useCallback(() => {
    const mine = ++seq.current;
    // The first load takes the entry point's request if there is one (client/statements/prefetch.ts).
    const load = takePrefetchedDetail(id) ?? api.statement(id);
    load.then(
      (detail) => {
        if (mine === seq.current) setState({ status: "ready", detail });
      },
      (e) => {
        if (mine !== seq.current) return;
        if (hasErrorCode(e, ...DENIED)) {
          const code = e.code as DeniedCode;
          const message = e.message;
          // A 404 after a successful load means the membership (or the statement) went away meanwhile.
          setState((prev) => ({
            status: "denied",
            code,
            message,
            hadAccess: prev.status === "ready" || (prev.status === "denied" && prev.hadAccess),
          }));
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
