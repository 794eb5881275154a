/**
 * Text in and out, in Chromium: Markdown pasted as plain text becomes structure; files imported when creating a
 * statement (.md) or into an empty one (.html, a real .docx built with the `docx` package) export as the
 * expected canonical Markdown, with notices for what was dropped and clear refusals; the export popover shows
 * the hash of the text as it is now, downloads a file with that hash, and closes on Escape and outside presses;
 * the toolbar's link and quote buttons; two people pasting into one paragraph at the same moment keep both texts.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import {
  Document,
  ExternalHyperlink,
  HeadingLevel,
  ImageRun,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
} from "docx";
import { connectProvider, synced } from "../server/testing/harness";
import { appendParagraph } from "../server/testing/docs";
import { sha256Hex } from "../shared/canonical";
import { MessageType } from "../shared/protocol";
import { TestId, Label } from "../client/testids";
import { TextIoLabel, TextIoTestId } from "../client/import/testids";
import { editorBlocks } from "./blocks";
import { caretSettled, openStatement, screenshot, useAppAndBrowser, userPage } from "./fixtures";

/** Dispatches a paste on the editor with a clipboard holding `text` (and `html`, if given), as a real paste does. */
async function paste(page: Page, text: string, html?: string): Promise<void> {
  await page.getByTestId(TestId.editor).evaluate(
    (el, data) => {
      const dt = new DataTransfer();
      dt.setData("text/plain", data.text);
      if (data.html) dt.setData("text/html", data.html);
      el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
    },
    { text, html },
  );
}

/** Polls the server's canonical export until it equals `expected`. */
async function expectExport(api: { get(p: string): Promise<{ text: string }> }, id: string, expected: string) {
  await expect
    .poll(async () => (await api.get(`/api/statements/${id}/export.md`)).text, { timeout: 15_000 })
    .toBe(expected);
}

/** The editor's top-level block tags, in order. */
function blockTags(page: Page): Promise<string[]> {
  return page
    .getByTestId(TestId.editor)
    .evaluate((el) =>
      [...el.children].map((c) => c.tagName.toLowerCase()).filter((t) => /^(p|h[1-6]|ul|ol|blockquote|pre)$/.test(t)),
    );
}

/** Every construct of the canonical form (shared/canonical.ts) that the editor's schema holds. */
const RICH_MD = `## Scope

Text with ~~struck~~ words, \`code\`, a literal \\* star and \\[brackets\\].\\
After a hard break.

- Parent item
  - Nested item
- Second item

3. Third
4. Fourth

\`\`\`
const x = 1;
\`\`\`

> Quoted with **bold**

---

Last line.
`;

const CANONICAL_MD = `# Purpose of the coalition

We **support** open standards and *multistakeholder* governance.

- Transparency
- Accountability

1. Report every year
2. Publish the minutes

> Nothing about us without us.

See [the charter](https://example.org/charter).
`;

