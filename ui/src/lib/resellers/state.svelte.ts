// Which tab the Resellers view opens on, so the dashboard can link straight to the matrix.
class ResellersView {
	view = $state<'register' | 'matrix'>('register');
}

export const resellersView = new ResellersView();
