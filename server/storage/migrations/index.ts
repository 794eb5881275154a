/**
 * Every migration, in order. Add a file `NNN_name.ts` exporting `up` and list it here; never edit a shipped one.
 */
import type { Migration, MigrationProvider } from "kysely";
import * as m001 from "./001_initial";
import * as m002 from "./002_comments";
import * as m003 from "./003_signoff";
import * as m004 from "./004_snapshot_state_vector";
import * as m005 from "./005_doc_clients";
import * as m006 from "./006_session_user_agent";
import * as m007 from "./007_doc_sequence";
import * as m008 from "./008_publication";
import * as m009 from "./009_reconfirm_once";
import * as m012 from "./012_amendments";
import * as m013 from "./013_position_amendment";
import * as m010 from "./010_history_versions";
import * as m011 from "./011_history_snapshot_chains";
import * as m015 from "./015_expected_organizations";
import * as m016 from "./016_signature_withdrawal";
import * as m017 from "./017_notifications";
import * as m018 from "./018_invite_revocation";
import * as m020 from "./020_lean_update_log";

const migrations: Record<string, Migration> = {
  "001_initial": m001,
  "002_comments": m002,
  "003_signoff": m003,
  "004_snapshot_state_vector": m004,
  "005_doc_clients": m005,
  "006_session_user_agent": m006,
  "007_doc_sequence": m007,
  "008_publication": m008,
  "009_reconfirm_once": m009,
  "012_amendments": m012,
  "013_position_amendment": m013,
  "010_history_versions": m010,
  "011_history_snapshot_chains": m011,
  "015_expected_organizations": m015,
  "016_signature_withdrawal": m016,
  "017_notifications": m017,
  "018_invite_revocation": m018,
  "020_lean_update_log": m020,
};

/** A provider for Kysely's Migrator that needs no file-system scan (works the same from source and bundles). */
export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
