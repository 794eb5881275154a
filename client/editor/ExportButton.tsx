/**
 * "Export": a popover with the SHA-256 of the text as it is now (recomputed from the live document while the
 * popover is open, so it never shows the hash of an older text) and the three exports: the canonical Markdown
 * (the file the hash covers, checked against the server's `X-Content-SHA256`), a Word file, and a print-ready
 * page for the browser's "Save as PDF". Escape and a press outside close it; Escape returns focus to the button.
 * It is placed beside the side panel, never over its tabs.
 */
import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState } from "react";
import type * as Y from "yjs";
import { api, errorMessage, exportMarkdown } from "../api";
import { canonicalMarkdownOfDoc, sha256Hex } from "../../shared/canonical";
import { Spinner } from "../ui/Spinner";
import { TestId } from "../testids";
import { useDismiss } from "../import/popover";
import { TextIoLabel, TextIoTestId } from "../import/testids";
import "./export.css";

type Job =
  | { status: "idle" }
  | { status: "busy"; kind: "md" | "docx" }
  | { status: "done"; message: string; warning: boolean }
  | { status: "error"; message: string };

function download(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function fileNameOf(res: Response, fallback: string): string {
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(res.headers.get("Content-Disposition") ?? "");
  return match ? decodeURIComponent(match[1]) : fallback;
}

/** The hash of the live document, recomputed (debounced) on every change while `active`. */
function useLiveHash(ydoc: Y.Doc | null, active: boolean): string | null {
  const [hash, setHash] = useState<string | null>(null);
  useEffect(() => {
    if (!ydoc || !active) return;
    const compute = () => setHash(sha256Hex(canonicalMarkdownOfDoc(ydoc)));
    compute();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const onUpdate = () => {
      // Until the recomputation lands, show no hash rather than one of an older text.
      setHash(null);
      if (timer) clearTimeout(timer);
      timer = setTimeout(compute, 150);
    };
    ydoc.on("update", onUpdate);
    return () => {
      ydoc.off("update", onUpdate);
      if (timer) clearTimeout(timer);
    };
  }, [ydoc, active]);
  return active ? hash : null;
}

/** Where the popover goes: under the button, its right edge kept left of a side panel standing beside it. */
function usePlacement(open: boolean, trigger: React.RefObject<HTMLElement | null>) {
  const [place, setPlace] = useState<{ top: number; right: number } | null>(null);
  useLayoutEffect(() => {
    if (!open) return;
    const update = () => {
      const button = trigger.current?.getBoundingClientRect();
      if (!button) return;
      let rightEdge = button.right;
      const panel = document.querySelector(`[data-testid="${TestId.sidePanel}"]`)?.getBoundingClientRect();
      // Only a panel in the right-hand column (wide layouts); below 900 px it sits under the text.
      if (panel && panel.width > 0 && panel.left > window.innerWidth / 2 && panel.top < window.innerHeight) {
        rightEdge = Math.min(rightEdge, panel.left - 12);
      }
      // Never past the left edge either: on a narrow screen the button sits at the left.
      const width = Math.min(430, window.innerWidth - 16);
      const right = Math.min(window.innerWidth - rightEdge, window.innerWidth - width - 8);
      setPlace({ top: button.bottom + 8, right: Math.max(8, right) });
    };
    update();
    window.addEventListener("resize", update);
    window.addEventListener("scroll", update, true);
    return () => {
      window.removeEventListener("resize", update);
      window.removeEventListener("scroll", update, true);
    };
  }, [open, trigger]);
  return place;
}

/** The export button and its popover. `ydoc` is the live document (null while connecting). */
export function ExportButton({ statementId, slug, ydoc }: { statementId: string; slug: string; ydoc: Y.Doc | null }) {
  const [open, setOpen] = useState(false);
  const [job, setJob] = useState<Job>({ status: "idle" });
  const [copied, setCopied] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const popover = useRef<HTMLDivElement>(null);
  const popoverId = useId();
  const close = useCallback(() => setOpen(false), []);
  useDismiss(open, close, popover, trigger);
  const hash = useLiveHash(ydoc, open);
  const place = usePlacement(open, trigger);
  // A dialog takes the focus when it opens: its first action.
  useEffect(() => {
    if (open) popover.current?.querySelector<HTMLButtonElement>(".export-actions button")?.focus();
  }, [open]);

  function toggle() {
    setJob({ status: "idle" });
    setCopied(false);
    setOpen((o) => !o);
  }

  async function markdown() {
    setJob({ status: "busy", kind: "md" });
    try {
      const { text, sha256, filename } = await exportMarkdown(statementId);
      const fileHash = sha256Hex(text);
      download(
        new Blob([text], { type: "text/markdown;charset=utf-8" }),
        filename === "statement.md" && slug ? `${slug}.md` : filename,
      );
      if (sha256 !== null && sha256 !== fileHash) {
        setJob({ status: "error", message: "The downloaded file does not match the server's hash. Export again." });
      } else if (ydoc && fileHash !== sha256Hex(canonicalMarkdownOfDoc(ydoc))) {
        setJob({
          status: "done",
          warning: true,
          message: "Downloaded, but your latest changes had not reached the server yet. Export again in a moment.",
        });
      } else {
        setJob({ status: "done", warning: false, message: "Downloaded. Its SHA-256 is the one above." });
      }
    } catch (e) {
      setJob({ status: "error", message: errorMessage(e) });
    }
  }

  async function docx() {
    setJob({ status: "busy", kind: "docx" });
    try {
      const res = await api.exportDocx(statementId);
      download(await res.blob(), fileNameOf(res, `${slug || "statement"}.docx`));
      setJob({ status: "done", warning: false, message: "Word file downloaded." });
    } catch (e) {
      setJob({ status: "error", message: errorMessage(e) });
    }
  }

  function print() {
    // A page to open, not a call: `GET /api/statements/:id/export.html` (server/export/routes.ts).
    const win = window.open(`/api/statements/${encodeURIComponent(statementId)}/export.html`, "_blank");
    if (!win) {
      setJob({
        status: "error",
        message: "The browser blocked the new tab. Allow pop-ups for this site and try again.",
      });
      return;
    }
    // Same origin: open the print dialog once the page has loaded (the page also says how, if this is blocked).
    win.addEventListener("load", () => win.print(), { once: true });
    setJob({ status: "done", warning: false, message: "Opened in a new tab: choose “Save as PDF” to make a PDF." });
  }

  const busy = job.status === "busy";
  return (
    <div className="export">
      <button
        ref={trigger}
        type="button"
        className="btn btn-secondary btn-sm"
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? popoverId : undefined}
        onClick={toggle}
        data-testid={TestId.exportButton}
      >
        {TextIoLabel.export}
      </button>
      {open && (
        <div
          ref={popover}
          id={popoverId}
          className="export-popover"
          role="dialog"
          aria-label={TextIoLabel.exportDialog}
          style={place ? { top: place.top, right: place.right } : { visibility: "hidden" }}
          data-testid={TextIoTestId.exportPopover}
        >
          <div className="export-hash-row">
            <span className="muted small" id={`${popoverId}-hash`}>
              SHA-256 of the text as it is now
            </span>
            <code className="hash" data-testid={TestId.exportHash} aria-labelledby={`${popoverId}-hash`}>
              {hash ?? "…"}
            </code>
            <button
              type="button"
              className="link-button small"
              disabled={!hash}
              onClick={async () => {
                if (!hash) return;
                await navigator.clipboard?.writeText(hash);
                setCopied(true);
              }}
            >
              {copied ? "Copied" : "Copy hash"}
            </button>
          </div>
          <div className="export-actions">
            <button type="button" className="btn btn-secondary btn-sm" onClick={markdown} disabled={busy}>
              {job.status === "busy" && job.kind === "md" && <Spinner label="Exporting" />}
              <span>{TextIoLabel.exportMarkdown}</span>
            </button>
            <button type="button" className="btn btn-secondary btn-sm" onClick={docx} disabled={busy}>
              {job.status === "busy" && job.kind === "docx" && <Spinner label="Exporting" />}
              <span>{TextIoLabel.exportDocx}</span>
            </button>
            <button type="button" className="btn btn-secondary btn-sm" onClick={print} disabled={busy}>
              {TextIoLabel.exportPrint}
            </button>
          </div>
          <p className="muted small export-note">
            The Markdown file is the canonical text: <code>sha256sum</code> of it prints this hash. Word and PDF show
            the hash and the signatories on their last page.
          </p>
          {job.status === "done" && (
            <p className={job.warning ? "field-error" : "small"} role="status">
              {job.message}
            </p>
          )}
          {job.status === "error" && (
            <p className="field-error" role="alert">
              {job.message}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
