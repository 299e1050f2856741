import { actorLabel } from "@/lib/access/actor";
import { evidenceResponse } from "@/lib/api/export-response";
import { withActor } from "@/lib/api/guards";

export const dynamic = "force-dynamic";

// GET /api/v1/compliance/evidence?asOf=…&registry=…&repository=… – the auditor's evidence pack (zip); needs read
export const GET = withActor(async ({ searchParams, actor }) => evidenceResponse(searchParams, actorLabel(actor)), {
  permission: "read",
  via: "token",
});
