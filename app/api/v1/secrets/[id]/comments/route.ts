import { NextResponse } from "next/server";
import { withActor } from "@/lib/api/guards";
import { readJsonBody } from "@/lib/api/read-json";
import { commentsPageQuerySchema, listComments } from "@/lib/secrets/list-comments";
import { secretIdParamSchema } from "@/lib/secrets/schemas";
import { commentSchema } from "@/lib/triage/schemas";
import { addComment } from "@/lib/triage/triage-secrets";

export const dynamic = "force-dynamic";

// GET /api/v1/secrets/{id}/comments – newest first, cursor-paged; needs read
export const GET = withActor(
  async ({ params, searchParams }) =>
    NextResponse.json(
      await listComments(secretIdParamSchema.parse(params).id, commentsPageQuerySchema.parse(searchParams)),
    ),
  { permission: "read", via: "token" },
);

// POST /api/v1/secrets/{id}/comments – {body}; needs triage:write
export const POST = withActor(
  async ({ req, params, actor }) => {
    const { id } = secretIdParamSchema.parse(params);
    const input = commentSchema.parse({ ...((await readJsonBody(req, 20_000)) as object), secretId: id });
    const c = await addComment(actor, input);
    return NextResponse.json({ id: c.id, body: c.body, createdAt: c.createdAt }, { status: 201 });
  },
  { permission: "triage", via: "token" },
);
