// Generated from src-tauri/src/commands/list.rs by `cargo test`. Do not edit.

export type CommandName = 'app_info' | 'app_doctor';
