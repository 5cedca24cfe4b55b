// One interface for every table (Kysely's convention). Booleans are stored as 0/1 and
// dates as ISO text (YYYY-MM-DD, or full ISO timestamps for *_at) so that the same
// rows read identically on SQLite and PostgreSQL.
import type { Generated, Insertable, Selectable } from "kysely";

export type SignatoryStatus = "active" | "withdrawn" | "suspended";
export type SignatoryEventKind =
  | "joined"
  | "pledge_endorsed"
  | "withdrawn"
  | "suspended"
  | "reinstated";

export interface SectorTable {
  code: string;
  name: string;
  description: string;
  position: number;
}

export interface PledgeTable {
  code: string;
  title: string;
  summary: string;
  introduced_on: string;
  required: number;
  position: number;
}

export interface SignatoryTable {
  id: Generated<number>;
  slug: string;
  name: string;
  website: string;
  country: string;
  sector: string;
  description: string;
  joined_on: string;
  founding: number;
  status: SignatoryStatus;
  withdrawn_on: string | null;
  former_names: string | null;
  notes: string | null;
  created_at: string;
  updated_at: string;
}

export interface EndorsementTable {
  signatory_id: number;
  pledge_code: string;
  endorsed_on: string;
}

export interface SignatoryEventTable {
  id: Generated<number>;
  signatory_id: number;
  kind: SignatoryEventKind;
  occurred_on: string;
  pledge_code: string | null;
  detail: string | null;
  created_at: string;
}

export interface Database {
  sectors: SectorTable;
  pledges: PledgeTable;
  signatories: SignatoryTable;
  endorsements: EndorsementTable;
  signatory_events: SignatoryEventTable;
}

export type Signatory = Selectable<SignatoryTable>;
export type NewSignatory = Insertable<SignatoryTable>;
export type Pledge = Selectable<PledgeTable>;
export type Sector = Selectable<SectorTable>;
