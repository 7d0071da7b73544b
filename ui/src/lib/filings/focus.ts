// The filing another view asks the Filings view to open (e.g. a report just drafted from an AI
// case). Held in memory only: nothing goes to the WebView's storage.
export const filingFocus: { id: string | null } = { id: null };