describe("text in and out", () => {
  const app = useAppAndBrowser();

  it("a .md file imported when creating a statement exports as the same canonical Markdown; the export popover shows the live hash", async () => {
    const { server, browser } = app;
    const { page, user } = await userPage(browser, server, "Imogen Importer");
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(server.url);
    await page.getByLabel("Start from a file (.md, .docx, .html)").setInputFiles({
      name: "coalition-purpose.md",
      mimeType: "text/markdown",
      buffer: Buffer.from(CANONICAL_MD),
    });
    await expect.poll(() => page.locator("#new-statement-file-status").getAttribute("data-state")).toBe("ready");
    // The title is taken from the file's first heading.
    await expect.poll(() => page.getByLabel(Label.statementTitle).inputValue()).toBe("Purpose of the coalition");
    await screenshot(page, "text-io-new-statement-from-file");
    await page.getByRole("button", { name: Label.newStatement }).click();
    await page.waitForURL(/\/s\//);
    const id = decodeURIComponent(new URL(page.url()).pathname.split("/")[2]);
    await expect
      .poll(() => page.getByTestId(TextIoTestId.importStatus).getAttribute("data-state"), { timeout: 15_000 })
      .toBe("done");
    await expectExport(user, id, CANONICAL_MD);
    expect(await blockTags(page)).toEqual(["h1", "p", "ul", "ol", "blockquote", "p"]);

    // The export popover: the hash of the text as it is now, equal to the downloaded file's.
    const exportButton = page.getByTestId(TestId.exportButton);
    await exportButton.click();
    const popover = page.getByTestId(TextIoTestId.exportPopover);
    await expect.poll(() => page.getByTestId(TestId.exportHash).textContent()).toBe(sha256Hex(CANONICAL_MD));
    // Beside the side panel, never over its tabs.
    const box = (await popover.boundingBox())!;
    const tabs = (await page.getByTestId(TestId.sidePanel).getByRole("tablist").boundingBox())!;
    expect(box.x + box.width <= tabs.x || box.y >= tabs.y + tabs.height || box.y + box.height <= tabs.y).toBe(true);
    await screenshot(page, "text-io-export-popover");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      popover.getByRole("button", { name: TextIoLabel.exportMarkdown }).click(),
    ]);
    const file = fs.readFileSync((await download.path())!, "utf8");
    expect(file).toBe(CANONICAL_MD);
    expect(download.suggestedFilename()).toMatch(/\.md$/);

    // Someone else changes the text while the popover is open: the hash follows, never showing the old one.
    const other = connectProvider(server.url, id, user);
    other.provider.messageHandlers[MessageType.appEvent] = () => {};
    await synced(other.provider);
    appendParagraph(other.doc, "A late addition.");
    const changed = `${CANONICAL_MD}\nA late addition.\n`;
    await expectExport(user, id, changed);
    await expect.poll(() => page.getByTestId(TestId.exportHash).textContent()).toBe(sha256Hex(changed));
    other.destroy();

    // Escape closes it and gives the focus back to its button; a press outside closes it too.
    await page.keyboard.press("Escape");
    await popover.waitFor({ state: "detached" });
    expect(await exportButton.evaluate((b) => b === document.activeElement)).toBe(true);
    await exportButton.click();
    await popover.waitFor();
    await page.getByTestId(TestId.statementTitle).click();
    await popover.waitFor({ state: "detached" });

    // Word and print exports are offered from the same popover and come from the server with the same hash.
    const docx = await user.get(`/api/statements/${id}/export.docx`);
    expect(docx.status).toBe(200);
    expect(docx.headers.get("x-content-sha256")).toBe(sha256Hex(changed));
    await page.close();
  });

  it("Markdown pasted as plain text becomes headings, lists, quotes and links; ordinary text and HTML paste stay as they were", async () => {
    const { server, browser } = app;
    const { page, user } = await userPage(browser, server, "Paula Paster");
    const { statement } = await user.api.createStatement({ title: "Pasted statement" });
    await openStatement(page, server, statement.id);
    await page.getByTestId(TestId.editor).click();
    await caretSettled(page);
    const pasted =
      "# Goals\n\n- **Open** standards\n- [Charter](https://example.org/c)\n\n2. Second\n3. Third\n\n> Quoted\n\nClosing words.";
    await paste(page, pasted);
    await expectExport(user, statement.id, `${pasted}\n`);
    expect(await blockTags(page)).toEqual(["h1", "ul", "ol", "blockquote", "p"]);
    // Ordinary text is pasted as text; HTML from a web page keeps its own structure.
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Enter");
    await paste(page, "Plain words - with a dash # and a hash");
    await paste(page, "# not a heading", "<p><em># not a heading</em></p>");
    await expectExport(user, statement.id, `${pasted}\n\nPlain words - with a dash # and a hash*# not a heading*\n`);

    // An image in pasted Markdown is dropped and a table becomes text, and the person who pasted is told.
    await page.keyboard.press("Enter");
    await paste(
      page,
      "## Annex\n\n![logo](https://example.org/logo.png)\n\n| Who | When |\n| --- | --- |\n| Chair | May |",
    );
    const status = page.getByTestId(TextIoTestId.importStatus);
    await expect.poll(() => status.getAttribute("data-state")).toBe("pasted");
    expect(await status.textContent()).toContain("1 image was dropped");
    expect(await status.textContent()).toContain("1 table was turned into text");
    await expectExport(
      user,
      statement.id,
      `${pasted}\n\nPlain words - with a dash # and a hash*# not a heading*\n\n## Annex\n\nWho | When\n\nChair | May\n`,
    );
    await page.close();
  });

  it("HTML and Word files import into an empty statement with notices for tables and images; other files are refused", async () => {
    const { server, browser } = app;
    const { page, user } = await userPage(browser, server, "Walter Word");
    const htmlId = (await user.api.createStatement({ title: "From HTML" })).statement.id;
    await openStatement(page, server, htmlId);
    const input = page.getByLabel(TextIoLabel.importInput);
    const status = page.getByTestId(TextIoTestId.importStatus);

    // Refusals change nothing.
    await input.setInputFiles({ name: "scan.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4") });
    await expect.poll(() => status.getAttribute("data-state")).toBe("error");
    expect(await status.textContent()).toContain("choose a .md, .docx or .html file");
    await input.setInputFiles({
      name: "broken.docx",
      mimeType: "application/octet-stream",
      buffer: Buffer.from("PK not a zip"),
    });
    await expect.poll(() => status.textContent()).toContain("could not be read");
    await input.setInputFiles({ name: "huge.md", mimeType: "text/markdown", buffer: Buffer.alloc(1_200_000, "a") });
    await expect.poll(() => status.textContent()).toContain("can be at most 1 MB");
    expect((await user.get(`/api/statements/${htmlId}/export.md`)).text).toBe("");

    const html = `<html><head><title>x</title><script>window.bad = 1</script></head><body>
      <h2>Commitments</h2><p>We <b>will</b> <a href="javascript:alert(1)">report</a> <a href="https://example.org">yearly</a>.</p>
      <img src="https://example.org/logo.png" alt="logo">
      <table><tr><th>Who</th><th>When</th></tr><tr><td>Secretariat</td><td>March</td></tr></table>
      <ul><li>One</li><li>Two</li></ul></body></html>`;
    await input.setInputFiles({ name: "commitments.html", mimeType: "text/html", buffer: Buffer.from(html) });
    await expect.poll(() => status.getAttribute("data-state")).toBe("done");
    const notices = (await status.textContent()) ?? "";
    expect(notices).toContain("1 image was dropped");
    expect(notices).toContain("1 table was turned into text");
    expect(notices).toContain("1 link was kept as plain text");
    await screenshot(page, "text-io-import-notices");
    await expectExport(
      user,
      htmlId,
      "## Commitments\n\nWe **will** report [yearly](https://example.org).\n\nWho | When\n\nSecretariat | March\n\n- One\n- Two\n",
    );
    expect(await page.evaluate(() => (window as { bad?: number }).bad)).toBeUndefined();
    // The statement is no longer empty: import is no longer offered.
    await page.getByTestId(TextIoTestId.importButton).waitFor({ state: "detached" });

    // A real .docx, built with the docx package.
    const png = tinyPng();
    const docx = await Packer.toBuffer(
      new Document({
        sections: [
          {
            children: [
              new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun("Joint submission")] }),
              new Paragraph({
                children: [
                  new TextRun("We ask for "),
                  new TextRun({ text: "open", bold: true }),
                  new TextRun(" processes."),
                ],
              }),
              new Paragraph({
                children: [new ImageRun({ type: "png", data: png, transformation: { width: 10, height: 10 } })],
              }),
              new Table({
                rows: [
                  new TableRow({
                    children: [
                      new TableCell({ children: [new Paragraph("A")] }),
                      new TableCell({ children: [new Paragraph("B")] }),
                    ],
                  }),
                ],
              }),
              new Paragraph({ text: "Open meetings", bullet: { level: 0 } }),
              new Paragraph({ text: "Public minutes", bullet: { level: 0 } }),
              new Paragraph({
                children: [
                  new TextRun("Read "),
                  new ExternalHyperlink({ link: "https://example.org/terms", children: [new TextRun("the terms")] }),
                  new TextRun("."),
                ],
              }),
              new Paragraph({ children: [new TextRun({ text: "Signed in Geneva.", italics: true })] }),
            ],
          },
        ],
      }),
    );
    const docxId = (await user.api.createStatement({ title: "From Word" })).statement.id;
    await openStatement(page, server, docxId);
    await page.getByLabel(TextIoLabel.importInput).setInputFiles({
      name: "submission.docx",
      mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      buffer: docx,
    });
    await expect.poll(() => status.getAttribute("data-state"), { timeout: 15_000 }).toBe("done");
    expect(await status.textContent()).toContain("1 image was dropped");
    await expectExport(
      user,
      docxId,
      "# Joint submission\n\nWe ask for **open** processes.\n\nA | B\n\n- Open meetings\n- Public minutes\n\nRead [the terms](https://example.org/terms).\n\n*Signed in Geneva.*\n",
    );

    // Every canonical construct survives the round trip: import → export gives the input back, byte for byte.
    const richId = (await user.api.createStatement({ title: "Rich" })).statement.id;
    await openStatement(page, server, richId);
    await page.getByLabel(TextIoLabel.importInput).setInputFiles({
      name: "rich.md",
      mimeType: "text/markdown",
      buffer: Buffer.from(RICH_MD),
    });
    await expect.poll(() => status.getAttribute("data-state")).toBe("done");
    await expectExport(user, richId, RICH_MD);
    await page.close();
  });

  it("two people paste Markdown into the same paragraph, or import into the same empty statement, at the same moment: both texts are kept", async () => {
    const { server, browser } = app;
    const { page: a, user: alice } = await userPage(browser, server, "Alice Paste");
    const bob = await userPage(browser, server, "Bob Paste");
    const { statement } = await alice.api.createStatement({ title: "Concurrent paste" });
    await alice.api.addMember(statement.id, { email: bob.user.email, role: "drafter" });
    const writer = connectProvider(server.url, statement.id, alice);
    writer.provider.messageHandlers[MessageType.appEvent] = () => {};
    await synced(writer.provider);
    appendParagraph(writer.doc, "Shared paragraph.");
    await expectExport(alice, statement.id, "Shared paragraph.\n");
    writer.destroy();
    const b = bob.page;
    await Promise.all([openStatement(a, server, statement.id), openStatement(b, server, statement.id)]);
    for (const p of [a, b]) {
      await p.getByTestId(TestId.editor).locator("p").first().click();
      await p.keyboard.press("End");
      await caretSettled(p);
    }
    await Promise.all([
      paste(a, "\n\n## From Alice\n\n- alpha one\n- alpha two"),
      paste(b, "\n\n## From Bob\n\n- beta one\n- beta two"),
    ]);
    let text = "";
    await expect
      .poll(
        async () => {
          text = (await alice.get(`/api/statements/${statement.id}/export.md`)).text;
          return ["## From Alice", "- alpha one", "- alpha two", "## From Bob", "- beta one", "- beta two"].every((s) =>
            text.includes(s),
          );
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    expect(text.startsWith("Shared paragraph.")).toBe(true);
    // Both screens converge on the server's text.
    await expect
      .poll(async () => JSON.stringify(await editorBlocks(a)) === JSON.stringify(await editorBlocks(b)))
      .toBe(true);
    expect((await editorBlocks(a)).length).toBe(5);

    // Both import a file into the same empty statement at the same moment: both texts are kept.
    const empty = (await alice.api.createStatement({ title: "Concurrent import" })).statement.id;
    await alice.api.addMember(empty, { email: bob.user.email, role: "drafter" });
    await Promise.all([openStatement(a, server, empty), openStatement(b, server, empty)]);
    await Promise.all([
      a.getByLabel(TextIoLabel.importInput).setInputFiles({
        name: "alice.md",
        mimeType: "text/markdown",
        buffer: Buffer.from("# Alice's draft\n\nAlpha clause.\n"),
      }),
      b.getByLabel(TextIoLabel.importInput).setInputFiles({
        name: "bob.html",
        mimeType: "text/html",
        buffer: Buffer.from("<h1>Bob's draft</h1><p>Beta clause.</p>"),
      }),
    ]);
    await expect
      .poll(
        async () => {
          text = (await alice.get(`/api/statements/${empty}/export.md`)).text;
          return ["# Alice's draft", "Alpha clause.", "# Bob's draft", "Beta clause."].every((s) => text.includes(s));
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    await expect
      .poll(async () => JSON.stringify(await editorBlocks(a)) === JSON.stringify(await editorBlocks(b)))
      .toBe(true);
    await a.close();
    await b.close();
  });

  it("toolbar: links only to web and email addresses, quotes, and names that contain what the buttons show", async () => {
    const { server, browser } = app;
    const { page, user } = await userPage(browser, server, "Lina Linker");
    const { statement } = await user.api.createStatement({ title: "Links" });
    await openStatement(page, server, statement.id);
    const editor = page.getByTestId(TestId.editor);
    await editor.click();
    await caretSettled(page);
    await page.keyboard.type("Read the charter today");
    await expectExport(user, statement.id, "Read the charter today\n");
    // Select "charter" (8 characters back from " today").
    await page.keyboard.press("End");
    for (let i = 0; i < " today".length; i++) await page.keyboard.press("ArrowLeft");
    await page.keyboard.down("Shift");
    for (let i = 0; i < "charter".length; i++) await page.keyboard.press("ArrowLeft");
    await page.keyboard.up("Shift");
    const toolbar = page.getByTestId(TestId.editorToolbar);
    await toolbar.getByRole("button", { name: TextIoLabel.link }).click();
    const dialog = page.getByTestId(TextIoTestId.linkDialog);
    await dialog.getByLabel(TextIoLabel.linkUrl).fill("javascript:alert(1)");
    await dialog.getByRole("button", { name: TextIoLabel.applyLink }).click();
    await expect.poll(() => dialog.getByRole("alert").textContent()).toContain("Only web (http, https) and email");
    await screenshot(page, "text-io-link-refused");
    await dialog.getByLabel(TextIoLabel.linkUrl).fill("example.org/charter");
    await dialog.getByRole("button", { name: TextIoLabel.applyLink }).click();
    await dialog.waitFor({ state: "detached" });
    await expectExport(user, statement.id, "Read the [charter](https://example.org/charter) today\n");
    // Ctrl+K on the link opens it for editing; Escape closes and returns to the button; Remove unlinks.
    await editor.locator("a").click();
    await caretSettled(page);
    await page.keyboard.press("Control+k");
    await expect.poll(() => dialog.getByLabel(TextIoLabel.linkUrl).inputValue()).toBe("https://example.org/charter");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    await editor.locator("a").click();
    await toolbar.getByRole("button", { name: TextIoLabel.link }).click();
    await dialog.getByRole("button", { name: TextIoLabel.removeLink }).click();
    await expectExport(user, statement.id, "Read the charter today\n");
    await toolbar.getByRole("button", { name: TextIoLabel.blockquote }).click();
    await expectExport(user, statement.id, "> Read the charter today\n");
    // Titles keep the shortcuts.
    expect(await toolbar.getByRole("button", { name: Label.bold }).getAttribute("title")).toMatch(/^Bold \(Ctrl\+B\)$/);

    await page.evaluate(fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8"));
    const violations = await page.evaluate(async (selector) => {
      const axe = (window as unknown as { axe: typeof import("axe-core") }).axe;
      const r = await axe.run(selector, { runOnly: { type: "rule", values: ["label-content-name-mismatch"] } });
      return r.violations.flatMap((v) => v.nodes.map((n) => n.html));
    }, `[data-testid="${TestId.editorToolbar}"]`);
    expect(violations).toEqual([]);
    await page.close();
  });
});

/** A 1×1 transparent PNG. */
function tinyPng(): Buffer {
  return Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
    "base64",
  );
}
