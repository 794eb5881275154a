/** Puts converted content into the editor, through the normal editor and Yjs path (the server validates it). */
import type { Editor } from "@tiptap/core";
import type { Converted } from "./convert";
import { ImportRefusal } from "./convert";

/** Whether the document has no text at all (a new statement, or one whose text was all deleted). */
export function isEmptyDocument(editor: Editor): boolean {
  const doc = editor.state.doc;
  // The clause count first: it is asked on every edit, and a long statement's whole text is half a megabyte.
  return doc.childCount <= 1 && doc.textContent.trim() === "";
}

/**
 * Puts the imported content into the statement: it replaces an empty document. Import is offered only while
 * the statement is empty, but someone else may have typed or imported in the moment between choosing the file
 * and its arrival: then the file goes after their text, never over it, and the returned notice says so.
 */
export function applyImport(editor: Editor, converted: Converted): string[] {
  if (!editor.isEditable) throw new ImportRefusal("You cannot edit this statement.");
  const size = editor.state.doc.content.size;
  const empty = isEmptyDocument(editor);
  const ok = editor
    .chain()
    .insertContentAt(empty ? { from: 0, to: size } : size, converted.html, {
      updateSelection: true,
      parseOptions: { preserveWhitespace: false },
    })
    .run();
  if (!ok) throw new ImportRefusal("The editor could not take this file's content.");
  return empty ? [] : ["Someone added text in the meantime: the file was put after it."];
}
