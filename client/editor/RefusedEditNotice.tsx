/**
 * Shown when the server refused this tab's edits (permission denied: the statement was locked, the role does
 * not allow editing, the update was invalid…). The text on screen has already been rolled back to the
 * server's; this notice says why and hands the user the words that were not saved, as plain text, with a Copy
 * button (the Clipboard API, or a selected textarea to copy by hand where it is unavailable).
 */
import { useEffect, useRef, useState } from "react";
import { PermissionDeniedReason } from "../../shared/protocol";
import { RefusalLabel, RefusalTestId } from "../testids";
import type { Refusal } from "./collaboration";

/** A sentence for a permission-denied reason (`"<code>: <text>"`, or any string the server sends). */
export function refusalMessage(reason: string): string {
  const known: Record<string, string> = {
    [PermissionDeniedReason.finalText]: "the statement was locked and its text can no longer change.",
    [PermissionDeniedReason.readOnlyRole]: "your role on this statement does not allow editing the text.",
  };
  if (known[reason]) return `Your edit was not saved: ${known[reason]}`;
  const colon = reason.indexOf(": ");
  const text = (colon > 0 ? reason.slice(colon + 2) : reason).trim() || "the server refused it";
  return `Your edit was not saved: ${text}${/[.!?]$/.test(text) ? "" : "."}`;
}

/** The notice, or nothing when there is no refusal. */
export function RefusedEditNotice({ refusal, onDismiss }: { refusal: Refusal | null; onDismiss: () => void }) {
  const [copied, setCopied] = useState<"no" | "yes" | "manual">("no");
  const area = useRef<HTMLTextAreaElement>(null);
  useEffect(() => setCopied("no"), [refusal]);
  if (!refusal) return null;
  // Only the typed words when we can tell them apart; the whole local version otherwise (a deletion, say).
  const text = refusal.unsentText || refusal.localText;

  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error("no clipboard");
      await navigator.clipboard.writeText(text);
      setCopied("yes");
    } catch {
      // Without clipboard access (http, permissions), select the text so Ctrl+C / Cmd+C copies it.
      area.current?.focus();
      area.current?.select();
      setCopied("manual");
    }
  };

  return (
    <div className="banner banner-danger refused-edit" role="alert" data-testid={RefusalTestId.notice}>
      <div className="refused-edit-head">
        <strong>{refusalMessage(refusal.reason)}</strong>{" "}
        <span>The text was put back to the version on the server. Copy your text below to keep it.</span>
      </div>
      <label className="refused-edit-label">
        <span>{refusal.unsentText ? RefusalLabel.unsentText : RefusalLabel.localVersion}</span>
        <textarea
          ref={area}
          className="refused-edit-text"
          readOnly
          rows={Math.min(8, Math.max(2, text.split("\n").length))}
          value={text}
          data-testid={RefusalTestId.text}
          onFocus={(e) => e.currentTarget.select()}
        />
      </label>
      <div className="refused-edit-actions">
        <button type="button" className="btn btn-secondary btn-sm" onClick={() => void copy()}>
          {RefusalLabel.copy}
        </button>
        <button type="button" className="btn btn-secondary btn-sm" onClick={onDismiss}>
          {RefusalLabel.dismiss}
        </button>
        <span className="refused-edit-status" aria-live="polite">
          {copied === "yes" ? "Copied." : copied === "manual" ? "Selected: press Ctrl+C (⌘C on a Mac) to copy." : ""}
        </span>
      </div>
    </div>
  );
}
