// The compliance assessments view's state (R16, R20): the exemptions granted, the assessments
// with their findings, the finding open below them, and the forms recording new ones. Everything goes through the
// backend; nothing is kept in the WebView.
import {
	api,
	toIpcError,
	type AssessmentInput,
	type AssessmentsView,
	type ExemptionInput,
	type ExemptionEndInput,
	type ExemptionView
} from '$lib/ipc';
import { onLock } from '$lib/workspace/state.svelte';

class AssessmentsState {
	view = $state<AssessmentsView | null>(null);
	exemptions = $state<ExemptionView[]>([]);
	/** The finding open below the list. */
	findingId = $state<string | null>(null);
	busy = $state(false);
	error = $state<string | null>(null);
	notice = $state<string | null>(null);

	async load() {
		try {
			[this.view, this.exemptions] = await Promise.all([
				api.assessments.list(),
				api.exemptions.list()
			]);
			this.error = null;
		} catch (e) {
			this.error = toIpcError(e).message;
		}
	}

	private async run<T>(
		work: () => Promise<T>,
		done?: (out: T) => string | null
	): Promise<T | null> {
		if (this.busy) return null;
		this.busy = true;
		this.notice = null;
		try {
			const out = await work();
			this.error = null;
			if (done) this.notice = done(out);
			return out;
		} catch (e) {
			this.error = toIpcError(e).message;
			return null;
		} finally {
			this.busy = false;
		}
	}

	async add(input: AssessmentInput): Promise<boolean> {
		const made = await this.run(
			() => api.assessments.add({ input }),
			(a) =>
				`Assessment ${a.assessor_reference} recorded: ${a.findings.length} finding(s) on the calendar.`
		);
		if (made) await this.load();
		return made !== null;
	}

	async addFile() {
		const made = await this.run(
			() => api.assessments.addFile(),
			(a) => (a ? `Assessment ${a.assessor_reference} recorded from the file.` : null)
		);
		if (made) await this.load();
	}

	/** Records an exemption (R20), with Commerce's decision picked in a file dialog when asked. */
	async addExemption(input: ExemptionInput, withDecision: boolean): Promise<boolean> {
		const made = await this.run(
			() =>
				withDecision ? api.exemptions.addWithDecision({ input }) : api.exemptions.add({ input }),
			(e) =>
				e ? `Exemption ${e.reference} recorded: ${e.scope}, ${e.standing.replace('_', ' ')}.` : null
		);
		if (made) await this.load();
		return made !== null;
	}

	/** Ends an exemption before its term (Commerce revoked it) or corrects its last day (R20). */
	async endExemption(id: string, input: ExemptionEndInput): Promise<boolean> {
		const ended = await this.run(
			() => api.exemptions.end({ id, input }),
			(e) => `Exemption ${e.reference} now ends on ${e.ends_on}: ${e.standing.replace('_', ' ')}.`
		);
		if (ended) await this.load();
		return ended !== null;
	}

	async note(findingId: string, note: string): Promise<boolean> {
		const view = await this.run(
			() => api.assessments.note({ findingId, note }),
			() => 'Note recorded.'
		);
		if (view) this.view = view;
		return view !== null;
	}

	/** A note with evidence chosen in the file dialog; `close` closes the finding with it. */
	async evidence(
		findingId: string,
		note: string,
		close: boolean,
		cipVersion: number | null
	): Promise<boolean> {
		const view = await this.run(
			() => api.assessments.evidence({ findingId, note, close, cipVersion }),
			(v) =>
				v === null ? null : close ? 'Finding closed; its obligation is met.' : 'Evidence recorded.'
		);
		if (view) this.view = view;
		return view !== null;
	}
}

export const assessments = new AssessmentsState();

onLock(() => {
	assessments.view = null;
	assessments.exemptions = [];
	assessments.findingId = null;
});
