// The views that exist. Navigation shows exactly these; later issues append theirs.
import type { RouteId } from '$app/types';

export interface View {
	/** Hash route, e.g. '/about'. */
	path: Exclude<RouteId, '/'>;
	label: string;
	/** Keyboard shortcut after pressing g (g a = About). */
	key: string;
}

export const VIEWS: readonly View[] = [
	{ path: '/dashboard', label: 'Dashboard', key: 'd' },
	{ path: '/queue', label: 'Queue', key: 'q' },
	{ path: '/customers', label: 'Customers', key: 'u' },
	{ path: '/cip', label: 'CIP', key: 'i' },
	{ path: '/resellers', label: 'Resellers', key: 'r' },
	{ path: '/screening', label: 'Screening', key: 'm' },
	{ path: '/ai', label: 'AI training', key: 't' },
	{ path: '/requests', label: 'CIP copies', key: 'o' },
	{ path: '/assessments', label: 'Assessments', key: 'e' },
	{ path: '/adp', label: 'ADP dossier', key: 'x' },
	{ path: '/filings', label: 'Filings', key: 'f' },
	{ path: '/calendar', label: 'Calendar', key: 'c' },
	{ path: '/provider', label: 'Provider', key: 'p' },
	{ path: '/audit', label: 'Audit', key: 'l' },
	{ path: '/settings', label: 'Settings', key: 's' },
	{ path: '/about', label: 'About', key: 'a' }
];

export function viewFor(pathname: string): View | undefined {
	return VIEWS.find((v) => pathname === v.path || pathname.startsWith(`${v.path}/`));
}
