// Settings: actor profiles (officers manage them) and each person's own passphrase.
import { api, toIpcError, type ActorView, type NewActor } from '$lib/ipc';
import { onLock, workspace } from '$lib/workspace/state.svelte';

class SettingsState {
	actors = $state<ActorView[]>([]);
	error = $state<string | null>(null);
	notice = $state<string | null>(null);

	async load() {
		try {
			this.actors = await api.actor.list();
			this.error = null;
		} catch (e) {
			this.error = toIpcError(e).message;
		}
	}

	/** Returns an error message for the form, or null on success. */
	async create(actor: NewActor): Promise<string | null> {
		try {
			const created = await api.actor.create({ actor });
			this.notice = `${created.name} can now act as ${created.role}.`;
			await this.load();
			return null;
		} catch (e) {
			return toIpcError(e).message;
		}
	}

	async switchTo(actor: ActorView, passphrase: string): Promise<string | null> {
		try {
			await api.actor.switch({ id: actor.id, passphrase });
			await workspace.refresh();
			this.notice = `Now acting as ${actor.name}.`;
			return null;
		} catch (e) {
			return toIpcError(e).message;
		}
	}

	async resetPassphrase(actor: ActorView, next: string): Promise<string | null> {
		try {
			await api.actor.resetPassphrase({ id: actor.id, newPassphrase: next });
			this.notice = `${actor.name} unlocks with the new passphrase; tell them in person, and ask them to change it.`;
			return null;
		} catch (e) {
			return toIpcError(e).message;
		}
	}

	async keepKeyInKeyring(): Promise<string | null> {
		try {
			await api.workspace.keyringEnable();
			await workspace.refresh();
			this.notice =
				"Your key is kept in this computer's credential store: the lock screen unlocks you without typing.";
			return null;
		} catch (e) {
			return toIpcError(e).message;
		}
	}

	async changePassphrase(next: string): Promise<string | null> {
		try {
			await api.workspace.changePassphrase({ newPassphrase: next });
			this.notice = 'Your passphrase was changed. The recovery code still works.';
			return null;
		} catch (e) {
			return toIpcError(e).message;
		}
	}

	clear() {
		this.actors = [];
		this.notice = null;
		this.error = null;
	}
}

export const settings = new SettingsState();
onLock(() => settings.clear());
