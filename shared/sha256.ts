/** SHA-256 of a text, on its own so that code that only hashes does not load the canonical text and Yjs. */
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";

/** SHA-256, hex, of the UTF-8 bytes of a text: what `sha256sum` prints for the exported file. */
export function sha256Hex(text: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(text)));
}
