/** Loads something from the API for a view, with loading and error states and a way to load it again. */
import { useCallback, useEffect, useRef, useState } from "react";
import { errorMessage } from "../api";

/** What a view shows while loading, once loaded, or after a failure. */
export type Loaded<T> =
  | { status: "loading"; data: T | null }
  | { status: "ready"; data: T }
  | { status: "error"; data: T | null; message: string };

/** Calls `load` now and whenever `key` changes or `reload` is called; a stale answer is dropped. */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> & { reload: () => void } {
  const [state, setState] = useState<Loaded<T>>({ status: "loading", data: null });
  const [round, setRound] = useState(0);
  const current = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const mine = ++current.current;
    setState((s) => ({ status: "loading", data: s.data }));
    loadRef.current().then(
      (data) => mine === current.current && setState({ status: "ready", data }),
      (err: unknown) =>
        mine === current.current && setState((s) => ({ status: "error", data: s.data, message: errorMessage(err) })),
    );
  }, [key, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}
