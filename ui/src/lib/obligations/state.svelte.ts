// Obligations shared by the dashboard, the calendar and the navigation counts.
import {
	api,
	toIpcError,
	type Obligation,
	type ObligationKind,
	type ObligationsView,
	type ObligationStatus
} from '$lib/ipc';
import { onLock } from '$lib/workspace/state.svelte';

export { STATUS_LABEL, byMonth, daysLeftText, localDate, usd } from './format';

export type StatusFilter = ObligationStatus | 'all' | 'not_met';

class ObligationsState {
	view = $state<ObligationsView | null>(null);
	error = $state<string | null>(null);
	loading = $state(false);
	/** Calendar filters (the dashboard's numbers set them before opening the calendar). */
	kind = $state<ObligationKind | 'all'>('all');
	status = $state<StatusFilter>('not_met');
	search = $state('');

	readonly overdue = $derived(
		this.view?.obligations.filter((o) => o.status === 'overdue').length ?? 0
	);

	async load() {
		this.loading = true;
		try {
			this.view = await api.obligations.list();
			this.error = null;
		} catch (e) {
			this.error = toIpcError(e).message;
		} finally {
			this.loading = false;
		}
	}

	/** Returns an error for the form, or null. */
	async meet(obligation: Obligation, reference: string): Promise<string | null> {
		try {
			await api.obligation.meet({ key: obligation.key, reference });
			await this.load();
			return null;
		} catch (e) {
			return toIpcError(e).message;
		}
	}

	filtered(): Obligation[] {
		const needle = this.search.trim().toLowerCase();
		return (this.view?.obligations ?? []).filter(
			(o) =>
				(this.kind === 'all' || o.kind === this.kind) &&
				(this.status === 'all' ||
					(this.status === 'not_met'
						? o.status !== 'met' && o.status !== 'lifted'
						: o.status === this.status)) &&
				(!needle || `${o.rid} ${o.title}`.toLowerCase().includes(needle))
		);
	}

	clear() {
		this.view = null;
		this.error = null;
	}
}

export const obligations = new ObligationsState();
onLock(() => obligations.clear());
