import fs from "node:fs";
import path from "node:path";

/** The shared, real scanner reports (read in place, never copied or edited). */
export const FIXTURES_DIR = path.resolve(import.meta.dirname, "../../../shared/fixtures/scanners");

export const fixturePath = (rel: string) => path.join(FIXTURES_DIR, rel);
export const readFixture = (rel: string) => fs.readFileSync(fixturePath(rel));

export function allFixtures(): string[] {
  return fs
    .readdirSync(FIXTURES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => fs.readdirSync(path.join(FIXTURES_DIR, d.name)).map((f) => `${d.name}/${f}`))
    .sort();
}

/** Real reports this project added (test/fixtures/<format>/, provenance in test/fixtures/PROVENANCE.md). */
export const PROJECT_FIXTURES_DIR = path.resolve(import.meta.dirname, "../fixtures");

export function allProjectFixtures(): string[] {
  return fs
    .readdirSync(PROJECT_FIXTURES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== "LICENSES")
    .flatMap((d) => fs.readdirSync(path.join(PROJECT_FIXTURES_DIR, d.name)).map((f) => `${d.name}/${f}`))
    .sort();
}
export const readProjectFixture = (rel: string) => fs.readFileSync(path.join(PROJECT_FIXTURES_DIR, rel));
