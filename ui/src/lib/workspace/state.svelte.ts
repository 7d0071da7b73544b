// The workspace session as the UI sees it: which screen to show (first run, unlock, the app),
// who is acting, and the idle-lock countdown. Locking clears every domain's decrypted data.
import {
	api,
	toIpcError,
	type InitRequest,
	type UnlockRequest,
	type WorkspaceStatus
} from '$lib/ipc';

/** Callbacks that drop a domain's decrypted data when the workspace locks (not reactive state). */
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const clearers = new Set<() => void>();

/** Registers `clear` to run on every lock; returns the unregister function. */
export function onLock(clear: () => void): () => void {
	clearers.add(clear);
	return () => clearers.delete(clear);
}

/** How often the unlocked UI re-reads the backend's lock state. */
const STATUS_POLL_SECONDS = 5;

/** At most one activity ping per this many milliseconds. */
const TOUCH_INTERVAL_MS = 30_000;

class WorkspaceState {
	status = $state<WorkspaceStatus | null>(null);
	error = $state<string | null>(null);
	secondsToLock = $state<number | null>(null);
	private lastTouch = 0;
	private ticker: ReturnType<typeof setInterval> | null = null;

	get screen(): 'loading' | 'first-run' | 'unlock' | 'app' {
		if (!this.status) return 'loading';
		if (!this.status.exists) return 'first-run';
		return this.status.unlocked ? 'app' : 'unlock';
	}

	async refresh() {
		try {
			this.apply(await api.workspace.status());
		} catch (e) {
			this.error = toIpcError(e).message;
		}
	}

	/**
	 * First run. Returns the recovery code to show once (it is not kept in state). The screen
	 * stays on first run until the caller `refresh()`es, after the code has been acknowledged.
	 */
	async init(request: InitRequest) {
		return api.workspace.init({ request });
	}

	async unlock(request: UnlockRequest) {
		this.apply(await api.workspace.unlock({ request }));
	}

	async lock() {
		await api.workspace.lock().catch(() => false);
		this.locked();
	}

	/** Called on keys and clicks: keeps the backend's idle timer fresh, throttled. */
	async activity() {
		if (this.screen !== 'app') return;
		const now = Date.now();
		if (now - this.lastTouch < TOUCH_INTERVAL_MS) return;
		this.lastTouch = now;
		try {
			this.secondsToLock = await api.workspace.touch();
		} catch (e) {
			if (toIpcError(e).code === 'locked') this.locked();
		}
	}

	/** The backend said (or the countdown says) the workspace is locked. */
	locked() {
		for (const clear of clearers) clear();
		if (this.status)
			this.status = { ...this.status, unlocked: false, actor: null, provider_name: null };
		this.secondsToLock = null;
		this.stopTicker();
		// The lock screen lists who can unlock: people may have been added since the last read.
		api.workspace
			.status()
			.then((status) => {
				if (!status.unlocked && this.status)
					this.status = { ...this.status, people: status.people };
			})
			.catch(() => {});
	}

	private apply(status: WorkspaceStatus) {
		this.status = status;
		this.error = null;
		this.secondsToLock = status.seconds_to_lock;
		if (status.unlocked) this.startTicker();
		else this.locked();
	}

	private startTicker() {
		this.lastTouch = Date.now();
		if (this.ticker) return;
		let ticks = 0;
		this.ticker = setInterval(() => {
			if (this.secondsToLock === null) return;
			this.secondsToLock = Math.max(0, this.secondsToLock - 1);
			ticks += 1;
			// Ask the backend rather than trust the local count: it owns the timer, and it may
			// have locked for the screen locking or the machine sleeping.
			if (this.secondsToLock === 0 || ticks % STATUS_POLL_SECONDS === 0) this.refresh();
		}, 1000);
	}

	private stopTicker() {
		if (this.ticker) clearInterval(this.ticker);
		this.ticker = null;
	}
}

export const workspace = new WorkspaceState();

/** "14 min", "45 s": the status bar's countdown. */
export function formatCountdown(seconds: number): string {
	return seconds >= 60 ? `${Math.ceil(seconds / 60)} min` : `${seconds} s`;
}
