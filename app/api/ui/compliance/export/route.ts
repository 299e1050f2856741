import { withActor } from "@/lib/api/guards";
import { exportResponse } from "@/lib/api/export-response";

export const dynamic = "force-dynamic";

// GET /api/ui/compliance/export?format=csv|json – findings with mappings and remediation state; any signed-in role
export const GET = withActor(async ({ searchParams }) => exportResponse(searchParams), {
  permission: "read",
  via: "browser",
});
