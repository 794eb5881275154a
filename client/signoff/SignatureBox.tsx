/**
 * My organization's signature: its state (signed, void with the changes since, unsigned), the sign dialog, which
 * shows the text and the SHA-256 being signed and what the signature covers, and "withdraw signature" before the
 * lock (confirmed first). Signing sends that hash and text; if the text changed while the dialog was open, the
 * server refuses, the dialog shows the diff and the new hash, and signs only after a second confirmation.
 * Long organization names wrap (never clip) in the heading and the buttons.
 */
import { useState } from "react";
import type * as Y from "yjs";
import type { SignoffMatrixDto, SignoffOrganization, TextChangedDetails } from "../../shared/signoff";
import { shownDocument, signoffText } from "../../shared/signoff";
import { diffWords } from "../../shared/diff";
import { api, errorMessage } from "../api";
import { Dialog } from "../ui/Dialog";
import { absoluteTime, relativeTime } from "../ui/format";
import { textChangedDetails } from "./refusals";
import { DiffView } from "./DiffView";
import { TextChangedNotice } from "./TextChangedNotice";
import { SignoffLabel, SignoffTestId } from "./testids";
import { plural } from "../../shared/plural";

/** The text the signer is looking at in the dialog, and why it is a second look (if it is). */
interface Shown {
  hash: string;
  text: string;
  /** How many clauses the text has (null when the server sent the text: it was not read as a document here). */
  clauses: number | null;
  changed: TextChangedDetails | null;
}

