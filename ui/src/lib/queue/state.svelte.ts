// The verification queue's state (R4, R6): the list in working order, the item being reviewed,
// the selected element and the evidence on show. Every change goes through the backend, which
// returns the refreshed review screen; nothing here is persisted in the WebView.
import {
	api,
	toIpcError,
	type DecisionKind,
	type Element,
	type Method,
	type Outcome,
	type QueueHealth,
	type QueueListRow,
	type QueueShow,
	type ReviewView,
	type TermKind,
	type AppealOutcome
} from '$lib/ipc';
import { onLock } from '$lib/workspace/state.svelte';
import { firstUnverified, nextUnverified } from './elements';

const PAGE = 200;

class QueueState {
	show = $state<QueueShow>('ready');
	/** The screening hits tab (R22) instead of identity items. */
	hits = $state(false);
	rows = $state<QueueListRow[]>([]);
	total = $state(0);
	health = $state<QueueHealth | null>(null);
	cursor = $state(0);
	current = $state<ReviewView | null>(null);
	element = $state(0);
	/** The beneficial owner selected in the review screen's owner list (R5). */
	owner = $state(0);
	busy = $state(false);
	error = $state<string | null>(null);
	notice = $state<string | null>(null);
	/** The evidence on show: an object URL over bytes held in memory only. */
	evidenceId = $state<string | null>(null);
	evidenceUrl = $state<string | null>(null);
	/** A PDF's bytes (drawn by pdf.js; images use the object URL). */
	evidenceBytes = $state<ArrayBuffer | null>(null);
	evidenceType = $state<string>('');
	zoom = $state(1);
	/** Quarter turns applied to an image on show. */
	rotation = $state(0);

	async load() {
		try {
			const page = await api.queue.list({ show: this.show, limit: PAGE, offset: 0 });
			this.rows = page.rows;
			this.total = page.total;
			this.health = page.health;
			this.cursor = Math.min(this.cursor, Math.max(0, page.rows.length - 1));
			this.error = null;
		} catch (e) {
			this.error = toIpcError(e).message;
		}
	}

	async refresh() {
		try {
			const opened = await api.queue.refresh();
			if (opened > 0)
				this.notice = `${opened} item(s) opened (new customers, re-verification due, exemptions lapsed).`;
		} catch (e) {
			this.error = toIpcError(e).message;
		}
		await this.load();
	}

	async setShow(show: QueueShow) {
		this.show = show;
		this.cursor = 0;
		await this.load();
	}

	move(delta: number) {
		if (this.rows.length === 0) return;
		this.cursor = Math.max(0, Math.min(this.rows.length - 1, this.cursor + delta));
	}

	private async run(action: () => Promise<ReviewView | null>, done?: string) {
		if (this.busy) return;
		this.busy = true;
		this.error = null;
		this.notice = null;
		try {
			const view = await action();
			if (view) this.open(view);
			if (done) this.notice = done;
		} catch (e) {
			this.error = toIpcError(e).message;
		} finally {
			this.busy = false;
		}
	}

	private open(view: ReviewView) {
		const same = this.current?.customer_ref === view.customer_ref;
		this.current = view;
		if (!same) {
			this.element = firstUnverified(view);
			const blocking = view.owners.findIndex((o) => o.missing.length > 0);
			this.owner = Math.max(0, blocking);
			this.showEvidence(view.evidence[0]?.id ?? null);
		}
	}

	/** N: take the next item (locked to the acting reviewer). */
	async next() {
		await this.run(async () => {
			const view = await api.queue.next();
			if (!view) {
				this.current = null;
				this.showEvidence(null);
				this.notice = 'The queue is empty.';
			}
			await this.load();
			return view;
		});
	}

	/** Enter: take the highlighted item (or open it, when it waits for a second reviewer). */
	async takeSelected() {
		const row = this.rows[this.cursor];
		if (!row) return;
		await this.run(async () => {
			const view =
				row.state === 'waiting' ? await api.queue.take({ customerRef: row.customer_ref }) : null;
			await this.load();
			return view ?? (await api.review.get({ customerRef: row.customer_ref }));
		});
	}

