/**
 * A word-level diff, for showing what changed in a clause (or the whole text) since an organization gave its
 * position or signature. Small and dependency-free: tokens are words, single punctuation marks and runs of
 * white space; the common head and tail are cut off first, and the middle is aligned by a longest common
 * subsequence. Joining the `equal` and `delete` parts gives the old text back, `equal` and `insert` the new one.
 */

/** One run of a diff. */
export type DiffPart = { op: "equal" | "insert" | "delete"; text: string };

/**
 * Above this many LCS cells the middle is reported as one deletion and one insertion instead of aligned word
 * by word: a clause is far below it, and it keeps a whole-document diff of a heavily rewritten text cheap.
 */
const MAX_LCS_CELLS = 4_000_000;

/** Splits a text into words, single punctuation marks and white-space runs. */
export function wordTokens(text: string): string[] {
  return text.match(/\s+|[\p{L}\p{N}\p{M}_'’]+|[^\s\p{L}\p{N}\p{M}_'’]/gu) ?? [];
}

function push(out: DiffPart[], op: DiffPart["op"], text: string): void {
  if (text === "") return;
  const last = out[out.length - 1];
  if (last && last.op === op) last.text += text;
  else out.push({ op, text });
}

/** The word-level difference from `before` to `after`, with adjacent runs of one kind merged. */
export function diffWords(before: string, after: string): DiffPart[] {
  const a = wordTokens(before);
  const b = wordTokens(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);

  const out: DiffPart[] = [];
  push(out, "equal", a.slice(0, head).join(""));
  if (midA.length * midB.length > MAX_LCS_CELLS) {
    push(out, "delete", midA.join(""));
    push(out, "insert", midB.join(""));
  } else {
    for (const part of lcsDiff(midA, midB)) push(out, part.op, part.text);
  }
  push(out, "equal", a.slice(a.length - tail).join(""));
  return tidy(out);
}

/**
 * Reads better: a lone space kept between two changes joins them ("~~old words~~ new words" rather than
 * "~~old~~ new ~~words~~ words"), and inside each changed stretch the deletion comes before the insertion.
 */
function tidy(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  let del = "";
  let ins = "";
  const flush = () => {
    push(out, "delete", del);
    push(out, "insert", ins);
    del = "";
    ins = "";
  };
  parts.forEach((p, k) => {
    const between = k > 0 && k < parts.length - 1 && parts[k - 1].op !== "equal" && parts[k + 1].op !== "equal";
    if (p.op === "equal" && !(between && /^\s+$/.test(p.text))) {
      flush();
      push(out, "equal", p.text);
    } else if (p.op === "equal") {
      del += p.text;
      ins += p.text;
    } else if (p.op === "delete") del += p.text;
    else ins += p.text;
  });
  flush();
  return out;
}

/** Classic dynamic-programming LCS over tokens, walked forwards so deletions come before insertions. */
function lcsDiff(a: string[], b: string[]): DiffPart[] {
  const n = a.length;
  const m = b.length;
  // lengths[i][j] = LCS length of a[i..] and b[j..], in one flat array.
  const width = m + 1;
  const lengths = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * width + j] =
        a[i] === b[j]
          ? lengths[(i + 1) * width + j + 1] + 1
          : Math.max(lengths[(i + 1) * width + j], lengths[i * width + j + 1]);
    }
  }
  const out: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      push(out, "equal", a[i]);
      i++;
      j++;
    } else if (lengths[(i + 1) * width + j] >= lengths[i * width + j + 1]) {
      push(out, "delete", a[i++]);
    } else {
      push(out, "insert", b[j++]);
    }
  }
  while (i < n) push(out, "delete", a[i++]);
  while (j < m) push(out, "insert", b[j++]);
  return out;
}

/** True when a diff changes nothing. */
export function isUnchanged(parts: readonly DiffPart[]): boolean {
  return parts.every((p) => p.op === "equal");
}
