/** A value as it arrives after JSON: dates become ISO strings (what a client component receives from a page). */
export type Jsonified<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Jsonified<U>[]
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

export const jsonified = <T>(value: T): Jsonified<T> => JSON.parse(JSON.stringify(value));
