/**
 * Caret and avatar colours. Every colour of the palette has at least 4.5:1 contrast with the white paper the
 * text is on (a caret is a 2 px line, so 3:1 would do; 4.5:1 leaves room), and the caret label's text is white
 * or black, whichever reads better (client/ui/contrast.ts).
 *
 * A person's preferred colour comes from their user id (`colorForUser`: stable everywhere: members list, the
 * header). In a document, people who are there at the same moment get distinct colours (`caretColorFor`): each
 * client keeps its colour unless someone who claimed it earlier has it, in which case it takes the colour
 * least used among the others present (ties go to the palette order starting at its preferred colour, so two
 * clients resolving at once rarely collide again, and when they do the same rule settles it next round).
 * A person's colour therefore changes only at the moment they join a room where their colour is taken, never
 * while they stay: "earlier" is the time each client started claiming (`since`), the client id breaking ties.
 */
export const PALETTE = [
  "#2563eb",
  "#db2777",
  "#047857",
  "#b45309",
  "#7c3aed",
  "#dc2626",
  "#0e7490",
  "#4d7c0f",
  "#c026d3",
  "#c2410c",
  "#4f46e5",
  "#0f766e",
] as const;

const inPalette: ReadonlySet<string> = new Set(PALETTE);

/** Whether a colour is one of the palette's (the server lets a client choose only those). */
export function isPaletteColor(color: unknown): color is string {
  return typeof color === "string" && inPalette.has(color);
}

/** A user's preferred colour, stable for their id. */
export function colorForUser(userId: string): string {
  return PALETTE[preferredIndex(userId)];
}

function preferredIndex(userId: string): number {
  let h = 0;
  for (let i = 0; i < userId.length; i++) h = (h * 31 + userId.charCodeAt(i)) >>> 0;
  return h % PALETTE.length;
}

/** One client in a room, as its awareness state shows it. */
export interface CaretClaim {
  clientId: number;
  userId: string;
  color: string;
  /** When the client started claiming its colour (ms); earlier claims win. */
  since: number;
}

/** Whether claim `a` came before claim `b` (earlier `since`, then the smaller client id). */
function before(a: CaretClaim, b: CaretClaim): boolean {
  return a.since !== b.since ? a.since < b.since : a.clientId < b.clientId;
}

/**
 * The colour `me` should show among `others` (the other clients in the room; my own user's other tabs are
 * ignored, a person is one colour). Keeps my colour unless an earlier claim by another person holds it;
 * otherwise the colour least used by the others.
 */
export function caretColorFor(me: CaretClaim, others: readonly CaretClaim[]): string {
  const people = others.filter((o) => o.userId !== me.userId);
  const mine = isPaletteColor(me.color) ? me.color : colorForUser(me.userId);
  if (!people.some((o) => o.color === mine && before(o, me))) return mine;
  const uses = new Map<string, number>(PALETTE.map((c) => [c, 0]));
  for (const o of people) if (uses.has(o.color)) uses.set(o.color, uses.get(o.color)! + 1);
  const start = preferredIndex(me.userId);
  let best: string = PALETTE[start];
  for (let i = 0; i < PALETTE.length; i++) {
    const c = PALETTE[(start + i) % PALETTE.length];
    if (uses.get(c)! < uses.get(best)!) best = c;
  }
  return best;
}
