//! Rule packs, the provider profile, events and the obligations (deadlines) they raise.

use workbench_app::obligations::{
    self as ob, ContactView, NewEvent, ObligationsView, PackView, ProviderView,
};
use workbench_core::obligations::Obligation;

use super::Dialog;

command! {
    /// Every rule pack (built-in and imported), the active one marked.
    fn rules_list() -> Vec<PackView>;
    |s| ob::rules_list(s.context(), s.session())
}

command! {
    /// Pick a rule pack file, validate and store it (officers). Null when cancelled.
    fn rules_import() -> Option<PackView>;
    dialog Dialog::open("Import a rule pack").filter("Rule pack", &["toml"]);
    |s, path| ob::rules_import(s.context(), s.session(), &path)
}

command! {
    /// Make a pack (by SHA-256) the active one.
    fn rules_activate(sha256: String) -> ();
    |s| ob::rules_activate(s.context(), s.session(), &sha256)
}

command! {
    /// The provider profile and its contact history.
    fn provider_get() -> ProviderView;
    |s| ob::provider_get(s.context(), s.session())
}

command! {
    /// Save the provider profile.
    fn provider_update(profile: ProviderView) -> ProviderView;
    |s| ob::provider_update(s.context(), s.session(), &profile)
}

command! {
    /// A new primary CIP contact; replacing one raises an R14 notice.
    fn provider_contact_change(contact: ContactView) -> ProviderView;
    |s| ob::provider_contact_change(s.context(), s.session(), &contact)
}

command! {
    /// Record an event (CIP copy request, business change); returns the obligations it raises.
    fn event_record(event: NewEvent) -> Vec<Obligation>;
    |s| ob::event_record(s.context(), s.session(), &event)
}

command! {
    /// Every obligation under the active pack, with counts and penalty exposure.
    fn obligations_list() -> ObligationsView;
    |s| ob::obligations_list(s.context(), s.session())
}

command! {
    /// Record that an obligation was met, and by what.
    fn obligation_meet(key: String, reference: String) -> ();
    |s| ob::obligation_meet(s.context(), s.session(), &key, &reference)
}

command! {
    /// Save the open obligations as an .ics file. Null when cancelled.
    fn obligations_export_ics() -> Option<bool>;
    dialog Dialog::save("Export obligations to a calendar file", "cip-obligations.ics").filter("iCalendar", &["ics"]);
    |s, path| ob::obligations_write_ics(s.context(), s.session(), &path).map(|()| true)
}
