import { withActor } from "@/lib/api/guards";
import { exportResponse } from "@/lib/api/export-response";

export const dynamic = "force-dynamic";

// GET /api/v1/compliance/export?format=csv|json – findings with mappings and remediation state; needs read
export const GET = withActor(async ({ searchParams }) => exportResponse(searchParams), {
  permission: "read",
  via: "token",
});
