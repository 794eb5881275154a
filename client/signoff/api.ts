/** Typed calls to the sign-off API (`/api/statements/:id/signoffs`, `/signature`, `/lock`, `/unlock`, versions). */
import { apiJson } from "../api";
import type {
  FinalVersionDto,
  Position,
  PositionDto,
  SignatureDto,
  SignoffMatrixDto,
  VersionDto,
  VersionSummaryDto,
} from "../../shared/signoff";

const enc = encodeURIComponent;

/** The endpoints of the sign-off feature, one typed function each. */
export const signoffApi = {
  matrix: (id: string) => apiJson<SignoffMatrixDto>("GET", `/api/statements/${enc(id)}/signoffs`),
  setPosition: (id: string, body: { clauseId: string; organizationId: string; position: Position; reason?: string }) =>
    apiJson<{ position: PositionDto }>("PUT", `/api/statements/${enc(id)}/signoffs`, body),
  sign: (id: string, organizationId: string) =>
    apiJson<{ signature: SignatureDto }>("POST", `/api/statements/${enc(id)}/signature`, { organizationId }),
  lock: (id: string, override: boolean) =>
    apiJson<{ final: FinalVersionDto }>("POST", `/api/statements/${enc(id)}/lock`, override ? { override: true } : {}),
  unlock: (id: string, reason: string) =>
    apiJson<{ voidedSignatures: number }>("POST", `/api/statements/${enc(id)}/unlock`, { reason }),
  final: (id: string) => apiJson<{ final: FinalVersionDto | null }>("GET", `/api/statements/${enc(id)}/final`),
  versions: (id: string) => apiJson<{ versions: VersionSummaryDto[] }>("GET", `/api/statements/${enc(id)}/versions`),
  version: (id: string, vid: number) => apiJson<{ version: VersionDto }>("GET", `/api/statements/${enc(id)}/versions/${vid}`),
  /** Where the browser downloads the audit log as CSV. */
  auditCsvUrl: (id: string) => `/api/statements/${enc(id)}/audit.csv`,
} as const;
