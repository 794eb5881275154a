/** Clause positions, document signatures, final versions (issue: sign-off and lock). Filled in by the sign-off feature. */
import type { Kysely } from "kysely";

export async function up(_db: Kysely<unknown>): Promise<void> {}
