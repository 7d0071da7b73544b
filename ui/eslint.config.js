import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{ languageOptions: { globals: { ...globals.browser } } },
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	},
	{
		// Only src/lib/ipc/ talks to Tauri; everything else goes through its typed client.
		files: ['src/**/*.{ts,svelte}'],
		ignores: ['src/lib/ipc/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{ patterns: [{ group: ['@tauri-apps/*'], message: 'Import from $lib/ipc instead.' }] }
			]
		}
	},
	{ ignores: ['dist/', '.svelte-kit/', 'node_modules/', 'src/lib/ipc/bindings/'] }
);
