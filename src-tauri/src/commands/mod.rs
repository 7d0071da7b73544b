//! IPC commands, declared once each (issue 15).
//!
//! A command is one `command!` item in the module of its concern: its documentation, its
//! arguments and result, and one call into `workbench_app`. The macro expands it to
//! - the `#[tauri::command]` handler, which runs the use case on Tauri's **blocking pool**
//!   (never on the main thread, never on an async worker) and maps the error to `{code, message}`;
//! - a native file dialog first, where the command has one: the UI never sends a path;
//! - a description ([`Meta`]) of its arguments and result as TypeScript types (from ts-rs),
//!   from which `cargo test` writes the UI's typed command map `bindings/api.ts`.
//!
//! `list.rs` names every command once; that list registers the handlers, makes one permission
//! each (build.rs) and collects the descriptions, so a command missing from any of them fails
//! to compile or fails a test. No SQL, rule or PDF code lives here. Names follow
//! `<domain>_<verb>[_<object>]`; the UI calls `api.<domain>.<verb…>(args)`.

use std::path::PathBuf;

use tauri::{AppHandle, Manager, Runtime};
use workbench_app::{ApiError, ErrorCode};

use crate::state::AppState;

include!("list.rs");

/// Declares one IPC command (see the module documentation). Three forms:
///
/// ```text
/// command! {
///     /// Docs, shown in the generated TypeScript too.
///     fn name(arg: Type, …) -> Result [as "TsType"];
///     |state| use_case(state.context(), state.session(), &arg)
/// }
/// command! { … fn name(…) -> Option<T>; dialog Dialog::open("…"); |state, path| … }
/// command! { … fn name(…) -> R; async |app| { … } }
/// ```
///
/// The first runs its body on the blocking pool with the shell's [`AppState`]; the second opens
/// the dialog first and answers `null` when it is cancelled; the third is an async body of its
/// own, for the few commands that need both (built from [`blocking`] and [`Dialog`]). `as` names
/// the TypeScript type of a result that is not a ts-rs type (raw bytes: `ArrayBuffer`).
macro_rules! command {
    (
        $(#[doc = $doc:literal])*
        fn $name:ident($($arg:ident: $aty:ty),* $(,)?) -> $ret:ty $(as $ts:literal)?;
        |$s:ident| $body:expr
    ) => {
        $(#[doc = $doc])*
        #[tauri::command]
        pub async fn $name<R: tauri::Runtime>(
            app: tauri::AppHandle<R>,
            $($arg: $aty),*
        ) -> Result<$ret, workbench_app::ApiError> {
            $crate::commands::blocking(app, move |$s: &$crate::state::AppState| $body).await
        }
        describe!($name, [$($doc),*], [$($arg: $aty),*], $ret $(as $ts)?);
    };
    (
        $(#[doc = $doc:literal])*
        fn $name:ident($($arg:ident: $aty:ty),* $(,)?) -> Option<$ret:ty>;
        dialog $dialog:expr;
        |$s:ident, $path:ident| $body:expr
    ) => {
        $(#[doc = $doc])*
        #[tauri::command]
        pub async fn $name<R: tauri::Runtime>(
            app: tauri::AppHandle<R>,
            $($arg: $aty),*
        ) -> Result<Option<$ret>, workbench_app::ApiError> {
            let dialog: $crate::commands::Dialog = $dialog;
            let Some($path) = dialog.choose().await else {
                return Ok(None);
            };
            $crate::commands::blocking(app, move |$s: &$crate::state::AppState| $body.map(Some)).await
        }
        describe!($name, [$($doc),*], [$($arg: $aty),*], Option<$ret>);
    };
    (
        $(#[doc = $doc:literal])*
        fn $name:ident($($arg:ident: $aty:ty),* $(,)?) -> $ret:ty;
        async |$app:ident| $body:block
    ) => {
        $(#[doc = $doc])*
        #[tauri::command]
        pub async fn $name<R: tauri::Runtime>(
            $app: tauri::AppHandle<R>,
            $($arg: $aty),*
        ) -> Result<$ret, workbench_app::ApiError> $body
        describe!($name, [$($doc),*], [$($arg: $aty),*], $ret);
    };
}

/// The description of a command for the TypeScript map: a module named like the command (modules
/// and functions live in different namespaces) holding its [`Meta`].
macro_rules! describe {
    ($name:ident, [$($doc:literal),*], [$($arg:ident: $aty:ty),*], $ret:ty as $ts:literal) => {
        describe!(@ $name, [$($doc),*], [$($arg: $aty),*], $crate::commands::TsType::named($ts));
    };
    ($name:ident, [$($doc:literal),*], [$($arg:ident: $aty:ty),*], $ret:ty) => {
        describe!(@ $name, [$($doc),*], [$($arg: $aty),*], $crate::commands::TsType::of::<$ret>());
    };
    (@ $name:ident, [$($doc:literal),*], [$($arg:ident: $aty:ty),*], $result:expr) => {
        #[doc(hidden)]
        pub mod $name {
            #[allow(unused_imports)]
            use super::*;

            /// What the TypeScript map needs to know of this command.
            pub fn meta() -> $crate::commands::Meta {
                $crate::commands::Meta {
                    name: stringify!($name),
                    doc: concat!($($doc, "\n"),*),
                    args: vec![$((stringify!($arg), $crate::commands::TsType::of::<$aty>())),*],
                    result: $result,
                }
            }
        }
    };
}

pub mod adp;
pub mod ai;
pub mod app;
pub mod assessments;
pub mod audit;
pub mod cip;
pub mod customers;
pub mod exemptions;
pub mod filings;
pub mod obligations;
pub mod resellers;
pub mod review;
pub mod screening;
mod typescript;
pub mod workspace;

macro_rules! command_names {
    ($($module:ident::$name:ident),* $(,)?) => { &[$(stringify!($name)),*] };
}

macro_rules! command_metas {
    ($($module:ident::$name:ident),* $(,)?) => { vec![$($module::$name::meta()),*] };
}

/// Every command the UI may call, in registration order.
pub const COMMANDS: &[&str] = with_commands!(command_names);

/// Every command's description, in registration order.
pub fn metas() -> Vec<Meta> {
    with_commands!(command_metas)
}

pub use typescript::{api_module, error_codes_module};

/// A command as the TypeScript map sees it.
#[derive(Debug)]
pub struct Meta {
    /// `<domain>_<verb>[_<object>]`.
    pub name: &'static str,
    /// Its documentation, one line each.
    pub doc: &'static str,
    /// Its arguments, by their Rust names (the UI sends them in camelCase).
    pub args: Vec<(&'static str, TsType)>,
    /// What it answers.
    pub result: TsType,
}

/// A TypeScript type and the generated bindings it names.
#[derive(Debug, Clone)]
pub struct TsType {
    /// As written in TypeScript (`Array<AuditEventView>`, `string | null`).
    pub name: String,
    /// `(type name, file in bindings/)` of every exported type it may name.
    pub imports: Vec<(String, PathBuf)>,
}

impl TsType {
    /// The ts-rs type of `T`; 64-bit integers are plain `number` over IPC (every count and id
    /// the UI sees is far below 2^53).
    pub fn of<T: ts_rs::TS + 'static + ?Sized>() -> Self {
        /// Collects the exported types a signature names: the type and its generic arguments,
        /// all the way down (`Option<Vec<AttestationView>>` names `AttestationView`).
        struct Named<'a>(&'a ts_rs::Config, Vec<(String, PathBuf)>);
        impl ts_rs::TypeVisitor for Named<'_> {
            fn visit<U: ts_rs::TS + 'static + ?Sized>(&mut self) {
                if let Some(d) = ts_rs::Dependency::from_ty::<U>(self.0) {
                    self.1.push((d.ts_name, d.output_path));
                }
                U::visit_generics(self);
            }
        }
        let cfg = ts_rs::Config::new().with_large_int("number");
        let mut named = Named(&cfg, Vec::new());
        ts_rs::TypeVisitor::visit::<T>(&mut named);
        Self { name: T::name(&cfg), imports: named.1 }
    }

    /// A type named directly (no generated binding).
    pub fn named(name: &str) -> Self {
        Self { name: name.to_owned(), imports: Vec::new() }
    }
}

/// Runs `work` on Tauri's blocking pool with the shell's state and maps its error. Every command
/// goes through here, so none runs on the main thread (where it would freeze the window) or holds
/// an async worker while it waits for the session.
pub(crate) async fn blocking<R, T, E>(
    app: AppHandle<R>,
    work: impl FnOnce(&AppState) -> Result<T, E> + Send + 'static,
) -> Result<T, ApiError>
where
    R: Runtime,
    T: Send + 'static,
    ApiError: From<E>,
    E: Send + 'static,
{
    tauri::async_runtime::spawn_blocking(move || work(&app.state::<AppState>()))
        .await
        .map_err(|e| ApiError { code: ErrorCode::Internal, message: format!("the command stopped: {e}") })?
        .map_err(ApiError::from)
}

/// `Ok(value)` for a body that cannot fail.
pub(crate) fn ok<T>(value: T) -> Result<T, ApiError> {
    Ok(value)
}

/// A refusal naming what the user must do first.
pub(crate) fn first(what: &str) -> ApiError {
    ApiError { code: ErrorCode::InvalidInput, message: format!("{what} first") }
}

/// A native file dialog, opened by the backend (the UI never sends a path).
///
/// In debug builds only, end-to-end tests answer it without a window (WebDriver cannot reach a
/// GTK dialog): `CIPW_TEST_PICK_FILE` is the file every "open" dialog returns, and
/// `CIPW_TEST_SAVE_DIR` the folder where every "save" dialog puts its suggested name.
#[derive(Debug, Clone)]
pub(crate) struct Dialog {
    save: bool,
    title: String,
    file_name: Option<String>,
    filters: Vec<(&'static str, &'static [&'static str])>,
}

impl Dialog {
    /// Choose an existing file.
    pub(crate) fn open(title: impl Into<String>) -> Self {
        Self { save: false, title: title.into(), file_name: None, filters: Vec::new() }
    }

    /// Choose where to write `file_name` (suggested).
    pub(crate) fn save(title: impl Into<String>, file_name: impl Into<String>) -> Self {
        Self { save: true, title: title.into(), file_name: Some(file_name.into()), filters: Vec::new() }
    }

    /// Offer only files ending in `extensions`.
    pub(crate) fn filter(mut self, name: &'static str, extensions: &'static [&'static str]) -> Self {
        self.filters.push((name, extensions));
        self
    }

    /// Shows the dialog; `None` when the user cancels.
    pub(crate) async fn choose(self) -> Option<PathBuf> {
        #[cfg(debug_assertions)]
        if let Some(path) = self.test_answer() {
            return Some(path);
        }
        let mut dialog = rfd::AsyncFileDialog::new().set_title(&self.title);
        for (name, extensions) in &self.filters {
            dialog = dialog.add_filter(*name, extensions);
        }
        if let Some(name) = &self.file_name {
            dialog = dialog.set_file_name(name);
        }
        let chosen = if self.save { dialog.save_file().await } else { dialog.pick_file().await };
        chosen.map(|f| f.path().to_path_buf())
    }

    #[cfg(debug_assertions)]
    fn test_answer(&self) -> Option<PathBuf> {
        if self.save {
            let dir = std::env::var_os("CIPW_TEST_SAVE_DIR")?;
            Some(PathBuf::from(dir).join(self.file_name.as_deref().unwrap_or("saved")))
        } else {
            std::env::var_os("CIPW_TEST_PICK_FILE").map(PathBuf::from)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registered_command_is_described_once() {
        let metas = metas();
        let names: Vec<&str> = metas.iter().map(|m| m.name).collect();
        assert_eq!(names, COMMANDS);
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "a command is listed twice");
        for meta in &metas {
            assert!(!meta.doc.trim().is_empty(), "{} has no documentation", meta.name);
        }
    }

    #[test]
    fn a_save_dialog_answers_the_test_folder_with_its_suggested_name() {
        let dialog = Dialog::save("Save", "cip-packet.pdf").filter("PDF", &["pdf"]);
        assert_eq!(dialog.file_name.as_deref(), Some("cip-packet.pdf"));
        assert!(dialog.save);
        assert!(!Dialog::open("Open").save);
    }

    #[test]
    fn large_integers_are_numbers_and_bytes_are_named() {
        assert_eq!(TsType::of::<i64>().name, "number");
        assert_eq!(TsType::of::<Option<String>>().name, "string | null");
        assert_eq!(TsType::named("ArrayBuffer").name, "ArrayBuffer");
        let page = TsType::of::<Vec<workbench_app::audit::AuditEventView>>();
        assert!(page.imports.iter().any(|(name, _)| name == "AuditEventView"), "{page:?}");
    }
}
