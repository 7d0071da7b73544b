// Dates on the queue screens, as a reviewer reads them.
import { providerToday } from '$lib/workspace/today';

/** Today in the provider's time zone, YYYY-MM-DD. */
export function today() {
	return providerToday();
}

/** The date `days` from now, YYYY-MM-DD (UTC). */
export function inDays(days: number) {
	return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** How long ago an item was opened: `today`, `3d`. */
export function ago(at: string) {
	const days = Math.floor((Date.now() - Date.parse(at)) / 86_400_000);
	return days <= 0 ? 'today' : `${days}d`;
}

/** Time left before an SLA is due (`5h`, `2d`), or how late it is (`1d late`). */
export function due(at: string) {
	const hours = (Date.parse(at) - Date.now()) / 3_600_000;
	if (hours < 0) return `${Math.ceil(-hours / 24)}d late`;
	return hours < 24 ? `${Math.max(1, Math.round(hours))}h` : `${Math.round(hours / 24)}d`;
}

/** Enter on a dialog's select submits its form (a select swallows Enter otherwise). */
export function enterSubmits(event: KeyboardEvent) {
	const target = event.target as HTMLElement;
	if (event.key === 'Enter') {
		event.preventDefault();
		target.closest('form')?.requestSubmit();
	}
}
