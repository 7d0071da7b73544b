import { describe, expect, it } from 'vitest';
import { filterCommands, type PaletteCommand } from './palette';

const noop = () => {};
const commands: PaletteCommand[] = [
	{ id: 'about', label: 'Go to About', run: noop },
	{ id: 'doctor', label: 'Run diagnostics again', run: noop },
	{ id: 'theme', label: 'Switch theme (system, light, dark)', run: noop }
];

describe('filterCommands', () => {
	it('returns everything for an empty query', () => {
		expect(filterCommands(commands, '  ').map((c) => c.id)).toEqual(['about', 'doctor', 'theme']);
	});

	it('matches every word, case-insensitively, in any order', () => {
		expect(filterCommands(commands, 'AGAIN run').map((c) => c.id)).toEqual(['doctor']);
		expect(filterCommands(commands, 'dark').map((c) => c.id)).toEqual(['theme']);
	});

	it('returns nothing when a word matches nothing', () => {
		expect(filterCommands(commands, 'about zebra')).toEqual([]);
	});
});
