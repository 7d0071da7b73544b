// State of the About / Diagnostics view: app facts and doctor checks, loaded from the backend.
import { api, toIpcError, type AppInfo, type DoctorReport } from '$lib/ipc';

class AboutState {
	info = $state<AppInfo | null>(null);
	report = $state<DoctorReport | null>(null);
	error = $state<string | null>(null);
	checking = $state(false);

	async load() {
		try {
			this.info = await api.app.info();
			this.error = null;
		} catch (e) {
			this.error = toIpcError(e).message;
		}
	}

	async runChecks() {
		this.checking = true;
		try {
			this.report = await api.app.doctor();
		} catch (e) {
			this.error = toIpcError(e).message;
		} finally {
			this.checking = false;
		}
	}
}

export const about = new AboutState();
