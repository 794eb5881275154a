/** Password hashing with Argon2id (m=19456 KiB, t=2, p=1 by default). */
import { hash, verify, type Algorithm } from "@node-rs/argon2";
import type { Config } from "../config";

// @node-rs/argon2 exports Algorithm as a `const enum`, which isolated modules cannot read: 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

/**
 * How many Argon2 verifications this process has run: guessing limits are judged by how many guesses reach
 * Argon2, so tests (and an operator's debugger) read this rather than infer it from timings.
 */
export const passwordStats = { verifications: 0 };

/** Hashes a password into a self-describing PHC string. */
export function hashPassword(password: string, cost: Config["argon2"]): Promise<string> {
  return hash(password, { algorithm: ARGON2ID, ...cost });
}

/** Checks a password against a stored hash (constant time inside argon2). */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  passwordStats.verifications++;
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}
