import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	clearScreen: false,
	server: { port: 5173, strictPort: true },
	build: { target: 'safari16', sourcemap: false },
	test: { include: ['src/**/*.test.ts'], environment: 'node' }
});
