import { withPublic } from "@/lib/api/guards";
import { handleAuthRequest } from "@/lib/auth/auth-handler";

export const dynamic = "force-dynamic";

// Public: better-auth's own endpoints: sign-in (rate-limited per address and per account), sign-out, session. Sign-up is disabled.
const handler = withPublic(({ req }) => handleAuthRequest(req));
export const GET = handler;
export const POST = handler;
