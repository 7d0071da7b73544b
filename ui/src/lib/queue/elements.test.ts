import { describe, expect, it } from 'vitest';
import type { ElementRow } from '$lib/ipc';
import { REASON_LABEL, firstUnverified, nextUnverified } from './elements';

function row(
	element: ElementRow['element'],
	required: boolean,
	outcome: ElementRow['outcome']
): ElementRow {
	return {
		element,
		label: element,
		summary: '',
		required,
		outcome,
		method: outcome ? 'documentary' : null,
		reviewer: null,
		at: null,
		warning: null
	};
}

const view = {
	elements: [
		row('name', true, 'verified'),
		row('address', true, null),
		row('ip_addresses', false, null),
		row('payment', true, 'failed'),
		row('us_person', true, 'verified')
	]
};

describe('the element a reviewer works on', () => {
	it('starts at the first required element not verified', () => {
		expect(firstUnverified(view)).toBe(1);
	});

	it('moves on to the next required one, skipping optional and verified ones, wrapping', () => {
		expect(nextUnverified(view, 1)).toBe(3);
		expect(nextUnverified(view, 3)).toBe(1);
		expect(nextUnverified(view, 4)).toBe(1);
	});

	it('stays put when everything required is verified', () => {
		const done = { elements: view.elements.map((e) => ({ ...e, outcome: 'verified' as const })) };
		expect(nextUnverified(done, 2)).toBe(2);
		expect(firstUnverified(done)).toBe(0);
	});
});

describe('queue reasons', () => {
	it('says each reason in words with the rule it serves', () => {
		expect(REASON_LABEL.exemption_lapsed).toBe('exemption lapsed (R20)');
		for (const label of Object.values(REASON_LABEL)) expect(label).toMatch(/ \(R\d+\)$/);
	});
});
