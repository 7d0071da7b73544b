import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// A single-page app: Tauri serves ui/dist, no server rendering.
		adapter: adapter({ fallback: 'index.html', pages: 'dist', assets: 'dist' }),
		// Hash routes work from tauri://localhost with no server-side fallback.
		router: { type: 'hash' },
		output: { bundleStrategy: 'single' }
	}
};

export default config;
