/**
 * Creating an account, optionally through an invite link, as one transaction: the user row, the invite
 * marked used and the membership commit together or not at all. A refused invite (unknown, used, expired,
 * or used by a parallel sign-up a moment earlier) leaves no account behind.
 */
import type { Services, CurrentUser } from "../context";
import { badRequest, conflict } from "../errors";
import { newId } from "../ids";
import { describeInvite, redeemInvite } from "../statements/invites";
import { isRole } from "../../shared/roles";

/** What the sign-up form sends, validated. */
export interface SignupInput {
  email: string;
  name: string;
  passwordHash: string;
  invite?: string;
}

/** True for SQLite's (and PostgreSQL's) unique-constraint violation. */
function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  return (
    !!e &&
    (e.code === "SQLITE_CONSTRAINT_UNIQUE" || e.code === "23505" || /UNIQUE constraint failed/.test(e.message ?? ""))
  );
}

/** Creates the account (and joins the invite's statement); throws before anything is stored when refused. */
export async function createAccount(
  services: Services,
  input: SignupInput,
): Promise<{ user: CurrentUser; joinedStatementId: string | null }> {
  const { db } = services;
  // Checked before the transaction too, so that a dead link is refused without writing anything; the
  // conditional update inside the transaction settles races between two sign-ups with one link.
  const invite = input.invite ? await describeInvite(services, input.invite) : null;
  if (invite && !isRole(invite.role)) throw badRequest("This invite is invalid.");
  const id = newId();
  const now = Date.now();
  let user: CurrentUser;
  try {
    user = await db.transaction().execute(async (trx) => {
      // The first account of an instance is its admin.
      const count = await trx
        .selectFrom("users")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirst();
      const isAdmin = Number(count?.n ?? 0) === 0;
      await trx
        .insertInto("users")
        .values({
          id,
          email: input.email,
          name: input.name,
          password_hash: input.passwordHash,
          is_admin: isAdmin ? 1 : 0,
          created_at: now,
        })
        .execute();
      // Throwing (a link used by a parallel sign-up a moment earlier) rolls the user row back with it.
      if (invite) await redeemInvite(trx, invite, id, now);
      return { id, email: input.email, name: input.name, isAdmin };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict("An account with this email already exists. Log in instead.");
    throw err;
  }
  if (invite) services.events.app(invite.statement_id, { type: "members.changed", statementId: invite.statement_id });
  return { user, joinedStatementId: invite?.statement_id ?? null };
}
