import { NextResponse } from "next/server";
import { withActor } from "@/lib/api/guards";
import { readJsonBody } from "@/lib/api/read-json";
import { getSecret } from "@/lib/secrets/get-secret";
import { secretIdParamSchema } from "@/lib/secrets/schemas";
import { secretPatchSchema, triageChangeSchema } from "@/lib/triage/schemas";
import { updateSecret } from "@/lib/triage/triage-secrets";

export const dynamic = "force-dynamic";

// GET /api/v1/secrets/{id} – one secret with every registry → repository → tag → digest → layer → path, and its
// ETag; needs read
export const GET = withActor(
  async ({ params }) => {
    const detail = await getSecret({ secretId: secretIdParamSchema.parse(params).id });
    return NextResponse.json(detail, { headers: { etag: detail.etag } });
  },
  { permission: "read", via: "token" },
);

// PATCH /api/v1/secrets/{id} – triage (state, reason, acceptedUntil) and/or assignee; If-Match: the ETag read, 409
// when it changed since; needs triage:write
export const PATCH = withActor(
  async ({ req, params, actor }) => {
    const { id } = secretIdParamSchema.parse(params);
    const { assigneeId, ...triage } = secretPatchSchema.parse(await readJsonBody(req));
    const change = triage.state ? triageChangeSchema.parse(triage) : undefined;
    const r = await updateSecret(actor, { id, change, assigneeId, ifMatch: req.headers.get("if-match") });
    const detail = await getSecret({ secretId: r.id });
    return NextResponse.json({ changed: r.changed > 0, ...detail }, { headers: { etag: detail.etag } });
  },
  { permission: "triage", via: "token" },
);
