/** What a person reads in the editor and in the server's export, block by block, for exact comparisons. */
import type { Page } from "playwright-core";
import { TestId } from "../client/testids";

/** The editor's blocks as text, one entry per top-level block, without other people's carets and their names. */
export async function editorBlocks(page: Page): Promise<string[]> {
  return page.getByTestId(TestId.editor).evaluate((editor) =>
    [...editor.children].map((block) => {
      const copy = block.cloneNode(true) as HTMLElement;
      for (const caret of copy.querySelectorAll(".collaboration-carets__caret")) caret.remove();
      return copy.textContent ?? "";
    }),
  );
}

/** The server's canonical export as blocks (one blank line between blocks, a final newline). */
export function exportBlocks(markdown: string): string[] {
  return markdown.replace(/\n$/, "").split("\n\n");
}
