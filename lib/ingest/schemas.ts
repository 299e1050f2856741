import { z } from "zod";
import { FORMAT_IDS } from "./parsers/registry";

/** Query parameters (or multipart fields) of POST /api/v1/scans. */
export const uploadScanQuerySchema = z.object({
  format: z.enum(FORMAT_IDS).optional().describe("Report format; sniffed from the content when omitted."),
  image: z
    .string()
    .min(1)
    .max(512)
    .optional()
    .describe(
      "Image the report is about, e.g. ghcr.io/acme/api:1.4.2@sha256:…; used when the report does not name one.",
    ),
  source: z
    .string()
    .trim()
    .min(1)
    .max(256)
    .optional()
    .describe(
      'For a report without an image: where it came from (a repository URL such as https://github.com/acme/api, or a name). Findings are grouped under it; without it, under the repository or path the report names, else "(unknown source)".',
    ),
});
export type UploadScanQuery = z.infer<typeof uploadScanQuerySchema>;

export const ingestResultSchema = z.object({
  scanId: z.string(),
  duplicate: z.boolean().describe("True when the same report (byte for byte) was ingested before: nothing was added."),
  scanner: z.string(),
  format: z.string(),
  image: z.string().nullable().describe("The image the findings were attached to, when one was named."),
  counts: z.object({
    findings: z.number().int().describe("Secret findings in the report."),
    secrets: z.number().int().describe("Distinct secrets among them."),
    newSecrets: z.number().int(),
    newOccurrences: z.number().int(),
    alreadyKnown: z.number().int().describe("Occurrences Residue already knew; their last-seen time moved."),
    skipped: z.number().int().describe("Vulnerability, misconfiguration, licence and suppressed results."),
  }),
  links: z.object({ secrets: z.string().describe("Dashboard view of the secrets this report found.") }),
});
export type IngestResult = z.infer<typeof ingestResultSchema>;
