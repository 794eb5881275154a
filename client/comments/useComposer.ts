/** The state of a comment composer (new thread, reply, edit): text, picked mentions, busy and error. */
import { useRef, useState } from "react";
import { CommentLimits } from "../../shared/comments/schemas";
import { errorMessage } from "../api";
import { toBody } from "./mentions";

/** A composer with mentions: text, picked mentions, busy and error state. */
export function useComposer(initial = "", initialPicked?: Map<string, string>) {
  const [text, setText] = useState(initial);
  const picked = useRef(initialPicked ?? new Map<string, string>());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit(send: (body: string) => Promise<unknown>): Promise<boolean> {
    const body = toBody(text.trim(), picked.current);
    if (!body) {
      setError("Write something first.");
      return false;
    }
    if (body.length > CommentLimits.bodyMax) {
      // Refused here, whole: the text stays in the field so the author can shorten it (nothing is cut).
      setError(
        `Not sent: a comment can have at most ${CommentLimits.bodyMax.toLocaleString("en")} characters; this one has ${body.length.toLocaleString("en")}.`,
      );
      return false;
    }
    setBusy(true);
    setError(null);
    try {
      await send(body);
      setText("");
      picked.current = new Map();
      return true;
    } catch (err) {
      setError(errorMessage(err));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { text, setText, pick: (name: string, id: string) => picked.current.set(name, id), busy, error, submit };
}

/** What {@link useComposer} gives. */
export type Composer = ReturnType<typeof useComposer>;
