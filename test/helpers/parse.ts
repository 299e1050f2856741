import { parseReport } from "@/lib/ingest/parse-report";
import { readDocument } from "@/lib/ingest/read/read-document";
import { resolveFindings } from "@/lib/ingest/resolve-findings";
import { readFixture, readProjectFixture } from "./fixtures";

export const TEST_KEY = Buffer.alloc(32, 7);

export function parseFixture(rel: string, format?: string) {
  return parseReport(readDocument(readFixture(rel).toString("utf8")), { format });
}

/** Parse + resolve, as ingest does before writing: distinct secrets and occurrences. */
export function planFixture(rel: string, format?: string) {
  const parsed = parseFixture(rel, format);
  return { parsed, plan: resolveFindings(parsed, undefined, TEST_KEY) };
}

/** The same, for the reports under test/fixtures. */
export function planProjectFixture(rel: string, format?: string) {
  const parsed = parseReport(readDocument(readProjectFixture(rel).toString("utf8")), { format });
  return { parsed, plan: resolveFindings(parsed, undefined, TEST_KEY) };
}
