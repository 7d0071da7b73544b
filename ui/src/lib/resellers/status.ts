// Labels and chip colours for attestation cells (R18) and compliance notes (R19), shared by the
// reseller pane, the matrix and the dashboard.
import type { CellStatus, NoteKind } from '$lib/ipc';

export const CELL_LABEL: Record<CellStatus, string> = {
	not_applicable: '—',
	open: 'open',
	requested: 'requested',
	overdue: 'overdue',
	exceptions: 'exceptions',
	complete: 'complete'
};

export const CELL_CLASS: Record<CellStatus, string> = {
	not_applicable: '',
	open: 'info',
	requested: 'info',
	overdue: 'bad',
	exceptions: 'warn',
	complete: 'ok'
};

export const NOTE_LABEL: Record<NoteKind, string> = {
	finding: 'Finding',
	referral: 'Referral',
	remediation: 'Remediation',
	termination: 'Termination',
	note: 'Note'
};
