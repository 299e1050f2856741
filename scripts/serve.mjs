// The production HTTP server (started by scripts/start.ts): Next's request handler behind a plain node:http
// server, so that the TCP peer address can be handed to the app. Next does not expose it, and the X-Forwarded-For
// it fills in is whatever the client sent. Every request's x-residue-peer is overwritten with the socket's
// address, and RESIDUE_PEER_HEADER=1 tells lib/auth/client-ip.ts that this header can be believed here.
import http from "node:http";
import next from "next";

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME || undefined;
process.env.RESIDUE_PEER_HEADER = "1";

const app = next({ dev: false, dir: process.cwd(), port, hostname });
await app.prepare();
const handle = app.getRequestHandler();

const server = http.createServer((req, res) => {
  req.headers["x-residue-peer"] = req.socket.remoteAddress ?? "";
  handle(req, res).catch((err) => {
    console.error("[residue] request failed:", err instanceof Error ? err.message.slice(0, 300) : typeof err);
    if (!res.headersSent) {
      res.statusCode = 500;
      res.setHeader("content-type", "application/json");
    }
    res.end(JSON.stringify({ code: "internal", message: "Internal error" }));
  });
});
server.listen(port, hostname, () => console.log(`Residue listening on http://${hostname ?? "localhost"}:${port}`));
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => server.close(() => process.exit(0)));
