/**
 * The keyboard shortcuts, listed in a dialog that `?` opens anywhere outside a text field (and "Keyboard
 * shortcuts" in the user menu). Shortcuts are written for the platform: ⌘ on a Mac, Ctrl elsewhere.
 */
import { useEffect, useState } from "react";
import { Dialog } from "./Dialog";

const isMac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);
const mod = isMac ? "⌘" : "Ctrl";
const alt = isMac ? "⌥" : "Alt";

/** Sections of shortcuts: keys (each a list of key caps) and what they do. */
const SECTIONS: Array<{ title: string; rows: Array<[string[], string]> }> = [
  {
    title: "Everywhere",
    rows: [
      [["?"], "Show this list"],
      [["Tab", "Shift+Tab"], "Move to the next or previous control"],
      [["Enter", "Space"], "Press the focused button"],
      [["Esc"], "Close a dialog, a menu, the comment composer or the panel on a phone"],
    ],
  },
  {
    title: "Statement text",
    rows: [
      [[`${mod}+F`], "Search the statement and its comments"],
      [[`${mod}+${alt}+M`], "Comment on the selected words"],
      [[`${mod}+K`], "Link the selected words"],
      [[`${mod}+B`, `${mod}+I`], "Bold, italic"],
      [[`${mod}+${alt}+1`, `${mod}+${alt}+2`, `${mod}+${alt}+3`], "Heading 1, 2, 3"],
      [[`${mod}+Shift+8`, `${mod}+Shift+7`], "Bullet list, numbered list"],
      [[`${mod}+Shift+B`], "Quote"],
      [[`${mod}+Z`, `${mod}+Shift+Z`], "Undo, redo"],
      [["Tab"], "Leave the text (in a list item: indent it)"],
    ],
  },
  {
    title: "Side panel and sign-off",
    rows: [
      [["←", "→"], "Move between the panel's tabs (People, Comments, Sign-off, History)"],
      [["Arrow keys"], "Move between the cells of the sign-off matrix"],
      [["Home", "End"], "First or last tab, or cell of a row"],
    ],
  },
];

/** Whether a key event comes from somewhere that types text (where `?` is a character, not a command). */
function typingInto(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.closest !== "function") return false;
  return !!el.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']");
}

/** Opens the shortcut list on `?` outside text fields; returns its state for a menu item to open it too. */
export function useShortcutsHelp(): { open: boolean; setOpen: (open: boolean) => void } {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "?" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      if (typingInto(e.target)) return;
      e.preventDefault();
      setOpen(true);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
  return { open, setOpen };
}

/** The dialog listing every shortcut. */
export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} title="Keyboard shortcuts" onClose={onClose} wide>
      <div className="shortcuts">
        {SECTIONS.map((section) => (
          <section key={section.title}>
            <h3>{section.title}</h3>
            <dl>
              {section.rows.map(([keys, what]) => (
                <div key={what} className="shortcut-row">
                  <dt>
                    {keys.map((k, i) => (
                      <span key={k}>
                        {i > 0 && <span className="muted"> or </span>}
                        <kbd>{k}</kbd>
                      </span>
                    ))}
                  </dt>
                  <dd>{what}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </Dialog>
  );
}
