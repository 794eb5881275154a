/** Selecting words in the editor in end-to-end tests. */
import type { Page } from "playwright-core";
import { TestId } from "../client/testids";

/** Selects `words` inside the editor's text with a DOM selection, as a mouse drag would. */
export async function selectWords(page: Page, words: string): Promise<void> {
  await page.evaluate(
    ({ words, editor }) => {
      const root = document.querySelector(`[data-testid="${editor}"]`)!;
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const i = n.textContent!.indexOf(words);
        if (i === -1) continue;
        const range = document.createRange();
        range.setStart(n, i);
        range.setEnd(n, i + words.length);
        const sel = document.getSelection()!;
        sel.removeAllRanges();
        sel.addRange(range);
        return;
      }
      throw new Error(`"${words}" is not in the editor`);
    },
    { words, editor: TestId.editor },
  );
}
