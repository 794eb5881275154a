/**
 * The print HTML and .docx exports, through a real server: a statement written by a real y-websocket client,
 * signed by a real representative, exported over HTTP; the .docx is opened back with mammoth.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import mammoth from "mammoth";
import type { RunningServer } from "../server";
import { ApiClient, connectProvider, eventually, signUp, startTestServer, synced } from "../testing/harness";
import { DOCUMENT_FIELD, sha256Hex } from "../../shared/canonical";
import { cssString } from "./print";

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

type Inline = string | { text: string; marks: Record<string, unknown> };

function block(name: string, content: Inline[], attrs: Record<string, string | number> = {}): Y.XmlElement {
  const el = new Y.XmlElement(name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v as string);
  const t = new Y.XmlText();
  // Not in a document yet: its length reads 0, so the offsets are counted here.
  let at = 0;
  for (const part of content) {
    const text = typeof part === "string" ? part : part.text;
    // An explicit (empty) format: without one, Yjs continues the previous run's marks.
    t.insert(at, text, typeof part === "string" ? {} : part.marks);
    at += text.length;
  }
  el.insert(0, [t]);
  return el;
}
function list(name: "bulletList" | "orderedList", items: Array<string | [string, Y.XmlElement]>, clauseId?: string) {
  const l = new Y.XmlElement(name);
  if (clauseId) l.setAttribute("clauseId", clauseId);
  l.insert(
    0,
    items.map((item) => {
      const li = new Y.XmlElement("listItem");
      const [text, nested] = typeof item === "string" ? [item, null] : item;
      li.insert(0, nested ? [block("paragraph", [text]), nested] : [block("paragraph", [text])]);
      return li;
    }),
  );
  return l;
}
function quote(text: string, clauseId: string): Y.XmlElement {
  const q = new Y.XmlElement("blockquote");
  q.setAttribute("clauseId", clauseId);
  q.insert(0, [block("paragraph", [text])]);
  return q;
}

const TITLE = `Joint <script>alert("t")</script> & "Statement"`;

async function writtenStatement() {
  const convener = await signUp(server.url, "Convener");
  const { statement } = await convener.api.createStatement({ title: TITLE });
  const id = statement.id;
  const org = (
    await convener.post("/api/organizations", {
      name: `Registry <b>&amp;</b> ${Date.now()}`,
      shortName: "REG",
      stakeholderGroup: "technical-community",
    })
  ).json.organization;
  const rep = await signUp(server.url, "Rep <i>One</i> X");
  expect(
    (
      await convener.post(`/api/statements/${id}/members`, {
        email: rep.email,
        role: "drafter",
        organizationId: org.id,
      })
    ).status,
  ).toBe(201);
  const p = connectProvider(server.url, id, convener);
  await synced(p.provider);
  const frag = p.doc.getXmlFragment(DOCUMENT_FIELD);
  frag.insert(0, [
    block("heading", ["Purpose of the coalition"], { clauseId: "h1", level: 1 }),
    block(
      "paragraph",
      ["We support ", { text: "open standards", marks: { bold: {} } }, " and <img src=x onerror=alert(1)>."],
      {
        clauseId: "p1",
      },
    ),
    list("bulletList", [["Transparency", list("bulletList", ["Open meetings"])], "Accountability"], "l1"),
    list("orderedList", ["Report yearly", "Publish minutes"], "l2"),
    quote("Nothing about us without us.", "q1"),
    block(
      "paragraph",
      ["See ", { text: "the charter", marks: { link: { href: "https://example.org/charter" } } }, "."],
      {
        clauseId: "p2",
      },
    ),
  ]);
  let markdown = "";
  await eventually(
    async () => {
      markdown = (await convener.get(`/api/statements/${id}/export.md`)).text;
      return markdown.includes("the charter");
    },
    5000,
    "text stored",
  );
  p.destroy();
  return { convener, rep, id, org, markdown };
}

describe("exports beyond Markdown", () => {
  it("the print HTML has the title, the text, the hash and the signatories on the last page, all escaped", async () => {
    const { convener, rep, id, org, markdown } = await writtenStatement();
    const hash = sha256Hex(markdown);
    const sign = await rep.post(`/api/statements/${id}/signature`, {
      organizationId: org.id,
      documentHash: hash,
      documentText: markdown,
    });
    expect(sign.status).toBe(201);

    const res = await convener.get(`/api/statements/${id}/export.html`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("x-content-sha256")).toBe(hash);
    const html = res.text;
    // Nothing a user typed becomes markup: title, text, organization and signer names are all escaped.
    expect(html).not.toMatch(/<script|<img|<b>|<i>/i);
    expect(html).toContain("Joint &#60;script&#62;alert(&#34;t&#34;)&#60;/script&#62; &#38; &#34;Statement&#34;");
    expect(html).toContain("&#60;img src=x onerror=alert(1)&#62;");
    expect(html).toContain("<h1>Purpose of the coalition</h1>");
    expect(html).toContain("<strong>open standards</strong>");
    expect(html).toContain('href="https://example.org/charter"');
    // The page header's title is a CSS string that cannot close the style element.
    expect(html).toContain(`@top-center { content: ${cssString(TITLE)};`);
    expect(cssString(TITLE)).not.toMatch(/[<>]/);
    expect(html).toContain('counter(page) " of " counter(pages)');
    const last = html.slice(html.indexOf('class="last-page"'));
    expect(last).toContain(hash);
    expect(last).toContain(`Registry &#60;b&#62;&#38;amp;&#60;/b&#62;`);
    expect(last).toContain("signed by Rep &#60;i&#62;One&#60;/i&#62; X");
  });

  it("the .docx opened with mammoth has every clause, lists and the hash, and is refused to non-members", async () => {
    const { convener, id, markdown } = await writtenStatement();
    const res = await fetch(`${server.url}/api/statements/${id}/export.docx`, { headers: { cookie: convener.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("wordprocessingml");
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename=".+\.docx"/);
    const buffer = Buffer.from(await res.arrayBuffer());
    const { value: html } = await mammoth.convertToHtml({ buffer });
    expect(html).toContain("<h1>Purpose of the coalition</h1>");
    expect(html).toContain("We support <strong>open standards</strong> and &lt;img src=x onerror=alert(1)&gt;.");
    expect(html).toContain("<ul><li>Transparency<ul><li>Open meetings</li></ul></li><li>Accountability</li></ul>");
    expect(html).toContain("<p>Nothing about us without us.</p>");
    expect(html).toMatch(/<ol><li>Report yearly<\/li><li>Publish minutes<\/li><\/ol>/);
    expect(html).toContain('<a href="https://example.org/charter">the charter</a>');
    expect(html).toContain(sha256Hex(markdown));
    expect(html).toContain("No organization has signed this text yet.");

    const stranger = await signUp(server.url, "Stranger");
    expect((await stranger.get(`/api/statements/${id}/export.docx`)).status).toBe(404);
    expect((await new ApiClient(server.url).get(`/api/statements/${id}/export.docx`)).status).toBe(401);
  });
});
