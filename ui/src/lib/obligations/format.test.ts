import { describe, expect, it } from 'vitest';
import type { Obligation } from '$lib/ipc';
import { byMonth, daysLeftText } from './format';

function due(date: string, status: Obligation['status']): Obligation {
	return {
		key: `k:${date}:${status}`,
		kind: 'cip_copy',
		rid: 'R15',
		title: 't',
		source_event: 'e',
		due_date: date,
		due_at: `${date}T23:59:59Z`,
		status,
		days_left: 0,
		assumed: false,
		met: null,
		pack_id: 'p',
		pack_sha256: 's',
		exposure_usd: null,
		exposure_note: null,
		subject: null,
		exemption: null
	};
}

describe('byMonth', () => {
	it('counts open and overdue per month for twelve months from today, across a year end', () => {
		const months = byMonth(
			[
				due('2026-11-02', 'overdue'),
				due('2026-11-30', 'due_soon'),
				due('2027-01-31', 'open'),
				due('2027-01-10', 'met'),
				due('2027-11-01', 'open')
			],
			'2026-11-27'
		);
		expect(months).toHaveLength(12);
		expect(months[0]).toMatchObject({ month: '2026-11', overdue: 1, open: 1 });
		expect(months[2]).toMatchObject({ month: '2027-01', overdue: 0, open: 1 });
		expect(months[11]?.month).toBe('2027-10');
		expect(months.reduce((n, m) => n + m.open + m.overdue, 0)).toBe(3);
	});
});

describe('daysLeftText', () => {
	it('reads naturally', () => {
		expect(daysLeftText(0)).toBe('today');
		expect(daysLeftText(1)).toBe('in 1 day');
		expect(daysLeftText(10)).toBe('in 10 days');
		expect(daysLeftText(-1)).toBe('1 day late');
		expect(daysLeftText(-3)).toBe('3 days late');
	});
});