/** Sign the whole text for my organization, or see why my signature is void. */
export function SignatureBox(props: {
  statementId: string;
  ydoc: Y.Doc;
  matrix: SignoffMatrixDto;
  org: SignoffOrganization;
  onDone: () => void;
}) {
  const { statementId, ydoc, matrix, org, onDone } = props;
  const sig = matrix.signatures.find((s) => s.organizationId === org.id) ?? null;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [diff, setDiff] = useState<string | null>(null);
  const [shown, setShown] = useState<Shown | null>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [withdrawing, setWithdrawing] = useState(false);
  const state = !sig ? "unsigned" : sig.voidReason ? "void" : "signed";

  function openDialog() {
    // What the dialog shows is this reading of the local document, and nothing else: it does not follow edits.
    const t = signoffText(ydoc);
    setShown({ hash: t.hash, text: t.markdown, clauses: t.clauses.length, changed: null });
    setDialogError(null);
  }

  async function signShown() {
    if (!shown) return;
    setBusy(true);
    setDialogError(null);
    try {
      await api.sign(statementId, {
        organizationId: org.id,
        ...shownDocument({ hash: shown.hash, markdown: shown.text }),
      });
      setShown(null);
      onDone();
    } catch (err) {
      const changed = textChangedDetails(err);
      if (changed && changed.currentHash !== null && changed.currentText !== null) {
        setShown({ hash: changed.currentHash, text: changed.currentText, clauses: null, changed });
      } else setDialogError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function withdraw() {
    setBusy(true);
    setDialogError(null);
    try {
      await api.withdrawSignature(statementId, { organizationId: org.id });
      setWithdrawing(false);
      onDone();
    } catch (err) {
      setDialogError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function showChanges() {
    if (!sig) return;
    try {
      const text = sig.signedText ?? (await api.version(statementId, sig.versionId)).version.markdown;
      setDiff(text);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  const current = matrix.clauses.map((c) => c.markdown).join("\n\n");
  return (
    <section
      className="signoff-section signoff-signature"
      data-testid={SignoffTestId.signature}
      data-state={state}
      aria-label="Signature"
    >
      <h3 className="signoff-org-name">{org.name}</h3>
      {state === "signed" && sig && (
        <p className="success">
          ✓ Signed by {sig.userName} <span title={absoluteTime(sig.at)}>{relativeTime(sig.at)}</span> — bound to{" "}
          <code className="hash" title={sig.hash} data-hash={sig.hash}>
            {sig.hash.slice(0, 12)}…
          </code>
        </p>
      )}
      {state === "void" && sig && (
        <div className="signoff-void">
          <p>
            <strong>Signature void</strong>:{" "}
            {sig.voidReason === "unlocked"
              ? "the statement was unlocked by the admin."
              : "the text changed since it was signed."}{" "}
            (Signed by {sig.userName} {relativeTime(sig.at)}.)
          </p>
          {sig.voidReason === "text-changed" &&
            (diff === null ? (
              <button type="button" className="link-button small" onClick={showChanges}>
                Show changes since signing
              </button>
            ) : (
              <DiffView parts={diffWords(diff.replace(/\n+$/, ""), current)} label="Changes since signing" />
            ))}
        </div>
      )}
      {state === "unsigned" && <p className="muted">{org.shortName} has not signed the text.</p>}
      {matrix.me.canSign && state === "signed" && (
        <button
          type="button"
          className="btn btn-secondary btn-sm signoff-wrap-button"
          onClick={() => {
            setDialogError(null);
            setWithdrawing(true);
          }}
          disabled={busy}
        >
          {SignoffLabel.withdraw}
        </button>
      )}
      {matrix.me.canSign && state !== "signed" && (
        <button
          type="button"
          className="btn btn-primary btn-sm signoff-wrap-button"
          onClick={openDialog}
          disabled={busy || matrix.clauses.length === 0}
        >
          {SignoffLabel.signFor(org.name)}
        </button>
      )}
      {!matrix.me.canSign && matrix.phase === "drafting" && (
        <p className="muted small">Only a convener or drafter representing {org.shortName} can sign for it.</p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}

      <Dialog open={shown !== null} title={SignoffLabel.signFor(org.name)} onClose={() => setShown(null)}>
        {shown && (
          <div className="stack" data-testid={SignoffTestId.signDialog}>
            {shown.changed && <TextChangedNotice details={shown.changed} />}
            <p>
              You sign the whole statement for <strong>{org.name}</strong>
              {shown.changed ? ", as it reads now" : ""}: every clause below, exactly as written.
            </p>
            <div className="signoff-hash-box">
              <p className="small">
                <strong>SHA-256 you are signing</strong>
              </p>
              <code className="hash signoff-hash" data-testid={SignoffTestId.shownHash} data-hash={shown.hash}>
                {shown.hash}
              </code>
              <p className="small muted" data-testid={SignoffTestId.signCovers}>
                It covers the whole canonical text{shown.clauses !== null ? `, ${plural(shown.clauses, "clause")}` : ""}{" "}
                ({plural(new TextEncoder().encode(shown.text).length, "byte")} of Markdown, the file “Export .md”
                downloads; check it with <code>sha256sum</code>). Your signature is void as soon as the text changes,
                and you can withdraw it until the statement is locked.
              </p>
            </div>
            <pre className="signoff-shown-text" aria-label="Text to sign" tabIndex={0}>
              {shown.text}
            </pre>
            {dialogError && (
              <p className="form-error" role="alert">
                {dialogError}
              </p>
            )}
            <div className="form-actions">
              <button type="button" className="btn btn-secondary" onClick={() => setShown(null)}>
                Cancel
              </button>
              <button type="button" className="btn btn-primary" disabled={busy} onClick={signShown}>
                {shown.changed ? SignoffLabel.signChanged : SignoffLabel.signConfirm}
              </button>
            </div>
          </div>
        )}
      </Dialog>

      <Dialog open={withdrawing} title={`${SignoffLabel.withdraw}: ${org.name}`} onClose={() => setWithdrawing(false)}>
        <div className="stack" data-testid={SignoffTestId.withdrawDialog}>
          <p>
            {org.name} will no longer have signed this text. The convener cannot lock with its signature until someone
            signs for it again. The withdrawal is recorded in the audit log.
          </p>
          {dialogError && (
            <p className="form-error" role="alert">
              {dialogError}
            </p>
          )}
          <div className="form-actions">
            <button type="button" className="btn btn-secondary" onClick={() => setWithdrawing(false)} data-autofocus>
              Cancel
            </button>
            <button type="button" className="btn btn-primary" disabled={busy} onClick={withdraw}>
              {SignoffLabel.withdrawConfirm}
            </button>
          </div>
        </div>
      </Dialog>
    </section>
  );
}
