/** What a person reads in the editor and in the server's export, block by block, for exact comparisons. */
import type { Page } from "playwright-core";
import { TestId } from "../client/testids";

/**
 * The editor's blocks as text, one entry per top-level block (paragraph, heading, list), without widgets that
 * are not text: other people's carets and their names, gutter marks and sign-off chips.
 */
export async function editorBlocks(page: Page): Promise<string[]> {
  return page.getByTestId(TestId.editor).evaluate((editor) =>
    [...editor.children]
      .filter((block) => /^(P|H[1-6]|UL|OL|BLOCKQUOTE|PRE)$/.test(block.tagName))
      .map((block) => {
        const copy = block.cloneNode(true) as HTMLElement;
        for (const widget of copy.querySelectorAll(".collaboration-carets__caret, [contenteditable='false']"))
          widget.remove();
        return copy.textContent ?? "";
      }),
  );
}

/** The server's canonical export as blocks (one blank line between blocks, a final newline). */
export function exportBlocks(markdown: string): string[] {
  return markdown.replace(/\n$/, "").split("\n\n");
}
