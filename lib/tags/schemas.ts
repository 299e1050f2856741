import { z } from "zod";

export const tagEventSchema = z.object({
  action: z
    .enum(["pushed", "deleted"])
    .describe("pushed: the tag now points at the digest; deleted: the tag (or every tag on a digest) is gone."),
  image: z
    .string()
    .min(1)
    .max(512)
    .describe('e.g. "ghcr.io/acme/api:1.4.2@sha256:…" (pushed needs tag and digest; deleted needs a tag or a digest)'),
  at: z.coerce.date().optional().describe("When it happened at the registry; defaults to now."),
});
export const tagEventsSchema = z.object({ events: z.array(tagEventSchema).min(1).max(1000) });
export type TagEventsInput = z.infer<typeof tagEventsSchema>;

export const tagEventsResultSchema = z.object({ recorded: z.number().int(), verifiedPurges: z.number().int() });
