import { credentialOf, matchedText } from "@/lib/secrets/credential";
import { readFixture } from "./fixtures";

/** Every raw secret value the shared fixtures contain, read straight from the files (not via our parsers). */
export function rawValuesInFixtures(): string[] {
  const out = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v === "string" && v.length >= 6 && !/^REDACTED$/i.test(v) && !/\*{3,}/.test(v)) out.add(v);
  };
  const json = (f: string) => JSON.parse(readFixture(f).toString());
  const lines = (f: string) =>
    readFixture(f)
      .toString()
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l));
  for (const f of [
    "gitleaks/gitleaks8_many.json",
    "gitleaks-upstream/json_simple.json",
    "gitleaks-upstream/template_jsonextra.json",
  ]) {
    for (const x of json(f)) {
      add(x.Secret);
      add(x.Match);
    }
  }
  for (const f of ["gitleaks/version_7.5.0.json", "gitleaks/redacted_data_many.json"])
    for (const x of json(f)) add(x.offender);
  for (const r of json("sarif/gitleaks_7.5.0.sarif").runs[0].results) add(r.properties.offender);
  for (const l of lines("trufflehog/v3_git.json")) {
    add(l.Raw);
    add(Buffer.from(l.Raw, "base64").toString());
    add(l.RawV2);
  }
  for (const x of json("trufflehog3/many_vulns_current.json")) add(x.secret);
  for (const f of ["secretlint/secretlint_many_vuln.json", "secretlint/secretlint_one_vuln.json"]) {
    for (const file of json(f)) {
      for (const m of file.messages) {
        add(file.sourceContent.slice(m.range[0], m.range[1]));
        // The credential itself: secretlint's AWS range starts at the name and stops short of the value's end.
        add(credentialOf(matchedText(file.sourceContent, m.range[0], m.range[1])));
      }
    }
  }
  for (const l of lines("noseyparker/noseyparker_0_22_0.jsonl")) {
    for (const g of l.groups) add(Buffer.from(g, "base64").toString());
    for (const m of l.matches) add(m.snippet?.matching);
  }
  return [...out];
}
