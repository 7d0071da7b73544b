import { describe, expect, it } from 'vitest';
import { grouped, usd } from './format';

describe('numbers', () => {
	it('groups thousands whatever the engine', () => {
		expect(grouped(0)).toBe('0');
		expect(grouped(999)).toBe('999');
		expect(grouped(1000)).toBe('1,000');
		expect(grouped(1500000)).toBe('1,500,000');
		expect(grouped(-1234567.5)).toBe('-1,234,567.5');
		expect(grouped(8976)).toBe('8,976');
	});
	it('prints dollars with separators and no cents', () => {
		expect(usd(1500000)).toBe('$1,500,000');
		expect(usd(250000)).toBe('$250,000');
		expect(usd(0)).toBe('$0');
	});
});
