/**
 * The banner of a locked statement: "Final", when and by whom, and the SHA-256 of the final text (what
 * `sha256sum` prints for the exported file). Shown by the editor page while the phase is `final`.
 */
import { useEffect, useState } from "react";
import type { FinalVersionDto } from "../../shared/signoff";
import { api, errorMessage } from "../api";
import { absoluteTime } from "../ui/format";
import { Link } from "../app/router";
import { SignoffTestId } from "./testids";
import "./signoff.css";
import { plural } from "../../shared/plural";

/** Loads and shows the final version of `statementId`. */
export function FinalBanner({ statementId, canPublish = false }: { statementId: string; canPublish?: boolean }) {
  const [final, setFinal] = useState<FinalVersionDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.final(statementId).then(
      (r) => live && setFinal(r.final),
      (err) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [statementId]);

  return (
    <div
      className="banner banner-final final-banner"
      role="status"
      data-testid={SignoffTestId.finalBanner}
      data-hash={final?.hash ?? ""}
    >
      <strong>Final</strong>
      {final ? (
        <span>
          Locked {absoluteTime(final.createdAt)}
          {final.createdByName ? ` by ${final.createdByName}` : ""} ·{" "}
          {plural(final.signatories.length, "signatory", "signatories")} · SHA-256{" "}
          <code className="hash final-hash" data-testid={SignoffTestId.finalHash}>
            {final.hash}
          </code>
        </span>
      ) : (
        <span>{error ?? "Loading the final version…"}</span>
      )}
      {canPublish && (
        <Link to={`/s/${statementId}/publication`} className="btn btn-secondary btn-sm">
          Publication and sign-on
        </Link>
      )}
    </div>
  );
}