	/** Marks the selected element, then moves to the next required one not verified. */
	async mark(method: Method, outcome: Outcome) {
		const view = this.current;
		const element = view?.elements[this.element];
		if (!view || !element) return;
		await this.run(async () => {
			const next = await api.review.check({
				request: {
					customer_ref: view.customer_ref,
					element: element.element,
					method,
					outcome,
					evidence_id: this.evidenceId,
					note: ''
				}
			});
			this.element = nextUnverified(next, this.element);
			return next;
		});
	}

	async decide(kind: DecisionKind, reasonCode = '', note = '', until: string | null = null) {
		const view = this.current;
		if (!view) return;
		const label = {
			approve: 'Approved',
			refuse: 'Refusal recorded',
			more_info: 'Asked for more information'
		}[kind];
		await this.run(
			async () => {
				const next = await api.review.decide({
					request: {
						customer_ref: view.customer_ref,
						kind,
						reason_code: reasonCode,
						note,
						until
					}
				});
				await this.load();
				return next;
			},
			`${label}: ${view.customer_ref}${kind === 'refuse' ? ' — waiting for a second reviewer' : ''}.`
		);
	}

	async secondReview(reviewerId: string, passphrase: string, confirm: boolean) {
		const view = this.current;
		if (!view) return false;
		let ok = false;
		await this.run(
			async () => {
				const next = await api.review.second({
					request: {
						customer_ref: view.customer_ref,
						reviewer_id: reviewerId,
						passphrase,
						confirm
					}
				});
				ok = true;
				await this.load();
				return next;
			},
			confirm
				? `Refusal confirmed: ${view.customer_ref}.`
				: `Sent back to the queue: ${view.customer_ref}.`
		);
		return ok;
	}

	async determine(
		status: 'yes' | 'no' | 'undetermined',
		reason: string,
		ownerId: string | null = null
	) {
		const view = this.current;
		if (!view) return false;
		let ok = false;
		await this.run(async () => {
			const next = await api.review.usPerson({
				request: {
					customer_ref: view.customer_ref,
					owner_id: ownerId,
					status,
					reason,
					evidence_id: this.evidenceId
				}
			});
			ok = true;
			return next;
		});
		return ok;
	}

	async attach() {
		const view = this.current;
		if (!view) return;
		const element: Element | null = view.elements[this.element]?.element ?? null;
		await this.run(async () => {
			const next = await api.evidence.attach({ customerRef: view.customer_ref, element });
			if (next) {
				const added = next.evidence[next.evidence.length - 1];
				queueMicrotask(() => this.showEvidence(added?.id ?? null));
			}
			return next;
		});
	}

	/** Attaches the files just dropped on the window to the customer on screen. */
	async attachDropped(count: number) {
		const view = this.current;
		if (!view) {
			this.error = 'Open a customer first, then drop its evidence on the window.';
			return;
		}
		const element: Element | null = view.elements[this.element]?.element ?? null;
		await this.run(async () => {
			const next = await api.evidence.attachDropped({ customerRef: view.customer_ref, element });
			const added = next.evidence[next.evidence.length - 1];
			if (added) queueMicrotask(() => this.showEvidence(added.id));
			return next;
		}, `${count} file(s) attached to ${view.customer_ref}.`);
	}

	/** Shows a stored file: attached evidence, or a notice's PDF (`mediaType` given). */
	async showEvidence(id: string | null, mediaType?: string) {
		if (this.evidenceUrl) URL.revokeObjectURL(this.evidenceUrl);
		this.evidenceUrl = null;
		this.evidenceBytes = null;
		this.evidenceId = id;
		this.zoom = 1;
		this.rotation = 0;
		const view = this.current;
		const type = mediaType ?? view?.evidence.find((e) => e.id === id)?.media_type;
		if (!view || !id || !type) return;
		try {
			const bytes = await api.evidence.content({ customerRef: view.customer_ref, evidenceId: id });
			if (this.evidenceId !== id) return;
			this.evidenceType = type;
			if (type === 'application/pdf') this.evidenceBytes = bytes;
			else this.evidenceUrl = URL.createObjectURL(new Blob([bytes], { type }));
		} catch (e) {
			this.error = toIpcError(e).message;
		}
	}

	/** R9: renders the pack's notice for the customer and shows it. */
	async issueNotice() {
		const view = this.current;
		if (!view) return;
		await this.run(async () => {
			const next = await api.notice.issue({ customerRef: view.customer_ref });
			const added = next.notices[next.notices.length - 1];
			if (added) queueMicrotask(() => this.showEvidence(added.evidence_id, 'application/pdf'));
			return next;
		}, `Notice issued to ${view.customer_ref}; the PDF is kept as proof.`);
	}

