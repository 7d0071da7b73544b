// Formatting and grouping of obligations for display (pure; tested by vitest).
import type { Obligation, ObligationStatus } from '$lib/ipc';

/** Year, month (1–12) and day of an ISO date. */
function parts(iso: string): [number, number, number] {
	const [y = 1970, m = 1, d = 1] = iso.split('-').map(Number);
	return [y, m, d];
}

export const STATUS_LABEL: Record<ObligationStatus, string> = {
	open: 'Open',
	due_soon: 'Due soon',
	overdue: 'Overdue',
	met: 'Met',
	lifted: 'Lifted (exemption)'
};

/** A local date as the user's locale shows it (the ISO date goes in a title). */
export function localDate(iso: string): string {
	const [y, m, d] = parts(iso);
	return new Date(y, m - 1, d).toLocaleDateString(undefined, {
		year: 'numeric',
		month: 'short',
		day: 'numeric'
	});
}

export function daysLeftText(days: number): string {
	if (days === 0) return 'today';
	if (days > 0) return `in ${days} day${days === 1 ? '' : 's'}`;
	return `${-days} day${days === -1 ? '' : 's'} late`;
}

export { usd } from '$lib/format';

/** Obligations (not met) per month for the next `months` months from `today`. */
export function byMonth(
	list: Obligation[],
	today: string,
	months = 12
): { label: string; month: string; overdue: number; open: number }[] {
	const [y, m] = parts(today);
	const out = [];
	for (let i = 0; i < months; i++) {
		const date = new Date(y, m - 1 + i, 1);
		const month = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}`;
		const due = list.filter((o) => o.due_date.startsWith(month) && o.status !== 'met');
		out.push({
			month,
			label: date.toLocaleDateString(undefined, { month: 'short' }),
			overdue: due.filter((o) => o.status === 'overdue').length,
			open: due.filter((o) => o.status !== 'overdue').length
		});
	}
	return out;
}
