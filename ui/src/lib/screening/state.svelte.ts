// The Screening view's state (R22): list versions, the last name checked, the measures register.
import { grouped } from '$lib/format';
import {
	api,
	toIpcError,
	type ConditionView,
	type HitView,
	type IpdbView,
	type ListVersionView,
	type MeasureView,
	type NewMeasure,
	type ScreeningQuery,
	type ScreeningResult
} from '$lib/ipc';
import { jobs } from '$lib/shell/jobs.svelte';
import { onLock } from '$lib/workspace/state.svelte';

class ScreeningState {
	lists = $state<ListVersionView[]>([]);
	measures = $state<MeasureView[]>([]);
	result = $state<ScreeningResult | null>(null);
	/** Hits waiting for a decision, oldest first. */
	hits = $state<HitView[]>([]);
	/** Conditions of measures on their true matches, unmet first. */
	conditions = $state<ConditionView[]>([]);
	/** IP-to-country database versions, newest first. */
	ipdbs = $state<IpdbView[]>([]);
	/** The hit open beside the list. */
	selected = $state(0);
	busy = $state<string | null>(null);
	error = $state<string | null>(null);
	notice = $state<string | null>(null);
	loaded = $state(false);

	get active(): ListVersionView[] {
		return this.lists.filter((l) => l.active);
	}

	async load() {
		try {
			[this.lists, this.measures, this.hits, this.ipdbs, this.conditions] = await Promise.all([
				api.screening.lists(),
				api.measures.list(),
				api.screening.hits(),
				api.screening.ipdbs(),
				api.screening.conditions()
			]);
			this.selected = Math.min(this.selected, Math.max(0, this.hits.length - 1));
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
			: `${v.title}: ${grouped(v.entries)} entries, ${grouped(v.aliases)} aliases imported${v.active ? ' and active' : ''}.`;
		if (imported.unmapped_countries.length > 0) {
			this.notice += ` Countries kept as written: ${imported.unmapped_countries.join(', ')}.`;
		}
		await this.load();
		// A new active version: everyone is screened against it (R22), as a job with progress.
		if (v.active && !imported.already_held) await this.rescreen(this.notice);
	}

	async conditionMet(c: ConditionView, note: string): Promise<boolean> {
		const done = await this.run('Recording…', () =>
			api.screening.conditionMet({ hitId: c.hit_id, position: c.position, note })
		);
		if (done === undefined) return false;
		this.notice = `Condition met for ${c.customer_ref}: ${c.condition}.`;
		await this.load();
		return true;
	}

	async importIpdb() {
		const imported = await this.run('Importing the IP database…', () => api.screening.importIpdb());
		if (!imported) return;
		this.notice = `IP database ${imported.database_type} (built ${imported.built_on ?? '—'}) imported and active.`;
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
		// A measure changes what hits: everyone is screened again (R22).
		if (this.active.length > 0 || added.jurisdictions.length > 0 || added.persons.length > 0)
			await this.rescreen(this.notice);
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

	get hit(): HitView | undefined {
		return this.hits[this.selected];
	}

	move(by: number) {
		if (this.hits.length === 0) return;
		this.selected = Math.min(this.hits.length - 1, Math.max(0, this.selected + by));
	}

	async rescreen(before: string | null = null) {
		const summary = await this.run('Screening every customer and owner…', () =>
			jobs.track(() => api.screening.run())
		);
		if (!summary) return;
		this.notice = `${before ? `${before} ` : ''}Screened ${grouped(summary.subjects)} customers and owners: ${summary.new_hits} new hit(s), ${summary.already_open} already waiting, ${summary.remembered} left closed as decided before.`;
		await this.load();
	}

	async decide(trueMatch: boolean, reason: string): Promise<boolean> {
		const hit = this.hit;
		if (!hit) return false;
		const decided = await this.run('Recording the decision…', () =>
			api.screening.decide({ decision: { hit_id: hit.id, true_match: trueMatch, reason } })
		);
		if (!decided) return false;
		this.notice =
			decided.state === 'false_positive'
				? `False positive recorded for ${decided.customer_ref}; it stays closed while neither the customer nor the entry changes.`
				: decided.state === 'awaiting_second'
					? `True match for ${decided.customer_ref}: waits for a second reviewer.`
					: `True match for ${decided.customer_ref}: approval is blocked (R22).`;
		await this.load();
		return true;
	}

	async second(confirm: boolean) {
		const hit = this.hit;
		if (!hit) return;
		const done = await this.run('Recording…', () =>
			api.screening.second({ hitId: hit.id, confirm })
		);
		if (done) {
			this.notice = confirm ? 'True match confirmed.' : 'Sent back for another decision.';
			await this.load();
		}
	}

	clear() {
		this.lists = [];
		this.measures = [];
		this.result = null;
		this.hits = [];
		this.ipdbs = [];
		this.conditions = [];
		this.selected = 0;
		this.error = null;
		this.notice = null;
		this.loaded = false;
	}
}

export const screening = new ScreeningState();
onLock(() => screening.clear());
