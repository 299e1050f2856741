import net from "node:net";

/**
 * The address of the client that sent a request, as far as it can be trusted.
 *
 * The peer is the TCP address the server saw: `scripts/serve.ts` writes it into PEER_HEADER on every request
 * (overwriting whatever the client sent) and sets RESIDUE_PEER_HEADER, so the header is believed only in a
 * process that server started. X-Forwarded-For is read only when the peer is one of TRUSTED_PROXIES
 * (comma-separated addresses or CIDR ranges), and then from the right: the first address that is not itself a
 * trusted proxy is the client. A header a client wrote is never enough to change its identity.
 */
export const PEER_HEADER = "x-residue-peer";
export const UNKNOWN_CLIENT = "unknown";
/** The header better-auth's own per-address limit reads (lib/auth/auth.ts): the address clientIp resolved. */
export const CLIENT_IP_HEADER = "x-residue-client-ip";

type Env = Record<string, string | undefined>;

export function clientIp(headers: Headers, env: Env = process.env): string {
  const peer = env.RESIDUE_PEER_HEADER === "1" ? normalize(headers.get(PEER_HEADER)) : null;
  if (!peer) return UNKNOWN_CLIENT;
  const trusted = trustedProxies(env.TRUSTED_PROXIES);
  if (!isTrusted(trusted, peer)) return peer;
  const hops = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalize(hops[i]!);
    if (!hop) return peer; // a malformed hop: nothing to the left of it can be trusted
    if (!isTrusted(trusted, hop)) return hop;
  }
  return peer;
}

/** True when the request came through a trusted proxy that says the original request was https. */
export function forwardedHttps(headers: Headers, env: Env = process.env): boolean {
  const peer = env.RESIDUE_PEER_HEADER === "1" ? normalize(headers.get(PEER_HEADER)) : null;
  return (
    !!peer &&
    isTrusted(trustedProxies(env.TRUSTED_PROXIES), peer) &&
    headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https"
  );
}

function normalize(ip: string | null | undefined): string | null {
  if (!ip) return null;
  const v = ip.trim().replace(/^\[|\]$/g, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(v);
  const out = mapped ? mapped[1]! : v;
  return net.isIP(out) ? out.toLowerCase() : null;
}

const cache = new Map<string, net.BlockList>();
function trustedProxies(spec: string | undefined): net.BlockList {
  const key = spec ?? "";
  let list = cache.get(key);
  if (!list) {
    list = new net.BlockList();
    for (const entry of key
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)) {
      const [addr, bits] = entry.split("/");
      const ip = normalize(addr);
      if (!ip) throw new Error(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range.`);
      const family = net.isIPv4(ip) ? "ipv4" : "ipv6";
      if (bits === undefined) list.addAddress(ip, family);
      else {
        const prefix = Number(bits);
        if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === "ipv4" ? 32 : 128))
          throw new Error(`TRUSTED_PROXIES: "${entry}" has a bad prefix length.`);
        list.addSubnet(ip, prefix, family);
      }
    }
    cache.set(key, list);
  }
  return list;
}

const isTrusted = (list: net.BlockList, ip: string) => list.check(ip, net.isIPv4(ip) ? "ipv4" : "ipv6");
