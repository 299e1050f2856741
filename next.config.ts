import path from "node:path";
import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // A parent folder may hold a lockfile: pin the workspace root to this project.
  turbopack: { root: path.resolve(import.meta.dirname) },
  outputFileTracingRoot: path.resolve(import.meta.dirname),
  // WASM Postgres, Prisma's query engine and the migration engine load files at run time: keep them out of the bundle.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "@prisma/adapter-pg",
    "@prisma/driver-adapter-utils",
    "pg",
    "@prisma/schema-engine-wasm",
    "busboy",
  ],
  poweredByHeader: false,
  // DefectDojo clients post to /api/v2/import-scan/ (Django keeps the slash); a 308 to the slashless URL would make
  // them send a 100 MB multipart body twice, and curl without -L not at all. Routes match with or without it.
  skipTrailingSlashRedirect: true,
  // authInterrupts: forbidden() renders app/forbidden.tsx with a real 403.
  experimental: { serverActions: { bodySizeLimit: "2mb" }, authInterrupts: true },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
