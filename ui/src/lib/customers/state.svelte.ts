// The Customers view's state: one page of the list at a time, filters, the last
// import check.
import { grouped } from '$lib/format';
import {
	api,
	toIpcError,
	type CountsView,
	type CustomerListRow,
	type ExportFormat,
	type ImportReport,
	type OwnersImportReport
} from '$lib/ipc';
import { onLock } from '$lib/workspace/state.svelte';
import { jobs } from '$lib/shell/jobs.svelte';

const PAGE = 100;

export type SortKey = 'ref' | 'name' | 'country';

class CustomersState {
	rows = $state<CustomerListRow[]>([]);
	total = $state(0);
	search = $state('');
	country = $state('');
	sort = $state<SortKey>('ref');
	loading = $state(false);
	error = $state<string | null>(null);
	counts = $state<CountsView | null>(null);
	check = $state<ImportReport | null>(null);
	/** An owners file checked (R5, R7) and waiting for "Add". */
	owners = $state<OwnersImportReport | null>(null);
	importing = $state(false);
	notice = $state<string | null>(null);
	/** The year the counts were last read for (an import refreshes them). */
	private countsYear: number | null = null;

	async load(reset = true) {
		this.loading = true;
		try {
			const page = await api.customers.list({
				query: {
					search: this.search,
					country: this.country.trim().toUpperCase() || null,
					sort: this.sort,
					limit: PAGE,
					offset: reset ? 0 : this.rows.length
				}
			});
			this.rows = reset ? page.rows : [...this.rows, ...page.rows];
			this.total = page.total;
			this.error = null;
		} catch (e) {
			this.error = toIpcError(e).message;
		} finally {
			this.loading = false;
		}
	}

	async loadCounts(year: number) {
		this.countsYear = year;
		try {
			this.counts = await api.customers.counts({ year });
		} catch (e) {
			this.error = toIpcError(e).message;
		}
	}

	/** Opens the file dialog and checks the chosen file (nothing is stored). */
	async checkFile() {
		this.notice = null;
		this.importing = true;
		try {
			this.check = await api.customers.importCheck();
		} catch (e) {
			this.error = toIpcError(e).message;
		} finally {
			this.importing = false;
		}
	}

	/** Exports the customers the list shows (its search and country) through the save dialog. */
	async exportAll(format: ExportFormat) {
		this.notice = null;
		this.importing = true;
		try {
			// A long export shows its progress in the status bar and can be cancelled there.
			const summary = await jobs.track(() =>
				api.customers.exportAll({
					query: {
						search: this.search,
						country: this.country.trim() || null,
						sort: this.sort,
						limit: null,
						offset: null
					},
					format
				})
			);
			if (summary)
				this.notice = `Exported ${grouped(summary.customers)} customer(s) as ${format === 'xlsx' ? 'an Excel workbook' : format.toUpperCase()} (recorded in the audit trail).`;
		} catch (e) {
			const error = toIpcError(e);
			if (error.code === 'cancelled') this.notice = 'Export cancelled: nothing was written.';
			else this.error = error.message;
		} finally {
			this.importing = false;
		}
	}

	/** Opens the file dialog for beneficial owners of existing customers and checks the file. */
	async checkOwners() {
		this.notice = null;
		this.importing = true;
		try {
			this.owners = await api.customers.ownersCheck();
		} catch (e) {
			this.error = toIpcError(e).message;
		} finally {
			this.importing = false;
		}
	}

	async commitOwners() {
		this.importing = true;
		try {
			const report = await api.customers.ownersCommit();
			this.owners = report.errors.length > 0 ? report : null;
			if (report.errors.length === 0) {
				this.notice =
					`Added ${grouped(report.stored)} beneficial owner(s).` +
					(report.reopened.length
						? ` Back in the verification queue for the new owner (R7): ${report.reopened.join(', ')}.`
						: '');
			}
			await this.load();
		} catch (e) {
			this.error = toIpcError(e).message;
		} finally {
			this.importing = false;
		}
	}

	async commit() {
		this.importing = true;
		try {
			const report = await jobs.track(() => api.customers.importCommit());
			this.check = report.errors.length > 0 ? report : null;
			if (report.errors.length === 0) {
				this.notice = `Imported ${grouped(report.stored)} customer(s).`;
				// R22: the customers stored were screened right after the import.
				if (report.screening)
					this.notice += ` Screened on intake: ${report.screening.new_hits} hit(s) wait for a decision in Screening.`;
				if (report.screening_problem)
					this.notice += ` Intake screening did not run: ${report.screening_problem}`;
			}
			// The list and the certification counts both change with an import.
			await Promise.all([
				this.load(),
				this.countsYear === null ? Promise.resolve() : this.loadCounts(this.countsYear)
			]);
		} catch (e) {
			const error = toIpcError(e);
			this.error =
				error.code === 'cancelled' ? 'Import cancelled: nothing was imported.' : error.message;
			if (error.code === 'cancelled') this.check = null;
		} finally {
			this.importing = false;
		}
	}

	clear() {
		this.rows = [];
		this.total = 0;
		this.counts = null;
		this.check = null;
		this.notice = null;
		this.search = '';
		this.country = '';
	}
}

export const customers = new CustomersState();
onLock(() => customers.clear());
