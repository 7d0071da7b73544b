import { describe, expect, it } from 'vitest';
import { formatCountdown } from './state.svelte';

describe('formatCountdown', () => {
	it('rounds minutes up so "1 min" never hides 30 seconds', () => {
		expect(formatCountdown(900)).toBe('15 min');
		expect(formatCountdown(61)).toBe('2 min');
		expect(formatCountdown(60)).toBe('1 min');
	});
	it('shows seconds under a minute', () => {
		expect(formatCountdown(59)).toBe('59 s');
		expect(formatCountdown(0)).toBe('0 s');
	});
});
