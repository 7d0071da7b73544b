import { describe, expect, it } from 'vitest';
import { ERROR_CODES, IpcError, createClient, toIpcError } from './client';

describe('toIpcError', () => {
	it('keeps a backend error code and message', () => {
		const err = toIpcError({ code: 'wrong_key', message: 'the database could not be unlocked' });
		expect(err).toBeInstanceOf(IpcError);
		expect(err.code).toBe('wrong_key');
		expect(err.message).toBe('the database could not be unlocked');
	});

	it('keeps every code the backend sends, locked, no_workspace, forbidden and busy included', () => {
		for (const code of ['locked', 'no_workspace', 'forbidden', 'busy'] as const) {
			const err = toIpcError({ code, message: 'officers only' });
			expect(err.code).toBe(code);
			expect(err.message).toBe('officers only');
		}
		expect(ERROR_CODES).toHaveLength(11);
	});

	it('treats an unknown code as internal rather than trusting it', () => {
		const err = toIpcError({ code: 'launch_missiles', message: 'x' });
		expect(err.code).toBe('internal');
		expect(err.message).toBe('The workbench backend did not answer in a form it should.');
	});

	it('maps a bare string from the bridge to internal with that text', () => {
		const err = toIpcError('Command vault_wipe not allowed by ACL');
		expect(err.code).toBe('internal');
		expect(err.message).toBe('Command vault_wipe not allowed by ACL');
	});

	it('maps thrown Errors and nothing at all', () => {
		expect(toIpcError(new TypeError('boom')).message).toBe('boom');
		expect(toIpcError(undefined).code).toBe('internal');
		expect(toIpcError(null).code).toBe('internal');
	});
});

describe('createClient', () => {
	it('passes the command and arguments through and returns the result', async () => {
		const seen: unknown[] = [];
		const client = createClient(async (command, args) => {
			seen.push(command, args);
			return { version: '0.1.0' };
		});
		await expect(client.call('app_info', { a: 1 })).resolves.toEqual({ version: '0.1.0' });
		expect(seen).toEqual(['app_info', { a: 1 }]);
	});

	it('rejects only with IpcError', async () => {
		const client = createClient(async () => {
			throw { code: 'storage', message: 'the database engine is not SQLCipher' };
		});
		const err = await client.call('app_doctor').catch((e: unknown) => e);
		expect(err).toBeInstanceOf(IpcError);
		expect((err as IpcError).code).toBe('storage');
	});
});
