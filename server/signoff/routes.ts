/** Sign-off, signature and lock routes (to be built: see the sign-off issue). */
import { Hono } from "hono";
import type { AppEnv } from "../context";

export function signoffRoutes(): Hono<AppEnv> {
  return new Hono<AppEnv>();
}
