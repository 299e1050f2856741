import { NextResponse } from "next/server";
import { withActor } from "@/lib/api/guards";
import { readJsonBody } from "@/lib/api/read-json";
import { secretBulkSchema } from "@/lib/triage/schemas";
import { bulkUpdateSecrets } from "@/lib/triage/triage-secrets";

export const dynamic = "force-dynamic";

// POST /api/v1/secrets/bulk – one triage change and/or assignee for an id list or a filter (≤ 10,000 secrets), with
// dryRun to count first; needs triage:write
export const POST = withActor(
  async ({ req, actor }) =>
    NextResponse.json(await bulkUpdateSecrets(actor, secretBulkSchema.parse(await readJsonBody(req)))),
  { permission: "triage", via: "token" },
);
