// Type tests of the generated command map (issue 15), checked by svelte-check with the rest of
// the UI. Each `@ts-expect-error` must meet an error: if the map stopped checking argument names,
// argument types or results, the directive itself would fail the check.
import { api } from './bindings/api';

export async function argumentsAndResultsAreChecked() {
	// @ts-expect-error the argument is `customerRef`: a renamed argument is a type error
	await api.queue.take({ customer_ref: 'C-1' });
	// @ts-expect-error `limit` is a number
	await api.queue.list({ show: 'ready', limit: '50', offset: 0 });
	// @ts-expect-error the argument object is required
	await api.review.get();
	const view = await api.review.get({ customerRef: 'C-1' });
	// @ts-expect-error a review has no `customerRef` (it is `customer_ref`)
	return view.customerRef;
}
