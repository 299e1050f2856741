import { actorLabel } from "@/lib/access/actor";
import { evidenceResponse } from "@/lib/api/export-response";
import { withActor } from "@/lib/api/guards";

export const dynamic = "force-dynamic";

// GET /api/ui/compliance/evidence?asOf=…&registry=…&repository=… – the auditor's evidence pack (zip); any signed-in role
export const GET = withActor(async ({ searchParams, actor }) => evidenceResponse(searchParams, actorLabel(actor)), {
  permission: "read",
  via: "browser",
});
