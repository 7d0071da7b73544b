// The AI-training transactions view's state (R23–R26): the case register, the case open beside
// it, metered usage and resellers' reports.
import { grouped } from '$lib/format';
import {
	api,
	toIpcError,
	type AiArrangementInput,
	type AiCaseDetail,
	type AiOverview,
	type AiResellerReportForm,
	type AiUsageImportReport,
	type AiUsageLine
} from '$lib/ipc';
import { jobs } from '$lib/shell/jobs.svelte';
import { onLock } from '$lib/workspace/state.svelte';

class AiState {
	overview = $state<AiOverview | null>(null);
	usage = $state<AiUsageLine[]>([]);
	/** The case open beside the register. */
	detail = $state<AiCaseDetail | null>(null);
	/** The usage file checked and waiting for "Import". */
	checked = $state<AiUsageImportReport | null>(null);
	busy = $state<string | null>(null);
	error = $state<string | null>(null);
	notice = $state<string | null>(null);
	loaded = $state(false);
	/** Set by the queue's "AI cases" tab: the register opens filtered on cases in review. */
	reviewOnly = false;

	async load() {
		try {
			[this.overview, this.usage] = await Promise.all([api.ai.overview(), api.ai.usageLines()]);
			if (this.detail) this.detail = await api.ai.caseGet({ id: this.detail.case.id });
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

	async open(id: string) {
		const d = await this.run('Opening the case…', () => api.ai.caseGet({ id }));
		if (d) this.detail = d;
	}

	async addCase(customerRef: string, summary: string): Promise<boolean> {
		const id = await this.run('Opening a case…', () =>
			api.ai.caseAdd({ case: { customer_ref: customerRef, summary } })
		);
		if (!id) return false;
		this.notice = `Case opened for ${customerRef.trim()}.`;
		await this.load();
		await this.open(id);
		return true;
	}

	async addArrangement(caseId: string, arrangement: AiArrangementInput): Promise<boolean> {
		const v = await this.run('Evaluating…', () => api.ai.arrangementAdd({ caseId, arrangement }));
		if (!v) return false;
		this.notice = `Version ${v.version} recorded: ${v.evaluation?.coverage.replace('_', ' ') ?? 'not evaluated'} under ${v.recorded_pack_id}.`;
		await this.load();
		return true;
	}

	async close(caseId: string, reason: string): Promise<boolean> {
		const done = await this.run('Closing…', async () => {
			await api.ai.caseClose({ caseId, reason });
			return true;
		});
		if (done) {
			this.notice = 'Case closed.';
			await this.load();
		}
		return !!done;
	}

	/** Drafts the report (or its update) through the filing engine; returns the filing's id. */
	async draftReport(caseId: string, update: boolean): Promise<string | undefined> {
		const f = await this.run('Drafting the report…', () =>
			api.filing.draft({
				request: {
					kind: 'ai_report',
					year: null,
					event_id: null,
					case_id: caseId,
					update,
					page: 'a4'
				}
			})
		);
		if (f) {
			this.notice = `${f.label} drafted (filing ${f.id.slice(0, 8)}); approve and file it under Filings.`;
			await this.load();
		}
		return f?.id;
	}

	async checkUsage() {
		const report = await this.run('Checking the file…', () => api.ai.usageCheck());
		if (report !== undefined) this.checked = report;
	}

	async commitUsage() {
		const report = await this.run('Importing usage…', () => jobs.track(() => api.ai.usageCommit()));
		this.checked = null;
		if (!report) return;
		const e = report.evaluation;
		this.notice =
			`${grouped(report.stored)} usage rows imported.` +
			(e
				? ` ${e.customers} customer(s) with usage in the window; ${e.opened.length} case(s) opened for review${e.opened.length ? `: ${e.opened.join(', ')}` : ''}.`
				: '');
		await this.load();
	}

	async evaluateUsage() {
		const e = await this.run('Summing the window…', () => api.ai.usageEvaluate());
		if (!e) return;
		this.notice = `${e.customers} customer(s) with usage since ${e.from}; ${e.flagged.length} at or over the could-be fraction; ${e.opened.length} case(s) opened for review.`;
		await this.load();
	}

	async recordResellerReport(form: AiResellerReportForm): Promise<boolean> {
		const id = await this.run('Recording…', () => api.ai.resellerReport({ form }));
		if (!id) return false;
		this.notice = `${form.reseller_ref}'s report recorded; transmit it to Commerce by its due date (R24).`;
		await this.load();
		return true;
	}

	async transmit(id: string, on: string, channel: string, reference: string): Promise<boolean> {
		const done = await this.run('Recording…', async () => {
			await api.ai.resellerTransmit({ transmittal: { id, on, channel, reference } });
			return true;
		});
		if (done) await this.load();
		return !!done;
	}

	async resellerFailure(resellerRef: string, awareOn: string, what: string): Promise<boolean> {
		const done = await this.run('Recording…', async () => {
			await api.ai.resellerFailure({ resellerRef, awareOn, what });
			return true;
		});
		if (done) {
			this.notice = `${resellerRef} is under remediation: no new account comes through it until resolved (R25).`;
			await this.load();
		}
		return !!done;
	}

	reset() {
		this.overview = null;
		this.usage = [];
		this.detail = null;
		this.checked = null;
		this.error = this.notice = this.busy = null;
		this.loaded = false;
	}
}

export const ai = new AiState();
onLock(() => ai.reset());
