// Typed calls, one per backend command. Views import from here, never from @tauri-apps/api.
import { ipc } from './client';
import type { AppInfo } from './bindings/AppInfo';
import type { DoctorReport } from './bindings/DoctorReport';

export { IpcError, toIpcError } from './client';
export type { AppInfo } from './bindings/AppInfo';
export type { Check } from './bindings/Check';
export type { CheckStatus } from './bindings/CheckStatus';
export type { DoctorReport } from './bindings/DoctorReport';
export type { ErrorCode } from './bindings/ErrorCode';
export type { KeyringInfo } from './bindings/KeyringInfo';

/** Facts for the About view (versions, credential store, workspace folder). */
export const appInfo = () => ipc.call<AppInfo>('app_info');

/** Every doctor check. */
export const appDoctor = () => ipc.call<DoctorReport>('app_doctor');
