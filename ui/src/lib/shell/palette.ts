// Commands of the command palette (Ctrl/⌘+K): pure data plus a fuzzy-enough filter.
export interface PaletteCommand {
	id: string;
	label: string;
	hint?: string;
	run: () => void;
}

/** Keeps commands whose label contains every word of the query, in their original order. */
export function filterCommands(commands: readonly PaletteCommand[], query: string) {
	const words = query.toLowerCase().split(/\s+/).filter(Boolean);
	return commands.filter((c) => {
		const label = c.label.toLowerCase();
		return words.every((w) => label.includes(w));
	});
}
