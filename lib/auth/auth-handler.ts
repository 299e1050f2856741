import { ResidueError, toErrorResponse } from "../errors";
import { getAuth } from "./auth";
import { CLIENT_IP_HEADER, clientIp, forwardedHttps, UNKNOWN_CLIENT } from "./client-ip";
import { signInThrottle } from "./sign-in-throttle";

const MAX_SIGN_IN_BODY = 8192;

const throttle = signInThrottle();

/**
 * Every request to better-auth's endpoints passes here: the client address is resolved once (never taken from a
 * header the client wrote), sign-in is throttled per account as well as per address, refusals use Residue's error
 * shape, and cookies are marked Secure when a trusted proxy says the request was https.
 */
export async function handleAuthRequest(req: Request): Promise<Response> {
  try {
    const client = clientIp(req.headers);
    const headers = new Headers(req.headers);
    headers.delete(CLIENT_IP_HEADER);
    if (client !== UNKNOWN_CLIENT) headers.set(CLIENT_IP_HEADER, client);
    const signIn = req.method === "POST" && new URL(req.url).pathname.endsWith("/sign-in/email");
    let account: string | undefined;
    let body: string | undefined;
    if (req.method !== "GET" && req.method !== "HEAD") {
      body = await readSmallBody(req);
      if (signIn) account = emailOf(body);
    }
    if (account) {
      const wait = throttle.retryAfterMs(account, client);
      if (wait > 0)
        return tooMany(Math.ceil(wait / 1000), "Too many failed sign-ins for this account. Wait and try again.");
    }
    const res = await getAuth().handler(new Request(req.url, { method: req.method, headers, body }));
    if (account) {
      if (res.ok) throttle.succeeded(account, client);
      else if (res.status === 401 || res.status === 403) throttle.failed(account);
    }
    if (res.status === 429)
      return tooMany(
        Number(res.headers.get("x-retry-after") ?? 60),
        "Too many sign-in attempts from this address. Wait a minute and try again.",
      );
    return forwardedHttps(req.headers) ? withSecureCookies(res) : res;
  } catch (err) {
    return toErrorResponse(err);
  }
}

async function readSmallBody(req: Request): Promise<string> {
  if (Number(req.headers.get("content-length") ?? 0) > MAX_SIGN_IN_BODY)
    throw new ResidueError("payload_too_large", "The request body is too large.");
  const text = await req.text();
  if (text.length > MAX_SIGN_IN_BODY) throw new ResidueError("payload_too_large", "The request body is too large.");
  return text;
}

function emailOf(body: string): string | undefined {
  try {
    const v = JSON.parse(body) as { email?: unknown };
    return typeof v.email === "string" && v.email.length <= 320 ? v.email : undefined;
  } catch {
    return undefined;
  }
}

function tooMany(retryAfter: number, message: string): Response {
  const res = toErrorResponse(new ResidueError("rate_limited", message));
  res.headers.set("retry-after", String(Math.max(1, retryAfter)));
  return res;
}

function withSecureCookies(res: Response): Response {
  const cookies = res.headers.getSetCookie();
  if (!cookies.length) return res;
  const headers = new Headers(res.headers);
  headers.delete("set-cookie");
  for (const c of cookies) headers.append("set-cookie", /;\s*secure\b/i.test(c) ? c : `${c}; Secure`);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}
