-- Previews stored before one masking function made every preview (lib/secrets/identity.ts, previewOf) may hold a
-- scanner's "masked" text in full (a ggshield match or trivy Match with the whole token). Every preview not in
-- the shape previewOf writes is cut to at most four leading letters, digits, "_" or "-", and keeps its length.
UPDATE "Secret"
SET "redactedPreview" = COALESCE(substring("redactedPreview" FROM '^[A-Za-z0-9_-]{0,4}'), '') || '••••'
                        || COALESCE(substring("redactedPreview" FROM ' \([0-9]+ chars\)$'), '')
WHERE "redactedPreview" !~ '^[A-Za-z0-9_-]{0,4}•{4}( \([0-9]+ chars\))?$'
  AND "redactedPreview" <> '(value not in report)';
