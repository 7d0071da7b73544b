//! "About / Diagnostics": what this installation is and what it runs on.

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;
use workbench_core::AboutSheet;

use crate::context::Context;
use crate::error::AppError;
use workbench_store::files::write_atomically;

/// Whether the OS credential store can hold the workspace key slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct KeyringInfo {
    /// True when the store answered.
    pub available: bool,
    /// The backend tried, e.g. "Secret Service (D-Bus)".
    pub backend: String,
    /// Why it is unavailable, when it is.
    pub detail: Option<String>,
}

/// Facts about this installation, shown in the About view and by `cip-workbench version`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AppInfo {
    /// Product name.
    pub name: String,
    /// Semantic version of this build.
    pub version: String,
    /// SQLCipher version reported by the linked engine, e.g. "4.6.1 community".
    pub sqlcipher_version: String,
    /// The OS credential store's state.
    pub keyring: KeyringInfo,
    /// The workspace folder in use.
    pub data_dir: String,
    /// Operating system and CPU architecture, e.g. "linux x86_64".
    pub platform: String,
}

/// Product name shown everywhere.
pub const PRODUCT: &str = "CIP Workbench";

/// Collects [`AppInfo`] from live probes of the engine and the credential store.
///
/// # Errors
/// [`AppError::Store`] if the database engine is not SQLCipher.
pub fn app_info(ctx: &Context) -> Result<AppInfo, AppError> {
    let keyring = workbench_store::probe_keyring();
    Ok(AppInfo {
        name: PRODUCT.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        sqlcipher_version: workbench_store::sqlcipher_version()?,
        keyring: KeyringInfo {
            available: keyring.available,
            backend: keyring.backend,
            detail: keyring.detail,
        },
        data_dir: ctx.data_dir().display().to_string(),
        platform: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
    })
}

/// Renders the one-page "about this workspace" PDF and writes it atomically to `out`.
///
/// # Errors
/// Store errors from the probes, rendering errors, or an IO error naming `out`.
pub fn export_about_pdf(ctx: &Context, out: &Path) -> Result<u64, AppError> {
    let info = app_info(ctx)?;
    let keyring = if info.keyring.available {
        format!("{}: available", info.keyring.backend)
    } else {
        format!(
            "{}: unavailable ({})",
            info.keyring.backend,
            info.keyring.detail.as_deref().unwrap_or("no reason given")
        )
    };
    let sheet = AboutSheet::new(format!("{} {}", info.name, info.version), ctx.clock().now())
        .fact("Version", &info.version)
        .fact("SQLCipher", &info.sqlcipher_version)
        .fact("Credential store", keyring)
        .fact("Workspace folder", &info.data_dir)
        .fact("Platform", &info.platform);
    let bytes = workbench_filings::render_about(&sheet)?;
    write_atomically(out, &bytes)?;
    Ok(bytes.len() as u64)
}
