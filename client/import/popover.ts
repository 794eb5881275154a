/**
 * Closing behaviour shared by the small popovers of the editor (export, link): Escape closes and puts focus
 * back on the button that opened it; a press outside both closes without stealing the focus from what was
 * pressed.
 */
import { useEffect } from "react";
import type { RefObject } from "react";

/** While `open`, closes on Escape (focus back to `trigger`) and on a pointer press outside `popover` and `trigger`. */
export function useDismiss(
  open: boolean,
  close: () => void,
  popover: RefObject<HTMLElement | null>,
  trigger: RefObject<HTMLElement | null>,
): void {
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      e.preventDefault();
      e.stopPropagation();
      close();
      trigger.current?.focus();
    };
    const onPointer = (e: PointerEvent) => {
      const target = e.target as Node | null;
      if (!target) return;
      if (popover.current?.contains(target) || trigger.current?.contains(target)) return;
      close();
    };
    // Capture: an editor or panel that handles the key itself must not keep the popover open.
    document.addEventListener("keydown", onKey, true);
    document.addEventListener("pointerdown", onPointer, true);
    return () => {
      document.removeEventListener("keydown", onKey, true);
      document.removeEventListener("pointerdown", onPointer, true);
    };
  }, [open, close, popover, trigger]);
}
