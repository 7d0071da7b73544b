//! The CIP Workbench binary: a Tauri window when started without arguments, a headless CLI with
//! a subcommand. All real work is in `src-tauri/crates/`; this crate only wires it to the window
//! and the terminal.

#![forbid(unsafe_code)]

pub mod cli;
#[macro_use]
pub mod commands;
pub mod state;

use tauri::{Builder, Manager, Runtime};

pub use state::AppState;

macro_rules! handler {
    ($($module:ident::$name:ident),* $(,)?) => { tauri::generate_handler![$(commands::$module::$name),*] };
}

/// Registers every IPC command on `builder`; shared by the app and the mock-runtime tests so both
/// see the same handler list.
pub fn register<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    builder.invoke_handler(with_commands!(handler))
}

/// Opens the main window and runs until it closes.
pub fn run_gui(context: workbench_app::Context) -> anyhow::Result<()> {
    tracing::info!(data_dir = %context.data_dir().display(), "starting the window");
    register(tauri::Builder::default())
        .manage(AppState::new(context))
        .setup(|app| {
            // Screen lock or sleep locks the workspace; the UI sees it on its next status poll.
            let handle = app.handle().clone();
            let watchers = workbench_app::os_lock::watch(move |_why| {
                handle.state::<AppState>().session().lock();
            });
            tracing::info!(watchers, "watching for screen lock and sleep");
            Ok(())
        })
        .on_window_event(|window, event| {
            // Files dropped on the window: the paths stay in the backend; the page only hears
            // how many arrived and asks to attach them to the customer on screen.
            if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                let count = paths.len();
                *window.state::<AppState>().dropped() = paths.clone();
                if let Some(webview) = window.get_webview_window("main") {
                    let script = format!(
                        "window.dispatchEvent(new CustomEvent('cipw-files-dropped', {{ detail: {count} }}))"
                    );
                    if let Err(e) = webview.eval(&script) {
                        tracing::warn!(error = %e, "could not tell the page about dropped files");
                    }
                }
            }
        })
        .run(tauri::generate_context!())
        .map_err(|e| anyhow::anyhow!("the window could not start: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::test::{INVOKE_KEY, get_ipc_response, mock_builder};
    use tauri::webview::InvokeRequest;

    fn request(cmd: &str) -> InvokeRequest {
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: InvokeBody::default(),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        }
    }

    #[test]
    fn app_info_answers_through_the_mock_runtime() {
        let dir = tempfile::tempdir().expect("tempdir");
        let context = workbench_app::Context::from_environment(Some(dir.path().to_path_buf()));
        let app = register(mock_builder())
            .manage(AppState::new(context))
            // The real context: the real capability file decides what the window may call.
            .build(tauri::generate_context!())
            .expect("mock app");
        let webview =
            tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("mock window");

        let body = get_ipc_response(&webview, request("app_info")).expect("app_info succeeds");
        let info: serde_json::Value = body.deserialize().expect("AppInfo json");
        assert_eq!(info["sqlcipher_version"], workbench_store::sqlcipher_version().expect("probe"));
        assert_eq!(info["data_dir"], dir.path().display().to_string());

        let unknown = get_ipc_response(&webview, request("vault_format_disk"));
        assert!(unknown.is_err(), "an unregistered command must be refused");
    }

    /// Writes `CommandName.ts` beside the ts-rs bindings, from the same list that registers the
    /// handlers; the bindings drift check then fails if the committed copy is stale.
    #[test]
    fn export_typescript_command_names() {
        let dir = std::env::var("TS_RS_EXPORT_DIR").expect("set in .cargo/config.toml");
        let union = commands::COMMANDS.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(" | ");
        let text = format!(
            "// Generated from src-tauri/src/commands/list.rs by `cargo test`. Do not edit.\n\n\
             export type CommandName = {union};\n"
        );
        let path = std::path::Path::new(&dir).join("CommandName.ts");
        std::fs::create_dir_all(&dir).expect("bindings folder");
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, &text).expect("write CommandName.ts");
        }
        assert_eq!(std::fs::read_to_string(&path).expect("read back"), text);
    }

    #[test]
    fn capability_grants_exactly_the_registered_commands() {
        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../capabilities/main-window.json")).expect("json");
        let mut granted: Vec<String> = capability["permissions"]
            .as_array()
            .expect("permissions array")
            .iter()
            .map(|p| p.as_str().expect("string").to_owned())
            .collect();
        granted.sort();
        let mut expected: Vec<String> =
            commands::COMMANDS.iter().map(|c| format!("allow-{}", c.replace('_', "-"))).collect();
        expected.sort();
        assert_eq!(granted, expected);
    }
}
