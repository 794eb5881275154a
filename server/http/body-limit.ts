/**
 * The request body limit: a larger `Content-Length` is refused before the body is read, a streamed body as
 * soon as it passes the limit. The refusal is a `too_large` AppError, answered by the app's one `onError`.
 */
import { bodyLimit } from "hono/body-limit";
import type { MiddlewareHandler } from "hono";
import { tooLarge } from "../errors";

/** Refuses bodies over `maxBytes` with 413 `too_large` and closes the connection after the answer. */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => {
      // The unread rest of the body is still on the wire: the connection cannot carry another request.
      c.header("Connection", "close");
      throw tooLarge(`The request is too large (at most ${Math.floor(maxBytes / 1024)} KB).`);
    },
  });
}
