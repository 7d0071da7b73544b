// Whether a key press is a view's own shortcut: not typed into a field or a dialog, and without
// Ctrl, ⌘ or Alt (those belong to the frame and the system).
export function isPageKey(event: KeyboardEvent): boolean {
	const target = event.target as HTMLElement | null;
	if (target?.closest?.('input, textarea, select, dialog')) return false;
	return !(event.ctrlKey || event.metaKey || event.altKey);
}
