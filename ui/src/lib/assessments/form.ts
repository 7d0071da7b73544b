// The assessment form's pure helpers (unit-tested): an empty finding row, requirement ids typed
// as text.
import type { FindingInput } from '$lib/ipc';

/** An empty finding row for the form, due in 30 days. */
export function blankFinding(today: string): FindingInput {
	const due = new Date(Date.parse(`${today}T12:00:00Z`) + 30 * 86_400_000);
	return {
		title: '',
		severity: 'medium',
		rids: [],
		due_on: due.toISOString().slice(0, 10),
		owner: ''
	};
}

/** "R5, r18 R17" → ["R5", "R18", "R17"]. */
export function parseRids(text: string): string[] {
	return text
		.split(/[\s,;]+/)
		.map((r) => r.trim().toUpperCase())
		.filter((r) => r.length > 0);
}
