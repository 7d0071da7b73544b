//! Scenario tests: whole use cases through the real `cip-workbench` binary, headless, with real
//! SQLCipher, a real Secret Service (gnome-keyring under a private D-Bus) and real PDF tools.

mod adp;
mod ai;
mod assessments;
mod cip;
mod cli;
mod customers;
mod exemptions;
mod filings;
mod obligations;
mod resellers;
mod screening;
mod support;
mod workspace;
