//! Screening (R22): list versions, name checks, and the special-measures register.

use workbench_app::measures::{self, MeasureView};
use workbench_app::screening::{
    self, ConditionView, HitDecision, HitView, IpdbView, ListFiles, ListImported, ListVersionView,
    RunSummary, RunTrigger, ScreeningOverview, ScreeningQuery, ScreeningResult,
};
use workbench_core::CoreError;
use workbench_core::measures::{Extension, NewMeasure};

use super::Dialog;

/// A publication date as the form sends it (`YYYY-MM-DD`, or empty).
fn published(
    text: Option<&str>,
) -> Result<Option<workbench_app::screening::NaiveDate>, workbench_app::error::AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => t.parse().map(Some).map_err(|_| {
            CoreError::invalid("published_on", format!("{t:?} is not a date (YYYY-MM-DD)")).into()
        }),
    }
}

command! {
    /// Every screening list version held, newest import first.
    fn screening_lists() -> Vec<ListVersionView>;
    |s| screening::lists(s.context(), s.session())
}

command! {
    /// Pick the `sdn.csv` of an OFAC SDN download (its folder's add.csv, alt.csv and
    /// sdn_comments.csv come with it) and import the set (officers). Null when cancelled.
    fn screening_import_sdn(published_on: Option<String>, activate: bool) -> Option<ListImported>;
    dialog Dialog::open("Choose sdn.csv of the OFAC SDN download").filter("OFAC SDN (sdn.csv)", &["csv"]);
    |s, path| {
        let dir = path.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
        let published = published(published_on.as_deref())?;
        screening::list_import(s.context(), s.session(), &ListFiles::Sdn { dir }, published, activate)
    }
}

command! {
    /// Pick a Consolidated Screening List CSV and import it (officers). Null when cancelled.
    fn screening_import_csl(published_on: Option<String>, activate: bool) -> Option<ListImported>;
    dialog Dialog::open("Choose a Consolidated Screening List CSV").filter("CSV", &["csv"]);
    |s, path| {
        let published = published(published_on.as_deref())?;
        screening::list_import(s.context(), s.session(), &ListFiles::Csl { file: path }, published, activate)
    }
}

command! {
    /// Make a list version its list's active one (officers).
    fn screening_activate(id: String) -> ListVersionView;
    |s| screening::list_activate(s.context(), s.session(), &id)
}

command! {
    /// Check one name against the active lists; every hit explained.
    fn screening_check(query: ScreeningQuery) -> ScreeningResult;
    |s| screening::check(s.context(), s.session(), &query)
}

command! {
    /// The special-measures register, each with its status today.
    fn measures_list() -> Vec<MeasureView>;
    |s| measures::list(s.context(), s.session())
}

command! {
    /// Record a special measure (officers).
    fn measures_add(measure: NewMeasure) -> MeasureView;
    |s| measures::add(s.context(), s.session(), &measure, None)
}

command! {
    /// Pick the determination (PDF or image) and record the measure with it in the vault
    /// (officers). Null when cancelled.
    fn measures_add_with_document(measure: NewMeasure) -> Option<MeasureView>;
    dialog Dialog::open("Choose the determination (PDF or image)").filter("PDF or image", &["pdf", "png", "jpg", "jpeg"]);
    |s, path| measures::add(s.context(), s.session(), &measure, Some(&path))
}

command! {
    /// Record an extension of a measure's end, with its own citation (officers).
    fn measures_extend(id: String, extension: Extension) -> MeasureView;
    |s| measures::extend(s.context(), s.session(), &id, &extension)
}

command! {
    /// Screen every customer and beneficial owner against the active lists (progress and cancel
    /// through `job_progress` / `job_cancel`).
    fn screening_run() -> RunSummary;
    |s| {
        let job = s.jobs().start_cancellable("Screening")?;
        screening::run(s.context(), s.session(), RunTrigger::Rescreen, None, &mut |done, total| job.proceed(done, total))
    }
}

command! {
    /// Screen one customer and its owners now.
    fn screening_run_customer(customer_ref: String) -> RunSummary;
    |s| screening::run(s.context(), s.session(), RunTrigger::OnDemand, Some(std::slice::from_ref(&customer_ref)), &mut |_, _| true)
}

command! {
    /// Hits waiting for a decision, oldest first, each with the customer and the list entry.
    fn screening_hits() -> Vec<HitView>;
    |s| screening::hits_pending(s.context(), s.session())
}

command! {
    /// Decide on a hit: a false positive (remembered) or a true match (four eyes when on).
    fn screening_decide(decision: HitDecision) -> HitView;
    |s| screening::decide_hit(s.context(), s.session(), &decision)
}

command! {
    /// A second reviewer confirms or declines a true match.
    fn screening_second(hit_id: String, confirm: bool) -> HitView;
    |s| screening::second_hit(s.context(), s.session(), &hit_id, confirm)
}

command! {
    /// Screening at a glance for the dashboard: measures in force, hits waiting, lists' age.
    fn screening_overview() -> ScreeningOverview;
    |s| screening::overview(s.context(), s.session())
}

command! {
    /// The IP-to-country database versions (the jurisdiction check's IP leg).
    fn screening_ipdbs() -> Vec<IpdbView>;
    |s| screening::ipdb_versions(s.context(), s.session())
}

command! {
    /// Pick an IP-to-country database (.mmdb) and import it (officers). Null when cancelled.
    fn screening_import_ipdb() -> Option<IpdbView>;
    dialog Dialog::open("Choose an IP-to-country database (.mmdb)").filter("MaxMind DB", &["mmdb"]);
    |s, path| screening::ipdb_import(s.context(), s.session(), &path)
}

command! {
    /// The conditions of measures on their true matches, unmet first.
    fn screening_conditions() -> Vec<ConditionView>;
    |s| screening::conditions(s.context(), s.session())
}

command! {
    /// Record a condition met, saying how (reviewers and officers).
    fn screening_condition_met(hit_id: String, position: i64, note: String) -> ();
    |s| screening::condition_met(s.context(), s.session(), &hit_id, position, &note)
}
