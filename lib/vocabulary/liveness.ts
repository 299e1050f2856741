/** Several findings' word on whether a credential is live: live if any scanner verified it, else not if any said so. */
export const combinedLiveness = (said: (boolean | null | undefined)[]): boolean | null =>
  said.includes(true) ? true : said.includes(false) ? false : null;
