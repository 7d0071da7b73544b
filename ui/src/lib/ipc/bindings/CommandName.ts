// Generated from src-tauri/src/commands/list.rs by `cargo test`. Do not edit.

export type CommandName = 'app_info' | 'app_doctor' | 'workspace_status' | 'workspace_init' | 'workspace_unlock' | 'workspace_lock' | 'workspace_touch' | 'workspace_change_passphrase' | 'workspace_rotate_key' | 'workspace_save_recovery_sheet' | 'workspace_backup' | 'workspace_restore' | 'job_progress' | 'actor_list' | 'actor_create' | 'actor_switch' | 'audit_list' | 'audit_verify' | 'settings_get' | 'settings_update';
