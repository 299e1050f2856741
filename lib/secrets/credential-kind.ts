/**
 * What kind of credential a finding is about, across scanners that name their rules differently (trivy
 * `aws-access-key-id`, gitleaks `aws-access-token`, secretlint `AWSSecretAccessKey`, trufflehog `AWS`, ggshield
 * "AWS Keys"): a family, and for credentials made of two parts, which part. Used only to decide whether two
 * findings at the same place can be the same credential (lib/secrets/link-findings.ts), never to identify one.
 */
export type CredentialPart = "id" | "secret" | "whole";
export type CredentialKind = { family: string; part: CredentialPart };

/** A family's value shapes (strongest evidence) and the words scanners use in rule ids, names and titles. */
type Family = { family: string; value?: RegExp; text: RegExp };

// The AWS access key id: a four-letter prefix naming the key type, then 16 upper-case letters and digits.
export const AWS_KEY_ID = /^(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}$/;
const AWS_SECRET_VALUE = /^[A-Za-z0-9/+]{40}$/;

const FAMILIES: Family[] = [
  { family: "aws", value: AWS_KEY_ID, text: /\baws|amazon|aws[-_ ]?(access|secret)/i },
  {
    family: "private-key",
    value: /^-----BEGIN [A-Z0-9 ]*PRIVATE KEY/,
    text: /private[-_ ]?key|privatekey|\brsa\b|\bssh\b|\bpem\b|\bdsa\b|ecdsa|ed25519|pkcs/i,
  },
  { family: "github", value: /^(?:gh[pousr]_|github_pat_)/, text: /github|\bgh[ps]?[-_]?pat\b/i },
  { family: "gitlab", value: /^glpat-/, text: /gitlab/i },
  { family: "npm", value: /^npm_/, text: /\bnpm/i },
  { family: "slack", value: /^xox[abposr]-/, text: /slack/i },
  { family: "stripe", value: /^(?:sk|rk)_(?:live|test)_/, text: /stripe/i },
  { family: "google", value: /^AIza/, text: /google|\bgcp\b|firebase/i },
];

const ID_WORDS = /access[-_ ]?key[-_ ]?id|key[-_ ]?id\b|accesskeyid|client[-_ ]?id|access[-_ ]?token/i;
const SECRET_WORDS = /secret/i;

/**
 * The kind of a finding from its value when the report carries one, else from the scanner's words. `partHint` is
 * what a scanner says about the match itself (ggshield's match `type`: client_id, client_secret, apikey).
 */
export function credentialKind(f: {
  detector: string;
  ruleId: string;
  title?: string;
  value?: string;
  partHint?: string;
}): CredentialKind {
  const byValue = f.value ? FAMILIES.find((x) => x.value?.test(f.value!)) : undefined;
  if (byValue?.family === "aws") return kindOf("aws", awsPart("", f.value, f.partHint));
  if (byValue) return kindOf(byValue.family, "whole");
  // A report repeats a handful of rules thousands of times: their words are classified once.
  const words = `${f.ruleId}\0${f.detector}\0${f.title ?? ""}\0${f.partHint ?? ""}`;
  let kind = byWords.get(words);
  if (!kind) {
    if (byWords.size >= 10_000) byWords.clear();
    byWords.set(words, (kind = kindOfWords(f)));
  }
  return f.value === undefined ? kind : kind.family === "aws" ? kindOf("aws", awsPart("", f.value, f.partHint)) : kind;
}

// One object per kind: a report of 200,000 findings holds 200,000 references to a handful of them.
const kinds = new Map<string, CredentialKind>();
export function kindOf(family: string, part: CredentialPart): CredentialKind {
  const key = `${family}/${part}`;
  let k = kinds.get(key);
  if (!k) kinds.set(key, (k = Object.freeze({ family, part })));
  return k;
}

const byWords = new Map<string, CredentialKind>();

function kindOfWords(f: { detector: string; ruleId: string; title?: string; partHint?: string }): CredentialKind {
  const words = `${f.ruleId} ${f.detector} ${f.title ?? ""}`;
  const family = FAMILIES.find((x) => x.text.test(words));
  if (!family) return kindOf("generic", "whole");
  if (family.family !== "aws") return kindOf(family.family, "whole");
  return kindOf("aws", awsPart(words, undefined, f.partHint));
}

function awsPart(words: string, value: string | undefined, hint: string | undefined): CredentialPart {
  if (value !== undefined) return AWS_KEY_ID.test(value) ? "id" : AWS_SECRET_VALUE.test(value) ? "secret" : "whole";
  if (hint && ID_WORDS.test(hint)) return "id";
  if (hint && SECRET_WORDS.test(hint)) return "secret";
  if (ID_WORDS.test(words)) return "id";
  if (SECRET_WORDS.test(words)) return "secret";
  return "whole";
}

/**
 * The two parts of an AWS key pair when one string holds both: trufflehog's RawV2 is the key id followed by the
 * secret (pkg/detectors/aws), with nothing between them or a ":".
 */
export function splitAwsPair(value: string): { id: string; secret: string } | undefined {
  const m = /^([A-Z0-9]{20}):?([A-Za-z0-9/+]{40})$/.exec(value);
  return m && AWS_KEY_ID.test(m[1]!) ? { id: m[1]!, secret: m[2]! } : undefined;
}
