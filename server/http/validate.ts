/** Body validation: a zod schema in, a typed value or a 400 with every problem listed out. */
import type { Context } from "hono";
import type { z } from "zod";
import { badRequest } from "../errors";

/** Parses the JSON body against a schema; bad JSON or a mismatch is a 400 and nothing changes. */
export async function parseBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw badRequest("The request body must be JSON.");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    throw badRequest(fields.map((f) => (f.path ? `${f.path}: ${f.message}` : f.message)).join(" "), { fields });
  }
  return parsed.data;
}
