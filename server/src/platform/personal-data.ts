import type { Db } from "./db.ts";

/** The person a GDPR request is about. */
export interface DataSubject {
  userId: string;
  email: string;
}

/**
 * A module's share of personal data (GDPR Art. 15 access, Art. 17 erasure). `columns` names, per
 * table, the columns holding personal data, so that a test can check an export covers them all.
 */
export interface PersonalDataSource {
  columns: Record<string, string[]>;
  /** Rows about the subject, by table, with SQL column names as keys. Secrets (hashes, tokens) are left out. */
  export(db: Db, subject: DataSubject): Promise<Record<string, Record<string, unknown>[]>>;
  /** Removes or anonymises the subject's personal data; records the law requires are kept without it. */
  erase(db: Db, subject: DataSubject): Promise<void>;
}
