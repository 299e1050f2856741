export const TRIAGE_LABEL: Record<string, string> = {
  open: "Open",
  confirmed: "Confirmed",
  false_positive: "False positive",
  accepted_risk: "Accepted risk",
  resolved: "Resolved",
};

export const IDENTITY_LABEL: Record<string, string> = {
  hmac: "Keyed hash of the value (HMAC-SHA256)",
  scanner_hash: "A scanner's own fingerprint, keyed again (HMAC-SHA256)",
  layer_location: "Layer diffID + path + rule (no value in the report)",
  location: "Image + path + rule + line (no value or layer in the report)",
};

export const shortDigest = (d: string) => (d.startsWith("sha256:") ? `sha256:${d.slice(7, 19)}` : d);
export { day } from "@/components/ui/format";
