// "Today" as the backend counts it: the date in the provider's time zone (Provider profile).
// Every check that a date is not in the future is made against it, so forms default to it: in
// the evening in New York it is already tomorrow in UTC, and a date taken from the computer's
// clock would be refused.
import { workspace } from './state.svelte';

/** Today in the provider's time zone, YYYY-MM-DD (the computer's date while locked). */
export function providerToday(): string {
	return workspace.status?.today ?? new Date().toLocaleDateString('sv');
}
