// Generated from workbench_app::ErrorCode by `cargo test`. Do not edit.
import type { ErrorCode } from './ErrorCode';

/** Every code the backend can send. */
export const ERROR_CODES: readonly ErrorCode[] = ['invalid_input', 'storage', 'wrong_key', 'rendering', 'io', 'cancelled', 'locked', 'no_workspace', 'forbidden', 'busy', 'internal'];
