import { describe as suite, expect, it } from 'vitest';
import { describe } from './jobs.svelte';

suite('job description', () => {
	it('shows whole percents and never divides by zero', () => {
		expect(describe({ label: 'Backing up', done: 421, total: 1000, cancellable: false })).toBe(
			'Backing up 42 %'
		);
		expect(describe({ label: 'Restoring', done: 0, total: 0, cancellable: false })).toBe(
			'Restoring 0 %'
		);
		expect(describe({ label: 'Backing up', done: 10, total: 10, cancellable: true })).toBe(
			'Backing up 100 %'
		);
	});
});
