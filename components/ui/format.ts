/** Display formats shared by every page: UTC, so a report reads the same wherever it is opened. */
export const day = (d: Date | string) => new Date(d).toISOString().slice(0, 10);
export const minute = (d: Date | string) => new Date(d).toISOString().slice(0, 16).replace("T", " ");
export const hours = (h: number | null) =>
  h == null ? "—" : h < 48 ? `${h.toFixed(1)} h` : `${(h / 24).toFixed(1)} d`;
