/**
 * The Tiptap editor bound to a statement's Y.Doc: StarterKit (without its own undo history, which
 * Collaboration replaces), Collaboration on the `default` fragment, carets of the others, ClauseId, and the
 * extensions registered by features.
 */
import { useEffect, useMemo } from "react";
import { EditorContent, useEditor } from "@tiptap/react";
import type { AnyExtension, Editor } from "@tiptap/core";
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import type * as Y from "yjs";
import type { WebsocketProvider } from "y-websocket";
import { DOCUMENT_FIELD } from "../../shared/canonical";
import type { AwarenessUser } from "../../shared/protocol";
import { ClauseId } from "./extensions/clause-id";
import { KeepConcurrentTyping } from "./extensions/keep-concurrent-typing";
import { statementStarterKit } from "./extensions/starter-kit";
import { Toolbar } from "./Toolbar";
import { TestId } from "../testids";
import { readableTextOn } from "../ui/contrast";

/** Props of {@link StatementEditor}. */
export interface StatementEditorProps {
  ydoc: Y.Doc;
  provider: WebsocketProvider;
  user: AwarenessUser;
  editable: boolean;
  /** Extra extensions (from `registerEditorExtension`); read once when the editor is created. */
  extensions: AnyExtension[];
  /** Called with the editor once created, and with null when it is destroyed. */
  onEditor?: (editor: Editor | null) => void;
}

/**
 * The caret label the others see: the name on the user's colour, in white or black, whichever reads better.
 * Screen readers skip it inside the text (it would be read in the middle of a sentence); the presence list
 * says who is in the document and where.
 */
function renderCaret(user: Record<string, unknown>): HTMLElement {
  const color = String(user.color);
  const caret = document.createElement("span");
  caret.classList.add("collaboration-carets__caret");
  caret.setAttribute("style", `border-color: ${color}`);
  caret.setAttribute("aria-hidden", "true");
  const label = document.createElement("div");
  label.classList.add("collaboration-carets__label");
  label.setAttribute("style", `background-color: ${color}; color: ${readableTextOn(color)}`);
  label.textContent = String(user.name ?? "Someone");
  caret.append(label);
  return caret;
}

/** The collaborative rich-text editor with its toolbar. */
export function StatementEditor({ ydoc, provider, user, editable, extensions, onEditor }: StatementEditorProps) {
  // The extension list is fixed for the lifetime of one document connection.
  const allExtensions = useMemo(
    () => [
      statementStarterKit,
      Collaboration.configure({ document: ydoc, field: DOCUMENT_FIELD }),
      CollaborationCaret.configure({ provider, user, render: renderCaret }),
      ClauseId,
      // Words typed while someone else splits or joins their block are put back by their author (issue 18).
      KeepConcurrentTyping.configure({ document: ydoc }),
      ...extensions,
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [ydoc, provider],
  );

  const editor = useEditor(
    {
      extensions: allExtensions,
      editable,
      editorProps: {
        attributes: {
          class: "statement-prose",
          "data-testid": TestId.editor,
          // A multi-line text box with a name, so that screen readers announce what it is (issue 15).
          role: "textbox",
          "aria-label": "Statement text",
          "aria-multiline": "true",
          spellcheck: "true",
        },
      },
    },
    [allExtensions],
  );

  useEffect(() => {
    if (editor.isEditable !== editable) editor.setEditable(editable, false);
    editor.view.dom.setAttribute("aria-readonly", String(!editable));
  }, [editor, editable]);

  useEffect(() => {
    onEditor?.(editor);
    return () => onEditor?.(null);
  }, [editor, onEditor]);

  // The server stamps the identity too; this keeps our own state right if the name changes.
  useEffect(() => {
    provider.awareness.setLocalStateField("user", user);
  }, [provider, user]);

  return (
    <div className={`editor-frame ${editable ? "" : "editor-readonly"}`}>
      {editable && <Toolbar editor={editor} disabled={false} />}
      <div className="editor-paper">
        <EditorContent editor={editor} className="editor-content" />
      </div>
    </div>
  );
}
