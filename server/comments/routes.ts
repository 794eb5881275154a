/** Comment thread routes (to be built: see the comments issue). */
import { Hono } from "hono";
import type { AppEnv } from "../context";

export function commentRoutes(): Hono<AppEnv> {
  return new Hono<AppEnv>();
}
