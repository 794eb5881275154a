/** Typed calls to the sign-off API (`/api/statements/:id/signoffs`, `/signature`, `/lock`, `/unlock`, versions). */
import { ApiRequestError, apiJson } from "../api";
import { ErrorCode } from "../../shared/errors";
import type {
  FinalVersionDto,
  LockRefusedDetails,
  LockRequest,
  PositionDto,
  PositionRequest,
  SignatureDto,
  SignatureRequest,
  SignoffMatrixDto,
  TextChangedDetails,
  VersionDto,
  VersionSummaryDto,
} from "../../shared/signoff";

const enc = encodeURIComponent;

/** The endpoints of the sign-off feature, one typed function each. */
export const signoffApi = {
  matrix: (id: string) => apiJson<SignoffMatrixDto>("GET", `/api/statements/${enc(id)}/signoffs`),
  /** Records a position on the clause as shown (`clauseHash`, `clauseText`); 409 `text_changed` if it changed since. */
  setPosition: (id: string, body: PositionRequest) => apiJson<{ position: PositionDto }>("PUT", `/api/statements/${enc(id)}/signoffs`, body),
  /** Signs the text as shown (`documentHash`, `documentText`); 409 `text_changed` if it changed since. */
  sign: (id: string, body: SignatureRequest) => apiJson<{ signature: SignatureDto }>("POST", `/api/statements/${enc(id)}/signature`, body),
  /** Locks the text as confirmed; `override` lists what the convener locks over (see shared/signoff.ts). */
  lock: (id: string, body: LockRequest) => apiJson<{ final: FinalVersionDto }>("POST", `/api/statements/${enc(id)}/lock`, body),
  unlock: (id: string, reason: string) =>
    apiJson<{ voidedSignatures: number }>("POST", `/api/statements/${enc(id)}/unlock`, { reason }),
  final: (id: string) => apiJson<{ final: FinalVersionDto | null }>("GET", `/api/statements/${enc(id)}/final`),
  versions: (id: string) => apiJson<{ versions: VersionSummaryDto[] }>("GET", `/api/statements/${enc(id)}/versions`),
  version: (id: string, vid: number) => apiJson<{ version: VersionDto }>("GET", `/api/statements/${enc(id)}/versions/${vid}`),
  /** Where the browser downloads the audit log as CSV. */
  auditCsvUrl: (id: string) => `/api/statements/${enc(id)}/audit.csv`,
} as const;

/** The server's diff when it refused a decision because the text changed since it was shown (409 `text_changed`). */
export function textChangedDetails(err: unknown): TextChangedDetails | null {
  return err instanceof ApiRequestError && err.code === ErrorCode.textChanged ? (err.details as TextChangedDetails) : null;
}

/** What stands in the way of a lock, when the server asks for (another) explicit confirmation. */
export function lockRefusal(err: unknown): { code: "lock_needs_confirmation" | "lock_list_changed"; details: LockRefusedDetails } | null {
  if (!(err instanceof ApiRequestError)) return null;
  if (err.code !== ErrorCode.lockNeedsConfirmation && err.code !== ErrorCode.lockListChanged) return null;
  return { code: err.code, details: err.details as LockRefusedDetails };
}
