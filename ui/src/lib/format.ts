// Numbers as people read them. WebKitGTK's `toLocaleString()` prints 1500000 without separators
// (its Intl has no grouping data), so the window groups digits itself, the same on every engine.

/** A number with thousands separators: 1500000 → "1,500,000"; decimals are kept as given. */
export function grouped(n: number): string {
	if (!Number.isFinite(n)) return String(n);
	const sign = n < 0 ? '-' : '';
	const [int = '0', frac] = Math.abs(n).toString().split('.');
	const withCommas = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
	return `${sign}${withCommas}${frac ? `.${frac}` : ''}`;
}

/** US dollars without cents: 1500000 → "$1,500,000". */
export function usd(amount: number): string {
	return `${amount < 0 ? '-' : ''}$${grouped(Math.round(Math.abs(amount)))}`;
}
