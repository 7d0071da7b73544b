// The Screening view's state (R22): list versions, the last name checked, the measures register.
import {
	api,
	toIpcError,
	type ListVersionView,
	type MeasureView,
	type NewMeasure,
	type ScreeningQuery,
	type ScreeningResult
} from '$lib/ipc';
import { onLock } from '$lib/workspace/state.svelte';

class ScreeningState {
	lists = $state<ListVersionView[]>([]);
	measures = $state<MeasureView[]>([]);
	result = $state<ScreeningResult | null>(null);
	busy = $state<string | null>(null);
	error = $state<string | null>(null);
	notice = $state<string | null>(null);
	loaded = $state(false);

	get active(): ListVersionView[] {
		return this.lists.filter((l) => l.active);
	}

	async load() {
		try {
			[this.lists, this.measures] = await Promise.all([api.screening.lists(), api.measures.list()]);
			this.error = null;
		} catch (e) {
			this.error = toIpcError(e).message;
		} finally {
			this.loaded = true;
		}
	}

	private async run<T>(label: string, work: () => Promise<T>): Promise<T | undefined> {
		this.busy = label;
		this.notice = null;
		try {
			const out = await work();
			this.error = null;
			return out;
		} catch (e) {
			this.error = toIpcError(e).message;
			return undefined;
		} finally {
			this.busy = null;
		}
	}

	async importList(list: 'sdn' | 'csl', publishedOn: string, activate: boolean) {
		const args = { publishedOn: publishedOn.trim() || null, activate };
		const imported = await this.run('Importing the list…', () =>
			list === 'sdn' ? api.screening.importSdn(args) : api.screening.importCsl(args)
		);
		if (!imported) return;
		const v = imported.version;
		this.notice = imported.already_held
			? `${v.title}: this exact version is already held${v.active ? ' and active' : ''}.`
			: `${v.title}: ${v.entries.toLocaleString()} entries, ${v.aliases.toLocaleString()} aliases imported${v.active ? ' and active' : ''}.`;
		if (imported.unmapped_countries.length > 0) {
			this.notice += ` Countries kept as written: ${imported.unmapped_countries.join(', ')}.`;
		}
		await this.load();
	}

	async activate(id: string) {
		if (await this.run('Activating…', () => api.screening.activate({ id }))) await this.load();
	}

	async check(query: ScreeningQuery) {
		const result = await this.run('Checking…', () => api.screening.check({ query }));
		if (result) this.result = result;
	}

	async addMeasure(measure: NewMeasure, withDocument: boolean): Promise<boolean> {
		const added = await this.run('Recording…', () =>
			withDocument ? api.measures.addWithDocument({ measure }) : api.measures.add({ measure })
		);
		if (!added) return false;
		this.notice = `Recorded: ${added.title} (${added.status.replace('_', ' ')}).`;
		await this.load();
		return true;
	}

	async extend(id: string, citation: string, endsOn: string): Promise<boolean> {
		const extended = await this.run('Extending…', () =>
			api.measures.extend({ id, extension: { citation, ends_on: endsOn } })
		);
		if (!extended) return false;
		this.notice = `Extended to ${extended.current_end}.`;
		await this.load();
		return true;
	}

	clear() {
		this.lists = [];
		this.measures = [];
		this.result = null;
		this.error = null;
		this.notice = null;
		this.loaded = false;
	}
}

export const screening = new ScreeningState();
onLock(() => screening.clear());
