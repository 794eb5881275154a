/**
 * Issue 18 ("Co-editing integrity") end to end: two and three drafters type at the same time into ONE
 * paragraph — at its start, in its middle and at its end — with Enter and Backspace mixed in, at 30, 120
 * and 300 ms a key, ten rounds each. After every round every screen and the server's canonical export must
 * show exactly the same text, with each person's typing intact, contiguous and in order.
 *
 * This is the browser-level guard for the @tiptap/y-tiptap fix in patches/@tiptap+y-tiptap+3.0.9.patch:
 * without it, the person typing at the end of a paragraph that someone else types into sees their words come
 * out reversed ("… beta.]siht depyt A[") on every screen and on the server.
 *
 * Design of the expected outcome. In every round a fresh paragraph `base` is added at the end of the
 * document; then B types `b` at its start, C (three-person rounds) types `c` at offset `k` inside it, and A
 * types `a` at its end, all at once. Each typed sequence may contain Backspace ("\b", which deletes the
 * person's own previous character) and A's also Enter ("\n"). The result must be
 *
 *     effective(b) + base[0..k] + effective(c) + base[k..] + effective(a),  split into paragraphs at "\n".
 *
 * In these rounds only the person at the END of the paragraph presses Enter. Enter or Backspace at or near
 * someone else's caret moves text (in Yjs a deletion plus a re-insertion of it), which used to lose or misplace
 * what that person typed meanwhile; the rounds of `runSplitJoinRounds` (2 people, 120 ms a key) have B press
 * Enter before or after A's caret, or Backspace at the start of A's paragraph, while A types, and guard
 * KeepConcurrentTyping (client/editor/extensions/keep-concurrent-typing.ts), which puts A's words back.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { openStatement, screenshot, shareStatement, useAppAndBrowser, userPage } from "./fixtures";
import { TestId } from "../client/testids";

const DELAYS = [30, 120, 300] as const;
const ROUNDS = 10;

interface Person {
  name: string;
  page: Page;
  user: Awaited<ReturnType<typeof userPage>>["user"];
}

/** What a person types in one round, by key delay: shorter sequences at slower speeds keep the file quick. */
function keysFor(role: "start" | "middle" | "end", round: number, delay: number): string {
  const long = delay <= 30;
  const mid = delay <= 120;
  switch (role) {
    // The end typist: Enter on odd rounds (a new paragraph after the clause), a Backspace on every round.
    case "end":
      if (round % 2 === 1) return long ? " alpha\nbetaX\bgamma" : mid ? " alpha\nbeX\bta" : " al\nbeX\bt";
      return long ? " alpha endX\b words" : mid ? " alphaX\b end" : " aX\blf";
    case "start":
      return long ? "bravo startX\b words " : mid ? "bravX\bo start " : "brX\bv ";
    case "middle":
      return long ? " charlie midX\b words" : mid ? " charX\blie mid" : " chX\bar";
  }
}

/** The text a key sequence leaves behind: "\b" deletes the previous character (never a line break here). */
function effective(keys: string): string {
  let out = "";
  for (const ch of keys) {
    if (ch === "\b") {
      if (out === "" || out.endsWith("\n")) throw new Error("test design: Backspace must follow a typed character");
      out = out.slice(0, -1);
    } else out += ch;
  }
  return out;
}

/**
 * Types a key sequence with `page.keyboard.type(…, { delay })`, Backspace ("\b") pressed between the typed
 * runs with the same delay. Enter ("\n") is typed by `keyboard.type` itself.
 */
