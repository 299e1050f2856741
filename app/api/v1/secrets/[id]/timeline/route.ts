import { NextResponse } from "next/server";
import { withActor } from "@/lib/api/guards";
import { secretTimelinePage, timelinePageQuerySchema } from "@/lib/secrets/secret-timeline";
import { secretIdParamSchema } from "@/lib/secrets/schemas";

export const dynamic = "force-dynamic";

// GET /api/v1/secrets/{id}/timeline – scans that saw it and every change to it and its steps, newest first,
// cursor-paged; needs read
export const GET = withActor(
  async ({ params, searchParams }) =>
    NextResponse.json(
      await secretTimelinePage(secretIdParamSchema.parse(params).id, timelinePageQuerySchema.parse(searchParams)),
    ),
  { permission: "read", via: "token" },
);
