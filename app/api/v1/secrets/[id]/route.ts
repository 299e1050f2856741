import { NextResponse } from "next/server";
import { withActor } from "@/lib/api/guards";
import { getSecret } from "@/lib/secrets/get-secret";
import { secretIdParamSchema } from "@/lib/secrets/schemas";

export const dynamic = "force-dynamic";

// GET /api/v1/secrets/{id} – one secret with every registry → repository → tag → digest → layer → path; needs read
export const GET = withActor(
  async ({ params }) => NextResponse.json(await getSecret({ secretId: secretIdParamSchema.parse(params).id })),
  { permission: "read", via: "token" },
);
