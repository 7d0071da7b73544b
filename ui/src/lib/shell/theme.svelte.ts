// Light / dark theme. Follows the OS unless the user picks one; the choice (not PII) is kept in
// localStorage so the window opens the same way next time.
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'cipw.theme';
const CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

function load(): ThemeChoice {
	const saved = globalThis.localStorage?.getItem(KEY);
	return CHOICES.includes(saved as ThemeChoice) ? (saved as ThemeChoice) : 'system';
}

class Theme {
	choice = $state<ThemeChoice>(load());

	/** Applies the choice to <html data-theme>; `system` removes it so CSS media queries decide. */
	apply() {
		const root = document.documentElement;
		if (this.choice === 'system') delete root.dataset.theme;
		else root.dataset.theme = this.choice;
	}

	set(choice: ThemeChoice) {
		this.choice = choice;
		globalThis.localStorage?.setItem(KEY, choice);
		this.apply();
	}

	/** system → light → dark → system */
	cycle() {
		const next = CHOICES[(CHOICES.indexOf(this.choice) + 1) % CHOICES.length] ?? 'system';
		this.set(next);
	}
}

export const theme = new Theme();
