/**
 * "Export Markdown": downloads the canonical Markdown (`/api/statements/:id/export.md`) and shows the
 * SHA-256 the server sent in `X-Content-SHA256`, checked against the downloaded bytes, so a signatory can
 * compare it with `sha256sum`.
 */
import { useState } from "react";
import { errorMessage, exportMarkdown } from "../api";
import { sha256Hex } from "../../shared/canonical";
import { Spinner } from "../ui/Spinner";
import { Label, TestId } from "../testids";

type ExportState =
  | { status: "idle" }
  | { status: "busy" }
  | { status: "done"; sha256: string; matches: boolean; filename: string }
  | { status: "error"; message: string };

function download(text: string, filename: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/markdown;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The export button and, after an export, the hash with a copy button. */
export function ExportButton({ statementId, slug }: { statementId: string; slug: string }) {
  const [state, setState] = useState<ExportState>({ status: "idle" });
  const [copied, setCopied] = useState(false);

  async function run() {
    setState({ status: "busy" });
    try {
      const { text, sha256, filename } = await exportMarkdown(statementId);
      const local = sha256Hex(text);
      const name = filename === "statement.md" && slug ? `${slug}.md` : filename;
      download(text, name);
      setState({
        status: "done",
        sha256: sha256 ?? local,
        matches: sha256 === null || sha256 === local,
        filename: name,
      });
    } catch (e) {
      setState({ status: "error", message: errorMessage(e) });
    }
  }

  return (
    <div className="export">
      <button
        type="button"
        className="btn btn-secondary btn-sm"
        onClick={run}
        disabled={state.status === "busy"}
        data-testid={TestId.exportButton}
      >
        {state.status === "busy" && <Spinner label="Exporting" />}
        <span>{Label.exportMarkdown}</span>
      </button>
      {state.status === "done" && (
        <div className="export-result" role="status">
          <span className="muted small">SHA-256 of {state.filename}</span>
          <code className="hash" data-testid={TestId.exportHash}>
            {state.sha256}
          </code>
          <button
            type="button"
            className="link-button small"
            onClick={async () => {
              await navigator.clipboard?.writeText(state.sha256);
              setCopied(true);
              setTimeout(() => setCopied(false), 1500);
            }}
          >
            {copied ? "Copied" : "Copy"}
          </button>
          {!state.matches && (
            <span className="field-error">The downloaded file does not match this hash. Export again.</span>
          )}
          <button
            type="button"
            className="btn-icon"
            aria-label="Hide hash"
            onClick={() => setState({ status: "idle" })}
          >
            ×
          </button>
        </div>
      )}
      {state.status === "error" && (
        <span className="field-error" role="alert">
          {state.message}
        </span>
      )}
    </div>
  );
}