	/** Steps through the owners of the customer under review ([ and ]). */
	moveOwner(delta: number) {
		const count = this.current?.owners.length ?? 0;
		if (count === 0) return;
		this.owner = Math.max(0, Math.min(count - 1, this.owner + delta));
	}

	/** Records a check of one element of the selected owner (R5), with the evidence on show. */
	async markOwner(element: Element, method: Method, outcome: Outcome) {
		const view = this.current;
		const owner = view?.owners[this.owner];
		if (!view || !owner) return;
		await this.run(() =>
			api.review.ownerCheck({
				request: {
					customer_ref: view.customer_ref,
					owner_id: owner.id,
					element,
					method,
					outcome,
					evidence_id: this.evidenceId,
					note: ''
				}
			})
		);
	}

	async markNotice(noticeId: string, sentOn: string | null, acknowledgedOn: string | null) {
		const view = this.current;
		if (!view) return;
		await this.run(() =>
			api.notice.mark({ customerRef: view.customer_ref, noticeId, sentOn, acknowledgedOn })
		);
	}

	async saveCopy(evidenceId: string, name: string) {
		const view = this.current;
		if (!view) return;
		try {
			if (
				await api.evidence.save({ customerRef: view.customer_ref, evidenceId, suggestedName: name })
			)
				this.notice = `Saved ${name}.`;
		} catch (e) {
			this.error = toIpcError(e).message;
		}
	}

	/** Opens any customer's review screen (read only unless the item is taken). */
	async openCustomer(customerRef: string) {
		await this.run(() => api.review.get({ customerRef }));
	}

	/** Exports the customer's file as PDF + JSON. */
	async exportFile() {
		const view = this.current;
		if (!view) return;
		try {
			const path = await api.customer.export({ customerRef: view.customer_ref });
			if (path) this.notice = `Exported ${path} and its .json beside it.`;
		} catch (e) {
			this.error = toIpcError(e).message;
		}
	}

	/** R6: places the pending accounts under the pack's restricted or monitored terms. */
	async placeTerms(state: TermKind, terms: string[], note: string) {
		const view = this.current;
		if (!view) return false;
		let ok = false;
		await this.run(async () => {
			const placed = await api.review.terms({
				request: { customer_ref: view.customer_ref, state, terms, note }
			});
			ok = true;
			this.notice = `${view.customer_ref} runs on ${state} terms; decide by ${placed.decide_by}.`;
			return api.review.get({ customerRef: view.customer_ref });
		});
		return ok;
	}

	/** R6 redress: records a refused customer's appeal. */
	async appeal(receivedOn: string, statement: string) {
		const view = this.current;
		if (!view) return false;
		let ok = false;
		await this.run(async () => {
			await api.review.appeal({
				request: { customer_ref: view.customer_ref, received_on: receivedOn, statement }
			});
			ok = true;
			return api.review.get({ customerRef: view.customer_ref });
		}, `Appeal recorded for ${view.customer_ref}; another person reviews it.`);
		return ok;
	}

	/** Reviews an appeal (someone who took no part in the refusal). */
	async appealDecide(id: string, outcome: AppealOutcome, note: string) {
		const view = this.current;
		if (!view) return false;
		let ok = false;
		await this.run(
			async () => {
				await api.review.appealDecide({ id, outcome, note });
				ok = true;
				return api.review.get({ customerRef: view.customer_ref });
			},
			outcome === 'reopened'
				? `Appeal granted: ${view.customer_ref} is back in the queue.`
				: `Appeal reviewed: the refusal of ${view.customer_ref} stands.`
		);
		return ok;
	}

	/** Re-reads the customer under review (after a change made elsewhere). */
	async reload() {
		const view = this.current;
		if (!view) return;
		await this.run(() => api.review.get({ customerRef: view.customer_ref }));
	}

	reset() {
		if (this.evidenceUrl) URL.revokeObjectURL(this.evidenceUrl);
		this.rows = [];
		this.current = null;
		this.evidenceUrl = null;
		this.evidenceBytes = null;
		this.evidenceId = null;
		this.health = null;
		this.error = null;
		this.notice = null;
	}
}

export const queue = new QueueState();
onLock(() => queue.reset());
