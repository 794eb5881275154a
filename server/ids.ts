/** Random identifiers and tokens. */
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";
import { randomBytes } from "node:crypto";

/** A random id: 16 bytes of entropy as lowercase base32 (26 characters), safe in URLs. */
export function newId(): string {
  return encodeBase32LowerCaseNoPadding(randomBytes(16));
}

/** A random secret of `bytes` bytes as lowercase base32. */
export function newSecret(bytes = 20): string {
  return encodeBase32LowerCaseNoPadding(randomBytes(bytes));
}
