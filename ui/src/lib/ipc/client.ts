// The IPC client: the only module that talks to Tauri. Every command goes through `call`, which
// turns whatever the backend (or the bridge) throws into an `IpcError` with a typed code.
import { invoke } from '@tauri-apps/api/core';
import type { ApiError } from './bindings/ApiError';
import type { CommandName } from './bindings/CommandName';
import type { ErrorCode } from './bindings/ErrorCode';
import { ERROR_CODES } from './bindings/errorCodes';

/** How a command reaches the backend; swapped for a fake in unit tests. */
export type Transport = (command: string, args?: Record<string, unknown>) => Promise<unknown>;

// Every code the backend can send, generated from Rust (`ErrorCode::ALL`): `locked`,
// `no_workspace` and `forbidden` were once missing from a hand-copied list (issue 15).
export { ERROR_CODES };

/** A failed command, as the UI sees it: a code to branch on and a message safe to show. */
export class IpcError extends Error implements ApiError {
	readonly code: ErrorCode;

	constructor(code: ErrorCode, message: string) {
		super(message);
		this.name = 'IpcError';
		this.code = code;
	}
}

function isApiError(value: unknown): value is ApiError {
	if (typeof value !== 'object' || value === null) return false;
	const { code, message } = value as Record<string, unknown>;
	return (
		typeof message === 'string' &&
		typeof code === 'string' &&
		(ERROR_CODES as readonly string[]).includes(code)
	);
}

/**
 * Maps anything a command can reject with to an `IpcError`. Backend errors arrive as
 * `{ code, message }`; the bridge itself rejects with a bare string (e.g. a command that is not
 * allowed); anything else is a bug.
 */
export function toIpcError(raw: unknown): IpcError {
	if (raw instanceof IpcError) return raw;
	if (isApiError(raw)) return new IpcError(raw.code, raw.message);
	if (typeof raw === 'string' && raw.length > 0) return new IpcError('internal', raw);
	if (raw instanceof Error && raw.message) return new IpcError('internal', raw.message);
	return new IpcError('internal', 'The workbench backend did not answer in a form it should.');
}

/** A client over `transport`; `call` rejects only with `IpcError`. */
export function createClient(transport: Transport) {
	return {
		async call<T>(command: CommandName, args?: Record<string, unknown>): Promise<T> {
			try {
				return (await transport(command, args)) as T;
			} catch (raw) {
				throw toIpcError(raw);
			}
		}
	};
}

/** The client over the real Tauri bridge. */
export const ipc = createClient((command, args) => invoke(command, args));
