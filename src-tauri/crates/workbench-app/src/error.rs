//! The error every use case returns, and its stable IPC form.
//!
//! Over IPC an error is exactly `{ code, message }`: `code` is a closed set the UI branches on,
//! `message` is safe to show (no key material, no record contents). The log gets only the code
//! and the error's kind (`Store/Io`, `Core/Invalid`): messages name files and fields, and file
//! names often carry people's names (issue 14).

use serde::Serialize;
use ts_rs::TS;

/// Machine-readable error kinds the UI can branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    /// Input failed validation; the message names the field.
    InvalidInput,
    /// The database engine is not SQLCipher, or is otherwise unusable.
    Storage,
    /// The workspace could not be unlocked with the key given.
    WrongKey,
    /// A filing could not be rendered.
    Rendering,
    /// Reading or writing a file failed.
    Io,
    /// The user cancelled (a dialog, a long job).
    Cancelled,
    /// The workspace is locked: show the unlock screen.
    Locked,
    /// No workspace exists yet: show first run.
    NoWorkspace,
    /// The acting actor may not do this.
    Forbidden,
    /// A long job (an import, a backup, a key rotation) or another process holds what this
    /// needs: nothing was changed; try again when it ends.
    Busy,
    /// A bug: something that should not happen.
    Internal,
}

impl ErrorCode {
    /// Every code, for the UI's runtime list (generated from here, so it cannot drift).
    pub const ALL: [Self; 11] = [
        Self::InvalidInput,
        Self::Storage,
        Self::WrongKey,
        Self::Rendering,
        Self::Io,
        Self::Cancelled,
        Self::Locked,
        Self::NoWorkspace,
        Self::Forbidden,
        Self::Busy,
        Self::Internal,
    ];

    /// The code as the UI sees it (`invalid_input`, …).
    pub fn as_str(self) -> &'static str {
        // A new variant fails to compile here until it is named, and must then join `ALL`.
        match self {
            Self::InvalidInput => "invalid_input",
            Self::Storage => "storage",
            Self::WrongKey => "wrong_key",
            Self::Rendering => "rendering",
            Self::Io => "io",
            Self::Cancelled => "cancelled",
            Self::Locked => "locked",
            Self::NoWorkspace => "no_workspace",
            Self::Forbidden => "forbidden",
            Self::Busy => "busy",
            Self::Internal => "internal",
        }
    }
}

/// Errors of the use cases.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A domain rule refused the input.
    #[error(transparent)]
    Core(#[from] workbench_core::CoreError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] workbench_store::StoreError),
    /// A filing failed to render.
    #[error(transparent)]
    Filing(#[from] workbench_filings::FilingError),
    /// A rule pack was refused (names file, key and line).
    #[error(transparent)]
    Pack(#[from] workbench_core::rules::PackError),
    /// The workspace is locked (or just locked itself after the idle limit).
    #[error("the workspace is locked; unlock it to continue")]
    Locked,
    /// The acting actor's role does not allow this.
    #[error("{0}")]
    Forbidden(String),
    /// The user cancelled.
    #[error("cancelled")]
    Cancelled,
    /// Another long job runs (one at a time: the status bar shows it).
    #[error("{0} is still running; start this when it is done")]
    JobRunning(String),
}

impl AppError {
    /// The error's kind as variant names only (`Store/Io`), never its contents: what the log
    /// may carry.
    pub fn kind(&self) -> String {
        fn variant(debug: String) -> String {
            debug.split(['(', '{', ' ']).next().unwrap_or_default().to_owned()
        }
        let inner = match self {
            Self::Core(e) => variant(format!("{e:?}")),
            Self::Store(e) => variant(format!("{e:?}")),
            Self::Filing(e) => variant(format!("{e:?}")),
            Self::Pack(_) | Self::Locked | Self::Forbidden(_) | Self::Cancelled | Self::JobRunning(_) => {
                String::new()
            }
        };
        let outer = variant(format!("{self:?}"));
        if inner.is_empty() { outer } else { format!("{outer}/{inner}") }
    }

    /// The code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        use workbench_store::StoreError;
        match self {
            Self::Core(_) | Self::Pack(_) => ErrorCode::InvalidInput,
            Self::Store(
                StoreError::WrongKey
                | StoreError::WrongPassphrase
                | StoreError::UnknownPerson(_)
                | StoreError::WrongRecoveryCode
                | StoreError::KeyMismatch,
            ) => ErrorCode::WrongKey,
            Self::Store(StoreError::Io { .. } | StoreError::MissingFolder(_)) => ErrorCode::Io,
            Self::Store(StoreError::NoWorkspace(_)) => ErrorCode::NoWorkspace,
            Self::Store(StoreError::Conflict(_) | StoreError::WhoAreYou { .. }) => ErrorCode::InvalidInput,
            Self::Store(StoreError::Cancelled) => ErrorCode::Cancelled,
            Self::Store(StoreError::Busy | StoreError::InUse { .. }) | Self::JobRunning(_) => ErrorCode::Busy,
            Self::Store(_) => ErrorCode::Storage,
            Self::Filing(_) => ErrorCode::Rendering,
            Self::Cancelled => ErrorCode::Cancelled,
            Self::Locked => ErrorCode::Locked,
            Self::Forbidden(_) => ErrorCode::Forbidden,
        }
    }
}

/// The IPC form of an error: exactly `{ code, message }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ApiError {
    /// What kind of failure.
    pub code: ErrorCode,
    /// A sentence safe to show the user.
    pub message: String,
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        tracing::info!(code = ?err.code(), kind = %err.kind(), "use case failed");
        Self { code: err.code(), message: err.to_string() }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_code_is_listed_once_and_named_as_serde_writes_it() {
        use super::ErrorCode;
        let mut names: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        for code in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(code).expect("json"), code.as_str());
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorCode::ALL.len());
    }

    use super::*;

    #[test]
    fn the_logged_kind_names_no_file_and_no_value() {
        let io = AppError::Store(workbench_store::StoreError::io(
            "reading /home/olivia/Passport of Иван Петров.pdf",
            std::io::Error::from(std::io::ErrorKind::NotFound),
        ));
        assert_eq!(io.kind(), "Store/Io");
        let invalid = AppError::Core(workbench_core::CoreError::invalid("name", "Иван Петров is too long"));
        assert_eq!(invalid.kind(), "Core/Invalid");
        assert_eq!(AppError::Forbidden("officers only".into()).kind(), "Forbidden");
    }

    #[test]
    fn serializes_as_code_and_message_only() {
        let err = AppError::Store(workbench_store::StoreError::WrongKey);
        let api = ApiError::from(err);
        let json = serde_json::to_value(&api).expect("json");
        assert_eq!(
            json,
            serde_json::json!({
                "code": "wrong_key",
                "message": "the database could not be unlocked: wrong key, or not a CIP Workbench database"
            })
        );
    }

    #[test]
    fn validation_maps_to_invalid_input() {
        let err = AppError::Core(workbench_core::CoreError::invalid("email", "is not an address"));
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert_eq!(ApiError::from(err).message, "1 invalid field(s): email: is not an address");
    }
}
