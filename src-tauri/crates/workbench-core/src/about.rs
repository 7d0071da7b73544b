//! The "about this workspace" sheet: a view-model of facts about the installation.
//!
//! Built by `workbench-app` from live probes, laid out by `workbench-filings`. It carries no
//! customer data, so it may be printed and handed to IT support.

use chrono::{DateTime, Utc};

/// One labelled fact on the sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// Short label, e.g. "SQLCipher".
    pub label: String,
    /// The value as shown to the reader.
    pub value: String,
}

/// Facts about this installation and workspace, in display order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AboutSheet {
    /// Product name and version, e.g. "CIP Workbench 0.1.0".
    pub title: String,
    /// When the sheet was generated (from the injected clock).
    pub generated_at: DateTime<Utc>,
    /// The facts, in the order they are printed.
    pub facts: Vec<Fact>,
}

impl AboutSheet {
    /// A sheet with no facts yet.
    pub fn new(title: impl Into<String>, generated_at: DateTime<Utc>) -> Self {
        Self { title: title.into(), generated_at, facts: Vec::new() }
    }

    /// Appends a fact; returns `self` for chaining.
    pub fn fact(mut self, label: impl Into<String>, value: impl Into<String>) -> Self {
        self.facts.push(Fact { label: label.into(), value: value.into() });
        self
    }
}
