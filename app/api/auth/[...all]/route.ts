import { getAuth } from "@/lib/auth/auth";

export const dynamic = "force-dynamic";

// better-auth's own endpoints: sign-in (rate-limited), sign-out, session. Sign-up is disabled.
export const GET = (req: Request) => getAuth().handler(req);
export const POST = (req: Request) => getAuth().handler(req);
