/** The clauses of the open document as the Comments tab lists them: their order and a short snippet each. */
import { useEffect, useMemo, useState } from "react";
import type * as Y from "yjs";
import { clauseElements, DOCUMENT_FIELD } from "../../shared/canonical";
import { clauseText } from "../../shared/comments/anchors";

/** Clause order and a short label per clause, kept live from the Y.Doc. */
export function useClauses(ydoc: Y.Doc): { order: Map<string, number>; snippet: Map<string, string>; version: number } {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let t: ReturnType<typeof setTimeout> | null = null;
    const onUpdate = () => {
      if (t) return;
      t = setTimeout(() => {
        t = null;
        setVersion((v) => v + 1);
      }, 100);
    };
    ydoc.on("update", onUpdate);
    return () => {
      ydoc.off("update", onUpdate);
      if (t) clearTimeout(t);
    };
  }, [ydoc]);
  return useMemo(() => {
    const order = new Map<string, number>();
    const snippet = new Map<string, string>();
    // Every clause: top-level blocks and the items of top-level lists (shared/canonical.ts).
    clauseElements(ydoc.getXmlFragment(DOCUMENT_FIELD)).forEach(({ clauseId: id, element }, i) => {
      if (id === null || order.has(id)) return;
      order.set(id, i);
      const text = clauseText(element).text.replace(/\s+/g, " ").trim();
      snippet.set(id, text.length > 60 ? `${text.slice(0, 57)}…` : text);
    });
    return { order, snippet, version };
  }, [ydoc, version]);
}
