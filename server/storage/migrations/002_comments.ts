/** Comment threads and comments (issue: comment threads on clauses). Filled in by the comments feature. */
import type { Kysely } from "kysely";

export async function up(_db: Kysely<unknown>): Promise<void> {}
