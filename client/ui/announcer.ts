/**
 * The one polite live region of the app. Things that happen without the person doing them (the connection
 * dropped, a comment arrived on their clause, their position went stale, the statement was locked) are said by
 * screen readers through {@link announce}, once, instead of each widget being a live region of its own (which
 * read "Saving… Connected" after every keystroke).
 *
 * The region is a visually hidden `role="status"` element created at start ({@link mountAnnouncer}) so that it
 * exists before its first message, as screen readers require. Each message is appended as its own line (the
 * last few are kept) so a repeated message is read again; `data-testid="announcer"` lets tests read them.
 */

const KEPT = 5;
let region: HTMLElement | null = null;

/** Creates the live region (idempotent); call once when the app starts. */
export function mountAnnouncer(): HTMLElement {
  if (region?.isConnected) return region;
  region = document.createElement("div");
  region.setAttribute("role", "status");
  region.setAttribute("aria-live", "polite");
  region.setAttribute("aria-relevant", "additions");
  region.className = "visually-hidden";
  region.dataset.testid = "announcer";
  document.body.append(region);
  return region;
}

/** Has screen readers say `message` politely (after what they are reading now). */
export function announce(message: string): void {
  const target = mountAnnouncer();
  const line = document.createElement("p");
  line.textContent = message;
  target.append(line);
  while (target.childElementCount > KEPT) target.firstElementChild?.remove();
}
