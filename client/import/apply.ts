/** Puts converted content into the editor: only into an empty statement, through the normal editor and Yjs path. */
import type { Editor } from "@tiptap/core";
import type { Converted } from "./convert";
import { ImportRefusal } from "./convert";

/** Whether the document has no text at all (a new statement, or one whose text was all deleted). */
export function isEmptyDocument(editor: Editor): boolean {
  const doc = editor.state.doc;
  return doc.textContent.trim() === "" && doc.childCount <= 1;
}

/**
 * Replaces the empty document with the imported content. Refused when the document has text: an import never
 * overwrites anyone's words (paste is the way to add to a text).
 */
export function applyImport(editor: Editor, converted: Converted): void {
  if (!editor.isEditable) throw new ImportRefusal("You cannot edit this statement.");
  if (!isEmptyDocument(editor)) {
    throw new ImportRefusal("The statement is not empty any more, so the file was not imported. Paste it instead.");
  }
  const ok = editor
    .chain()
    .insertContentAt({ from: 0, to: editor.state.doc.content.size }, converted.html, {
      updateSelection: true,
      parseOptions: { preserveWhitespace: false },
    })
    .run();
  if (!ok) throw new ImportRefusal("The editor could not take this file's content.");
}
