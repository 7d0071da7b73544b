// Which element a reviewer works on next: pure, so the keyboard flow is unit-tested.
import type { Method, QueueReason, ReviewView } from '$lib/ipc';

type Elements = Pick<ReviewView, 'elements'>;

/** The element to select after a check: the next required one not verified, else stay. */
export function nextUnverified(view: Elements, from: number): number {
	const n = view.elements.length;
	for (let step = 1; step <= n; step++) {
		const i = (from + step) % n;
		const e = view.elements[i];
		if (e?.required && e.outcome !== 'verified') return i;
	}
	return from;
}

/** The first required element not verified yet (where a reviewer starts). */
export function firstUnverified(view: Elements): number {
	const i = view.elements.findIndex((e) => e.required && e.outcome !== 'verified');
	return i < 0 ? 0 : i;
}

/** The letter of each method on the check buttons and in the results (Shift+D/N/G). */
export const METHOD_LETTER: Record<Method, string> = {
	documentary: 'D',
	non_documentary: 'N',
	digital_id: 'G'
};

/** Why an item is in the queue, in words with the rule it serves. */
export const REASON_LABEL: Record<QueueReason, string> = {
	onboarding: 'new customer (R4)',
	reverification: 're-verification (R8)',
	new_owner: 'new beneficial owner (R7)',
	appeal: 'appeal granted (R6)',
	exemption_lapsed: 'exemption lapsed (R20)'
};
