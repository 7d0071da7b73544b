// Runs a long backend job while polling its progress for the status bar.
import { api, type JobProgress } from '$lib/ipc';

class JobState {
	current = $state<JobProgress | null>(null);

	/** Asks the running job to stop (an import keeps nothing). */
	async cancel() {
		await api.job.cancel().catch(() => false);
	}

	/** Runs `work`, polling progress every 250 ms until it settles. */
	async track<T>(work: () => Promise<T>): Promise<T> {
		const timer = setInterval(async () => {
			this.current = await api.job.progress().catch(() => null);
		}, 250);
		try {
			return await work();
		} finally {
			clearInterval(timer);
			this.current = null;
		}
	}
}

export const jobs = new JobState();

/** "Backing up 42 %" */
export function describe(job: JobProgress): string {
	const percent = job.total > 0 ? Math.floor((job.done * 100) / job.total) : 0;
	return `${job.label} ${percent} %`;
}
