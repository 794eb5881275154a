/**
 * The formatting toolbar: marks, headings, lists, quote, link, undo/redo, with active states and shortcuts in
 * titles. Each button's accessible name is its label, written out in a visually hidden span (the glyph is
 * hidden from assistive technology), so the name never mismatches what is shown.
 */
import { useEditorState } from "@tiptap/react";
import type { Editor } from "@tiptap/core";
import { useEffect, useRef, useState } from "react";
import type { ReactNode } from "react";
import { Label, TestId } from "../testids";
import { TextIoLabel } from "../import/testids";
import { LinkPopover } from "./LinkPopover";

const isMac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** A shortcut written as Tiptap does (`Mod-Shift-Z`) in the platform's words (`⌘⇧Z` / `Ctrl+Shift+Z`). */
export function shortcutLabel(shortcut: string): string {
  const parts = shortcut.split("-");
  if (isMac) {
    const map: Record<string, string> = { Mod: "⌘", Shift: "⇧", Alt: "⌥" };
    return parts.map((p) => map[p] ?? p.toUpperCase()).join("");
  }
  return parts.map((p) => (p === "Mod" ? "Ctrl" : p.length === 1 ? p.toUpperCase() : p)).join("+");
}

interface ButtonSpec {
  label: string;
  shortcut: string;
  icon: ReactNode;
  active?: boolean;
  enabled: boolean;
  run: () => void;
}

function ToolbarButton({
  spec,
  disabled,
  buttonRef,
  popup,
}: {
  spec: ButtonSpec;
  disabled: boolean;
  buttonRef?: React.Ref<HTMLButtonElement>;
  popup?: { expanded: boolean };
}) {
  const toggle = spec.active !== undefined && !popup;
  return (
    <button
      ref={buttonRef}
      type="button"
      className={`tool ${spec.active ? "tool-active" : ""}`}
      aria-pressed={toggle ? spec.active : undefined}
      aria-haspopup={popup ? "dialog" : undefined}
      aria-expanded={popup ? popup.expanded : undefined}
      aria-keyshortcuts={spec.shortcut.replace(/Mod/g, isMac ? "Meta" : "Control").replace(/-/g, "+")}
      title={`${spec.label} (${shortcutLabel(spec.shortcut)})`}
      disabled={disabled || !spec.enabled}
      // Keep the editor's selection: a mousedown on the button must not blur the editor.
      onMouseDown={(e) => e.preventDefault()}
      onClick={spec.run}
    >
      <span aria-hidden="true" className="tool-icon">
        {spec.icon}
      </span>
      <span className="visually-hidden">{spec.label}</span>
    </button>
  );
}

const Icon = {
  bold: <strong className="tool-glyph">B</strong>,
  italic: <em className="tool-glyph tool-serif">I</em>,
  h: (n: number) => (
    <span className="tool-glyph">
      H<sub>{n}</sub>
    </span>
  ),
  bullet: (
    <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
      <circle cx="4" cy="5" r="1.6" fill="currentColor" />
      <circle cx="4" cy="10" r="1.6" fill="currentColor" />
      <circle cx="4" cy="15" r="1.6" fill="currentColor" />
      <path d="M8 5h9M8 10h9M8 15h9" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
    </svg>
  ),
  ordered: (
    <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
      <text x="1.5" y="7" fontSize="6" fill="currentColor" fontFamily="sans-serif">
        1
      </text>
      <text x="1.5" y="12.5" fontSize="6" fill="currentColor" fontFamily="sans-serif">
        2
      </text>
      <text x="1.5" y="18" fontSize="6" fill="currentColor" fontFamily="sans-serif">
        3
      </text>
      <path d="M8 5h9M8 10h9M8 15h9" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
    </svg>
  ),
  quote: (
    <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
      <path d="M4 4v12" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
      <path d="M8 6h9M8 10h9M8 14h6" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
    </svg>
  ),
  link: (
    <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
      <path
        d="M8.5 11.5a3 3 0 0 0 4.2 0l2.6-2.6a3 3 0 0 0-4.2-4.2L10 5.8M11.5 8.5a3 3 0 0 0-4.2 0l-2.6 2.6a3 3 0 0 0 4.2 4.2l1.1-1.1"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinecap="round"
      />
    </svg>
  ),
  undo: (
    <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
      <path
        d="M7 5 3 9l4 4"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
      <path d="M3.5 9H12a5 5 0 0 1 0 10h-2" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
    </svg>
  ),
  redo: (
    <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
      <path
        d="m13 5 4 4-4 4"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
      <path d="M16.5 9H8a5 5 0 0 0 0 10h2" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
    </svg>
  ),
};