async function typeKeys(page: Page, keys: string, delay: number): Promise<void> {
  const runs = keys.split("\b");
  for (let i = 0; i < runs.length; i++) {
    if (i > 0) {
      await page.keyboard.press("Backspace");
      await sleep(delay);
    }
    if (runs[i]) await page.keyboard.type(runs[i], { delay });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * The editor's top-level block texts, read from the Tiptap editor instance that Tiptap attaches to its
 * content element (`dom.editor`): the document itself, without the other people's caret labels.
 */
function blockTexts(page: Page): Promise<string[] | null> {
  return page.evaluate((testId) => {
    const editor = (document.querySelector(`[data-testid="${testId}"]`) as (HTMLElement & { editor?: any }) | null)
      ?.editor;
    if (!editor) return null;
    const out: string[] = [];
    editor.state.doc.forEach((node: { textContent: string }) => out.push(node.textContent));
    return out;
  }, TestId.editor);
}

/** Where the person's caret is: top-level block index and offset inside it (null without an editor). */
function caretOf(page: Page): Promise<{ block: number; offset: number; empty: boolean } | null> {
  return page.evaluate((testId) => {
    const editor = (document.querySelector(`[data-testid="${testId}"]`) as (HTMLElement & { editor?: any }) | null)
      ?.editor;
    if (!editor) return null;
    const { $head, empty } = editor.state.selection;
    return { block: $head.index(0), offset: $head.parentOffset, empty };
  }, TestId.editor);
}

/** The paragraph element of top-level block `index`. */
function blockElement(page: Page, index: number) {
  return page.locator(`[data-testid="${TestId.editor}"] > *`).nth(index);
}

/**
 * Clicks into top-level block `index` near its left edge and moves the caret to `offset` with Home and
 * ArrowRight; checks where it landed and tries again (at most three times) when a layout shift between
 * locating and clicking put it elsewhere.
 */
async function placeCaret(page: Page, index: number, offset: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const el = blockElement(page, index);
    const box = await el.boundingBox();
    await el.click({ position: { x: 3, y: box ? box.height / 2 : 8 } });
    await page.keyboard.press("Home");
    for (let i = 0; i < offset; i++) await page.keyboard.press("ArrowRight");
    try {
      await expect
        .poll(() => caretOf(page), { timeout: 1_500, interval: 25 })
        .toEqual({ block: index, offset, empty: true });
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

/** The export's expectation for a list of blocks: non-empty blocks, one blank line between, a final newline. */
function canonical(blocks: string[]): string {
  const nonEmpty = blocks.filter((b) => b.trim() !== "");
  return nonEmpty.length === 0 ? "" : `${nonEmpty.join("\n\n")}\n`;
}

/**
 * A shared session for one group (two or three people): a statement, every person's page open on it, and the
 * model of the document that every screen and the server must show.
 */
interface Session {
  id: string;
  people: Person[];
  model: string[];
  nextRound: number;
}

describe("concurrent typing into one paragraph", () => {
  const app = useAppAndBrowser();
  const sessions = new Map<number, Promise<Session>>();

  function session(size: 2 | 3): Promise<Session> {
    let s = sessions.get(size);
    if (!s) {
      s = openSession(size);
      sessions.set(size, s);
    }
    return s;
  }

  /**
   * Opens the statement; tries once more after a reload when the app did not come up (in a shared checkout
   * another `vite build` may replace dist/client while the page loads, leaving it without its script).
   */
  async function openWithRetry(p: Person, id: string): Promise<void> {
    try {
      await openStatement(p.page, app.server, id);
    } catch (err) {
      await screenshot(p.page, `concurrent-typing-open-${p.name.replace(/\s/g, "-")}`);
      console.warn(`${p.name}: the editor did not come up (${String(err).split("\n")[0]}); reloading once`);
      await openStatement(p.page, app.server, id);
    }
  }

  async function openSession(size: 2 | 3): Promise<Session> {
    const { server, browser } = app;
    const names = ["Ana End", "Ben Start", "Cleo Middle"].slice(0, size);
    const people: Person[] = [];
    for (const name of names) {
      const u = await userPage(browser, server, `${name} ${size}`);
      people.push({ name, page: u.page, user: u.user });
    }
    const [a, ...others] = people;
    const id = await shareStatement(
      a.user,
      `Concurrent typing (${size} people)`,
      others.map((p) => ({ user: p.user, role: "drafter" as const })),
    );
    for (const p of people) await openWithRetry(p, id);

    // A first clause, so that every round's paragraph has a neighbour above it.
    await a.page.getByTestId(TestId.editor).click();
    await a.page.keyboard.press("Control+End");
    await a.page.keyboard.type("Concurrent typing rounds");
    const s: Session = { id, people, model: ["Concurrent typing rounds"], nextRound: 1 };
    await expectConverged(s);
    return s;
  }

  /**
   * Every screen shows the model (read from all pages at once, polled), and, unless `screensOnly`, so does the
   * server's canonical export; returns the export's text.
   */
  async function expectConverged(s: Session, screensOnly = false): Promise<string> {
    const screens = () => Promise.all(s.people.map((p) => blockTexts(p.page)));
    await expect
      .poll(screens, { timeout: 15_000, interval: 25, message: `screens of ${s.people.map((p) => p.name).join(", ")}` })
      .toEqual(s.people.map(() => s.model));
    if (screensOnly) return "";
    let exported = "";
    const exportOf = async () => (exported = (await s.people[0].user.get(`/api/statements/${s.id}/export.md`)).text);
    await expect
      .poll(exportOf, { timeout: 10_000, interval: 25, message: "the server's export" })
      .toBe(canonical(s.model));
    return exported;
  }

  async function runRounds(size: 2 | 3, delay: number): Promise<void> {
    const s = await session(size);
    const [a, b, c] = s.people;
    // Each test judges its own rounds: start from what every screen agrees on (after an earlier failure in the
    // group, the model is re-read instead of failing again on the old round).
    const agreed = async () => {
      const all = await Promise.all(s.people.map((p) => blockTexts(p.page)));
      return all.every((t) => JSON.stringify(t) === JSON.stringify(all[0])) ? all[0] : null;
    };
    await expect
      .poll(agreed, { timeout: 15_000, interval: 25, message: "screens agree before the rounds" })
      .not.toBeNull();
    s.model = (await agreed())!;
    for (let i = 0; i < ROUNDS; i++) {
      const round = s.nextRound++;
      const base = `Round ${round} base words here`;
      const k = `Round ${round} base`.length;

      // A adds the round's paragraph at the end of the document; everyone sees it.
      await a.page.keyboard.press("Control+End");
      await a.page.keyboard.press("Enter");
      await a.page.keyboard.insertText(base);
      s.model.push(base);
      await expectConverged(s, true);
      const index = s.model.length - 1;

      // Carets: C in the middle and B at the start, each by a click near the paragraph's left edge (where no
      // one else's caret is yet) and real keys; A is still at the end of the paragraph A just typed.
      const placeStartAndMiddle = async () => {
        if (c) await placeCaret(c.page, index, k);
        await placeCaret(b.page, index, 0);
      };
      await Promise.all([placeStartAndMiddle(), a.page.keyboard.press("End")]);
      const want = new Map<Person, number>([
        [a, base.length],
        [b, 0],
      ]);
      if (c) want.set(c, k);
      const carets = () => Promise.all([...want.keys()].map((p) => caretOf(p.page)));
      const wanted = [...want.values()].map((offset) => ({ block: index, offset, empty: true }));
      await expect.poll(carets, { timeout: 5_000, interval: 25, message: "carets of A, B (and C)" }).toEqual(wanted);

      // Everyone types at once.
      const keys = new Map<Person, string>([
        [a, keysFor("end", round, delay)],
        [b, keysFor("start", round, delay)],
      ]);
      if (c) keys.set(c, keysFor("middle", round, delay));
      await Promise.all([...keys].map(([p, seq]) => typeKeys(p.page, seq, delay)));

      const eff = (p: Person | undefined) => (p ? effective(keys.get(p)!) : "");
      const middleText = c ? eff(c) : "";
      const paragraphs = (eff(b) + base.slice(0, k) + middleText + base.slice(k) + eff(a)).split("\n");
      s.model.splice(index, 1, ...paragraphs);
      let exported: string;
      try {
        exported = await expectConverged(s);
      } catch (err) {
        const seen = await Promise.all(
          s.people.map(async (p) => `${p.name}: ${JSON.stringify((await blockTexts(p.page))?.slice(index))}`),
        );
        throw new Error(
          `round ${round} (${size} people, ${delay} ms a key) did not converge to ${JSON.stringify(paragraphs)}:\n${seen.join("\n")}\n${String(err)}`,
        );
      }
      // Said once more in words, on the server's text: each person's typing is there, contiguous and in order.
      for (const p of keys.keys()) {
        for (const piece of eff(p).split("\n")) {
          if (piece.trim()) expect(exported, `${p.name}'s text in round ${round}`).toContain(piece.trim());
        }
      }
    }
  }

  /**
   * Issue 18, remaining part: B presses Enter or Backspace at or near A's caret while A types (2 people, 120 ms
   * a key). A split or a join is a deletion plus a re-insertion in Yjs; KeepConcurrentTyping
   * (client/editor/extensions/keep-concurrent-typing.ts) on A's side puts A's concurrent keystrokes back
   * next to their moved text, so A's words stay whole and in place:
   * - "enter before": B splits the paragraph before A's caret; A's words move to the second half with the text
   *   around them;
   * - "join": B presses Backspace at the start of the paragraph A types in (it joins the paragraph above);
   * - "enter after": B splits after A's caret; A's words stay in the first half;
   * - "join, A at the end": as "join", A typing at the end of the joined paragraph.
   */
  async function runSplitJoinRounds(rounds: number, delay: number): Promise<void> {
    const s = await session(2);
    const [a, b] = s.people;
    const agreed = async () => {
      const all = await Promise.all(s.people.map((p) => blockTexts(p.page)));
      return all.every((t) => JSON.stringify(t) === JSON.stringify(all[0])) ? all[0] : null;
    };
    await expect
      .poll(agreed, { timeout: 15_000, interval: 25, message: "screens agree before the rounds" })
      .not.toBeNull();
    s.model = (await agreed())!;
    const kinds = ["enter before", "join", "enter after", "join, A at the end"] as const;
    for (let i = 0; i < rounds; i++) {
      const kind = kinds[i % kinds.length];
      const round = s.nextRound++;
      const base = `Split ${round} hello big wide world`;
      const aAt = kind === "join, A at the end" ? base.length : `Split ${round} hello big wi`.length;
      const bAt =
        kind === "enter before"
          ? `Split ${round} hello`.length
          : kind === "enter after"
            ? `Split ${round} hello big wide`.length
            : 0;
      const aKeys = `<A${round} words>`;

      // A's caret to the end of the document (checked: a remote change arriving between the key and the
      // browser's selectionchange can put it back), then a new paragraph.
      const last = s.model.length - 1;
      await expect
        .poll(
          async () => {
            await a.page.keyboard.press("Control+End");
            return caretOf(a.page);
          },
          { timeout: 5_000, interval: 50, message: "A's caret at the end of the document" },
        )
        .toEqual({ block: last, offset: s.model[last].length, empty: true });
      await a.page.keyboard.press("Enter");
      await a.page.keyboard.insertText(base);
      s.model.push(base);
      try {
        await expectConverged(s, true);
      } catch (err) {
        const seen = await Promise.all(
          s.people.map(async (p) => `${p.name}: ${JSON.stringify(await blockTexts(p.page))}`),
        );
        throw new Error(
          `split/join round ${round}: the new paragraph did not arrive as ${JSON.stringify(s.model)}:\n${seen.join("\n")}\n${String(err)}`,
        );
      }
      const index = s.model.length - 1;
      const above = s.model[index - 1];

      await placeCaret(b.page, index, bAt);
      await placeCaret(a.page, index, aAt);

      // A types; B presses its key while A is at it (after about three of A's keys).
      const bKey = kind.startsWith("join") ? "Backspace" : "Enter";
      await Promise.all([
        typeKeys(a.page, aKeys, delay),
        (async () => {
          await sleep(delay * 3 + 40);
          await b.page.keyboard.press(bKey);
        })(),
      ]);

      const typed = base.slice(0, aAt) + aKeys + base.slice(aAt);
      if (kind === "join" || kind === "join, A at the end") {
        s.model.splice(index - 1, 2, above + typed);
      } else {
        // The split point is in the base text: before A's words (enter before) or after them (enter after).
        const cut = bAt <= aAt ? bAt : bAt + aKeys.length;
        s.model.splice(index, 1, typed.slice(0, cut), typed.slice(cut));
      }
      let exported: string;
      try {
        exported = await expectConverged(s);
      } catch (err) {
        const seen = await Promise.all(
          s.people.map(async (p) => `${p.name}: ${JSON.stringify((await blockTexts(p.page))?.slice(index - 1))}`),
        );
        throw new Error(
          `split/join round ${round} (${kind}) did not converge to ${JSON.stringify(s.model.slice(index - 1))}:\n${seen.join("\n")}\n${String(err)}`,
        );
      }
      expect(exported, `A's words in round ${round} (${kind})`).toContain(aKeys);
    }
  }

  // Both groups' pages load the app up front (once loaded, a page no longer depends on dist/client); the
  // rounds below open their group themselves when run alone (-t).
  it("both groups open their statement", async () => {
    await session(2);
    await session(3);
  }, 120_000);

  it("2 people, 120 ms a key: B presses Enter or Backspace at or near A's caret while A types, 8 rounds", async () => {
    await runSplitJoinRounds(8, 120);
  }, 150_000);

  for (const size of [2, 3] as const) {
    for (const delay of DELAYS) {
      it(`${size} people, ${delay} ms a key, ${ROUNDS} rounds`, async () => {
        await runRounds(size, delay);
      }, 150_000);
    }
  }
});
