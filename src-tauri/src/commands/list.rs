// The one list of IPC commands. It is `include!`d by build.rs (to generate one `allow-<command>`
// permission per command) and by the shell (to register handlers and to export the TypeScript
// command names), so a command missing from any of them fails the build or a test.
macro_rules! with_commands {
    ($callback:ident) => {
        $callback!(
            app_info,
            app_doctor,
            workspace_status,
            workspace_init,
            workspace_unlock,
            workspace_lock,
            workspace_touch,
            workspace_change_passphrase,
            workspace_rotate_key,
            workspace_save_recovery_sheet,
            workspace_backup,
            workspace_restore,
            job_progress,
            actor_list,
            actor_create,
            actor_switch,
            audit_list,
            audit_verify,
            settings_get,
            settings_update,
            rules_list,
            rules_import,
            rules_activate,
            provider_get,
            provider_update,
            provider_contact_change,
            event_record,
            obligations_list,
            obligation_meet,
            obligations_export_ics,
            customers_list,
            customers_import_check,
            customers_import_commit,
            customers_counts
        )
    };
}
