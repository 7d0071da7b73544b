// The Audit view's state: a page of events (newest first), a filter, and the last verification.
import {
	api,
	toIpcError,
	type AuditEventView,
	type ChainReport,
	type ObjectsReportView
} from '$lib/ipc';
import { onLock } from '$lib/workspace/state.svelte';

const PAGE = 100;

class AuditState {
	events = $state<AuditEventView[]>([]);
	filter = $state('');
	more = $state(false);
	loading = $state(false);
	verifying = $state(false);
	report = $state<ChainReport | null>(null);
	/** Every record's digest recomputed from the database (issue 14). */
	records = $state<ObjectsReportView | null>(null);
	error = $state<string | null>(null);

	async load(reset = true) {
		this.loading = true;
		try {
			const offset = reset ? 0 : this.events.length;
			const page = await api.audit.list({
				query: {
					action_prefix: this.filter.trim() || null,
					limit: PAGE,
					offset
				}
			});
			this.events = reset ? page : [...this.events, ...page];
			this.more = page.length === PAGE;
			this.error = null;
		} catch (e) {
			this.error = toIpcError(e).message;
		} finally {
			this.loading = false;
		}
	}

	async verify() {
		this.verifying = true;
		try {
			this.report = await api.audit.verify();
			this.records = await api.audit.verifyObjects();
			this.error = null;
		} catch (e) {
			this.error = toIpcError(e).message;
		} finally {
			this.verifying = false;
		}
	}

	clear() {
		this.events = [];
		this.report = null;
		this.records = null;
		this.filter = '';
		this.more = false;
	}
}

export const audit = new AuditState();
onLock(() => audit.clear());
