/** One request a control sends at a time, with its busy state and its error as a message. */
import { useState } from "react";
import { errorMessage } from "../api";

export function useAction(): {
  busy: boolean;
  error: string | null;
  setError: (message: string | null) => void;
  /** Runs `action` (busy meanwhile); whether it succeeded, its error shown otherwise. */
  run: (action: () => Promise<unknown>) => Promise<boolean>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function run(action: () => Promise<unknown>): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (err) {
      setError(errorMessage(err));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, run };
}
