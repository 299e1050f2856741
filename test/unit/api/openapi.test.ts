import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildOpenApi } from "@/lib/api/openapi";

const API = path.resolve(import.meta.dirname, "../../../app/api");
// The dashboard's own routes (its session and same-site checks) and better-auth's are not the public API.
const NOT_PUBLIC_API = /^\/api\/(ui|auth)\//;

/** Every route handler under app/api, as "METHOD /path/{param}". */
function routeOperations(dir = API, prefix = "/api"): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...routeOperations(full, `${prefix}/${e.name.replace(/^\[(.+)\]$/, "{$1}")}`));
    else if (e.name === "route.ts") {
      const src = fs.readFileSync(full, "utf8");
      for (const m of src.matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g))
        out.push(`${m[1]} ${prefix}`);
    }
  }
  return out.filter((op) => !NOT_PUBLIC_API.test(op.split(" ")[1]! + "/")).sort();
}

describe("the OpenAPI document", () => {
  const doc = buildOpenApi();
  const documented = Object.entries(doc.paths)
    .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\/$/, "")}`))
    .sort();

  it("describes every API route handler, and nothing that is not one", () => {
    expect(routeOperations().length).toBeGreaterThanOrEqual(14);
    expect(documented).toEqual(routeOperations());
  });

  it("gives every operation a summary, its responses with an error shape, and path parameters it names", () => {
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops as Record<string, Record<string, unknown>>)) {
        const where = `${method} ${p}`;
        expect(op.summary, where).toBeTruthy();
        expect(Object.keys(op.responses as object).length, where).toBeGreaterThan(0);
        const names = ((op.parameters as { name: string; in: string }[] | undefined) ?? [])
          .filter((x) => x.in === "path")
          .map((x) => x.name)
          .sort();
        expect(names, where).toEqual([...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort());
      }
    }
  });

  it("serialises as JSON (what /api/v1/openapi.json sends)", () => {
    expect(() => JSON.parse(JSON.stringify(doc))).not.toThrow();
  });
});
