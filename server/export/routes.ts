/**
 * `/api/statements/:id/export.html` (print-ready HTML, for the browser's "Save as PDF") and
 * `/api/statements/:id/export.docx`. Any member may export, as with `export.md`: reading the text is all it
 * takes. Both carry the canonical text's SHA-256 in `X-Content-SHA256`, like the Markdown export.
 */
import { Hono } from "hono";
import type { AppEnv } from "../context";
import { requireUser } from "../auth/middleware";
import { requireMembership } from "../statements/access";
import { exportDocument } from "./document";
import { renderDocx } from "./docx";
import { renderPrintHtml } from "./print";

const DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** The export routes beyond canonical Markdown (mounted under `/api`). */
export function exportRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/statements/:id/export.html", async (c) => {
    const user = requireUser(c);
    const id = c.req.param("id");
    await requireMembership(c.var.services.db, id, user.id);
    const doc = await exportDocument(c.var.services, id);
    c.header("X-Content-SHA256", doc.hash);
    // Opened in a tab to be printed, not downloaded.
    c.header("Content-Disposition", `inline; filename="${doc.slug}.html"`);
    return c.html(renderPrintHtml(doc));
  });

  app.get("/statements/:id/export.docx", async (c) => {
    const user = requireUser(c);
    const id = c.req.param("id");
    await requireMembership(c.var.services.db, id, user.id);
    const doc = await exportDocument(c.var.services, id);
    const file = await renderDocx(doc);
    c.header("X-Content-SHA256", doc.hash);
    c.header("Content-Disposition", `attachment; filename="${doc.slug}.docx"`);
    return c.body(new Uint8Array(file), 200, { "Content-Type": DOCX_TYPE });
  });

  return app;
}
