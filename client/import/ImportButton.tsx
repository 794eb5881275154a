/**
 * "Import a file" in the editor's header, offered to whoever may edit while the statement is empty; it also
 * applies the file chosen on the dashboard when the statement was created. Shows progress, what was dropped
 * or converted (images, tables…), and a clear refusal for a file it cannot take; what a Markdown paste dropped
 * is shown in the same place.
 */
import { useCallback, useEffect, useId, useRef, useState } from "react";
import type { Editor } from "@tiptap/core";
import type { WebsocketProvider } from "y-websocket";
import { Spinner } from "../ui/Spinner";
import { IMPORT_ACCEPT, ImportRefusal, convertFile } from "./convert";
import type { Converted } from "./convert";
import { applyImport, isEmptyDocument } from "./apply";
import { takePendingImport } from "./pending";
import { PASTE_NOTICES_EVENT } from "../editor/extensions/markdown-paste";
import { TextIoLabel, TextIoTestId } from "./testids";
import "./import.css";

type Status =
  | { state: "idle" }
  | { state: "busy"; fileName: string }
  | { state: "done"; fileName: string; notices: string[] }
  | { state: "pasted"; notices: string[] }
  | { state: "error"; message: string };

function messageOf(err: unknown): string {
  if (err instanceof ImportRefusal) return err.message;
  return "The file could not be imported. It may be damaged.";
}

/** Whether the editor's document is empty, kept current as it changes. */
function useEmpty(editor: Editor | null): boolean {
  const [empty, setEmpty] = useState(() => (editor ? isEmptyDocument(editor) : false));
  useEffect(() => {
    if (!editor) return;
    const update = () => setEmpty(isEmptyDocument(editor));
    update();
    editor.on("update", update);
    return () => {
      editor.off("update", update);
    };
  }, [editor]);
  return empty;
}

/** Resolves once the provider has the server's copy of the document (only then is "empty" known). */
function whenSynced(provider: WebsocketProvider): Promise<void> {
  if (provider.synced) return Promise.resolve();
  return new Promise((resolve) => {
    const on = (synced: boolean) => {
      if (!synced) return;
      provider.off("sync", on);
      resolve();
    };
    provider.on("sync", on);
  });
}

/** The import control and its status. */
export function ImportButton({
  statementId,
  editor,
  provider,
  canEdit,
}: {
  statementId: string;
  editor: Editor | null;
  provider: WebsocketProvider | null;
  canEdit: boolean;
}) {
  const [status, setStatus] = useState<Status>({ state: "idle" });
  const input = useRef<HTMLInputElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const inputId = useId();
  const empty = useEmpty(editor);

  const put = useCallback(
    async (fileName: string, converted: Converted) => {
      if (!editor || !provider) return;
      await whenSynced(provider);
      const placed = applyImport(editor, converted);
      setStatus({ state: "done", fileName, notices: [...placed, ...converted.notices] });
    },
    [editor, provider],
  );

  // The file chosen on the dashboard, once the editor is there.
  useEffect(() => {
    if (!editor || !provider || !canEdit) return;
    const pending = takePendingImport(statementId);
    if (!pending) return;
    setStatus({ state: "busy", fileName: pending.fileName });
    put(pending.fileName, pending.converted).catch((err: unknown) =>
      setStatus({ state: "error", message: messageOf(err) }),
    );
  }, [editor, provider, canEdit, statementId, put]);

  // A Markdown paste that dropped something says so here too.
  useEffect(() => {
    if (!editor) return;
    const dom = editor.view.dom;
    const onNotices = (e: Event) => setStatus({ state: "pasted", notices: (e as CustomEvent<string[]>).detail });
    dom.addEventListener(PASTE_NOTICES_EVENT, onNotices);
    return () => dom.removeEventListener(PASTE_NOTICES_EVENT, onNotices);
  }, [editor]);

  async function onFile(file: File) {
    setStatus({ state: "busy", fileName: file.name });
    try {
      await put(file.name, await convertFile(file));
    } catch (err) {
      setStatus({ state: "error", message: messageOf(err) });
    }
  }

  const showButton = canEdit && empty && status.state !== "busy";
  if (!showButton && status.state === "idle") return null;
  return (
    <div className="import">
      {showButton && (
        <>
          <button
            ref={button}
            type="button"
            className="btn btn-secondary btn-sm"
            onClick={() => input.current?.click()}
            data-testid={TextIoTestId.importButton}
          >
            {TextIoLabel.importFile}
          </button>
          <input
            ref={input}
            id={inputId}
            type="file"
            accept={IMPORT_ACCEPT}
            className="visually-hidden"
            tabIndex={-1}
            aria-label={TextIoLabel.importInput}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = "";
              if (file) void onFile(file);
            }}
          />
        </>
      )}
      {status.state !== "idle" && (
        <div
          className={`import-status import-${status.state}`}
          role={status.state === "error" ? "alert" : "status"}
          data-testid={TextIoTestId.importStatus}
          data-state={status.state}
        >
          {status.state === "busy" && (
            <>
              <Spinner label="Importing" /> Importing “{status.fileName}”…
            </>
          )}
          {status.state === "done" && (
            <>
              <span>Imported “{status.fileName}”.</span>
              {status.notices.length > 0 && (
                <ul className="import-notices">
                  {status.notices.map((n) => (
                    <li key={n}>{n}</li>
                  ))}
                </ul>
              )}
            </>
          )}
          {status.state === "pasted" && (
            <>
              <span>Pasted, with changes:</span>
              <ul className="import-notices">
                {status.notices.map((n) => (
                  <li key={n}>{n}</li>
                ))}
              </ul>
            </>
          )}
          {status.state === "error" && <span>{status.message}</span>}
          <button
            type="button"
            className="btn-icon"
            aria-label="Dismiss"
            onClick={() => {
              setStatus({ state: "idle" });
              button.current?.focus();
            }}
          >
            ×
          </button>
        </div>
      )}
    </div>
  );
}
