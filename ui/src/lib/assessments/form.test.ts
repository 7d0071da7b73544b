import { describe, expect, it } from 'vitest';
import { blankFinding, parseRids } from './form';

describe('the assessment form', () => {
	it('reads requirement ids however they are typed', () => {
		expect(parseRids('R5, r18  R17;R4')).toEqual(['R5', 'R18', 'R17', 'R4']);
		expect(parseRids('  ')).toEqual([]);
	});

	it('starts a finding due thirty days out, across a year end', () => {
		expect(blankFinding('2026-12-06').due_on).toBe('2027-01-05');
		expect(blankFinding('2026-12-06').severity).toBe('medium');
	});
});
