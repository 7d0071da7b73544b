//! Exemptions granted by Commerce (R20): list, record from the form (with the decision picked in
//! a file dialog, or without one), end one before its term.

use workbench_app::exemptions::{self as app, ExemptionView};
use workbench_core::exemption::{ExemptionEndInput, ExemptionInput};

use super::Dialog;

command! {
    /// Every exemption with where it stands today and what it lifts.
    fn exemptions_list() -> Vec<ExemptionView>;
    |s| app::exemptions_list(s.context(), s.session())
}

command! {
    /// Record an exemption without its decision document (officers).
    fn exemptions_add(input: ExemptionInput) -> ExemptionView;
    |s| app::exemption_add(s.context(), s.session(), &input, None)
}

command! {
    /// Pick Commerce's decision (PDF or image) and record the exemption with it in the vault
    /// (officers). Null when cancelled.
    fn exemptions_add_with_decision(input: ExemptionInput) -> Option<ExemptionView>;
    dialog Dialog::open("Choose Commerce's decision (PDF or image)").filter("PDF or image", &["pdf", "png", "jpg", "jpeg"]);
    |s, path| app::exemption_add(s.context(), s.session(), &input, Some(&path))
}

command! {
    /// End an exemption before its term (Commerce revoked it) or correct its last day, saying why
    /// (officers).
    fn exemptions_end(id: String, input: ExemptionEndInput) -> ExemptionView;
    |s| app::exemption_end(s.context(), s.session(), &id, &input)
}
