import { NextResponse } from "next/server";
import { withActor } from "@/lib/api/guards";
import { readJsonBody } from "@/lib/api/read-json";
import { recordTagEvents } from "@/lib/tags/record-tag-events";
import { tagEventsSchema } from "@/lib/tags/schemas";

export const dynamic = "force-dynamic";

// POST /api/v1/tags – registry-webhook style tag pushes and deletions (JSON, ≤ 1,000 events); needs scans:write
export const POST = withActor(
  async ({ req, actor }) => {
    const events = tagEventsSchema.parse(await readJsonBody(req));
    return NextResponse.json(await recordTagEvents(actor, events), { status: 201 });
  },
  { permission: "upload", via: "token" },
);