/** The toolbar above the editor; `disabled` when the user may not edit. */
export function Toolbar({ editor, disabled }: { editor: Editor; disabled: boolean }) {
  const s = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e.isActive("bold"),
      italic: e.isActive("italic"),
      h1: e.isActive("heading", { level: 1 }),
      h2: e.isActive("heading", { level: 2 }),
      h3: e.isActive("heading", { level: 3 }),
      bullet: e.isActive("bulletList"),
      ordered: e.isActive("orderedList"),
      quote: e.isActive("blockquote"),
      link: e.isActive("link"),
      canBold: e.can().toggleBold(),
      canItalic: e.can().toggleItalic(),
      canUndo: e.can().undo(),
      canRedo: e.can().redo(),
    }),
  });
  const chain = () => editor.chain().focus();
  const [linkOpen, setLinkOpen] = useState(false);
  const linkButton = useRef<HTMLButtonElement>(null);

  // Mod-K opens the link popover from the text, as in most editors.
  useEffect(() => {
    if (disabled) return;
    const dom = editor.view.dom;
    const onKey = (e: KeyboardEvent) => {
      if ((isMac ? e.metaKey : e.ctrlKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === "k") {
        e.preventDefault();
        setLinkOpen(true);
      }
    };
    dom.addEventListener("keydown", onKey);
    return () => dom.removeEventListener("keydown", onKey);
  }, [editor, disabled]);

  const linkSpec: ButtonSpec = {
    label: TextIoLabel.link,
    shortcut: "Mod-K",
    icon: Icon.link,
    active: s.link,
    enabled: true,
    run: () => setLinkOpen((o) => !o),
  };
  const groups: ButtonSpec[][] = [
    [
      {
        label: Label.bold,
        shortcut: "Mod-B",
        icon: Icon.bold,
        active: s.bold,
        enabled: s.canBold,
        run: () => chain().toggleBold().run(),
      },
      {
        label: Label.italic,
        shortcut: "Mod-I",
        icon: Icon.italic,
        active: s.italic,
        enabled: s.canItalic,
        run: () => chain().toggleItalic().run(),
      },
    ],
    [
      {
        label: Label.heading1,
        shortcut: "Mod-Alt-1",
        icon: Icon.h(1),
        active: s.h1,
        enabled: true,
        run: () => chain().toggleHeading({ level: 1 }).run(),
      },
      {
        label: Label.heading2,
        shortcut: "Mod-Alt-2",
        icon: Icon.h(2),
        active: s.h2,
        enabled: true,
        run: () => chain().toggleHeading({ level: 2 }).run(),
      },
      {
        label: Label.heading3,
        shortcut: "Mod-Alt-3",
        icon: Icon.h(3),
        active: s.h3,
        enabled: true,
        run: () => chain().toggleHeading({ level: 3 }).run(),
      },
    ],
    [
      {
        label: Label.bulletList,
        shortcut: "Mod-Shift-8",
        icon: Icon.bullet,
        active: s.bullet,
        enabled: true,
        run: () => chain().toggleBulletList().run(),
      },
      {
        label: Label.orderedList,
        shortcut: "Mod-Shift-7",
        icon: Icon.ordered,
        active: s.ordered,
        enabled: true,
        run: () => chain().toggleOrderedList().run(),
      },
      {
        label: TextIoLabel.blockquote,
        shortcut: "Mod-Shift-B",
        icon: Icon.quote,
        active: s.quote,
        enabled: true,
        run: () => chain().toggleBlockquote().run(),
      },
    ],
    [
      { label: Label.undo, shortcut: "Mod-Z", icon: Icon.undo, enabled: s.canUndo, run: () => chain().undo().run() },
      {
        label: Label.redo,
        shortcut: "Mod-Shift-Z",
        icon: Icon.redo,
        enabled: s.canRedo,
        run: () => chain().redo().run(),
      },
    ],
  ];
  return (
    <div
      className="toolbar"
      role="toolbar"
      aria-label="Formatting"
      data-testid={TestId.editorToolbar}
      aria-disabled={disabled || undefined}
    >
      {groups.map((g, i) => (
        <div className="tool-group" key={i}>
          {g.map((spec) => (
            <ToolbarButton key={spec.label} spec={spec} disabled={disabled} />
          ))}
          {i === 0 && (
            <span className="tool-anchor">
              <ToolbarButton
                spec={linkSpec}
                disabled={disabled}
                buttonRef={linkButton}
                popup={{ expanded: linkOpen }}
              />
              {linkOpen && <LinkPopover editor={editor} trigger={linkButton} onClose={() => setLinkOpen(false)} />}
            </span>
          )}
        </div>
      ))}
    </div>
  );
}
