/**
 * Broken records for the `malformed_records` fault: copies of real records of the page with one
 * defect each (no id, no title, or a date that is not a date), so a client's per-record
 * validation can be tested.
 *
 * @module
 */

/** A job record as plain JSON. */
export type JsonRecord = Record<string, unknown>;

/** The field names of one provider's records that the defects touch. */
export interface RecordFields {
  id: string;
  title: string;
  /** Date fields that get a value which is not a date. */
  dates: readonly string[];
}

/** Options of {@link brokenRecords}. */
export interface BrokenRecordOptions {
  /** The page's real records; copies are made from them (or from a stub when empty). */
  records: readonly JsonRecord[];
  count: number;
  fields: RecordFields;
  /** A fresh id for copies that keep an id, from the copy's index. */
  newId: (index: number) => string;
}

/** `count` broken records, cycling through the three defects. */
export function brokenRecords(options: BrokenRecordOptions): JsonRecord[] {
  const { records, fields } = options;
  const out: JsonRecord[] = [];
  for (let i = 0; i < options.count; i++) {
    const base = records.length > 0
      ? structuredClone(records[i % records.length])
      : { [fields.title]: "Broken record" };
    base[fields.id] = options.newId(i);
    switch (i % 3) {
      case 0:
        delete base[fields.id];
        break;
      case 1:
        delete base[fields.title];
        break;
      default:
        for (const field of fields.dates) base[field] = "31/02/2026 25:61";
    }
    out.push(base);
  }
  return out;
}
