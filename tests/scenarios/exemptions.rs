//! Exemptions through the CLI (R20): one of the whole provider recorded from the template with
//! Commerce's decision in the vault, which lifts the initial certification while in force; ended
//! before its term (a day before the start refused by field), the change kept with why, and once
//! its last day has passed the certification is owed again.

use crate::support::{in_workspace, new_workspace, stderr, stdout};

#[test]
fn a_provider_exemption_is_recorded_lifts_the_initial_certification_and_ends_before_its_term() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, pass) = new_workspace(dir.path());
    let cli = |args: &[&str]| in_workspace(&ws, &pass, args);
    // Started two days ago (the provider's calendar may be a day behind UTC), until revoked.
    let start = chrono::Utc::now().date_naive() - chrono::Duration::days(2);
    let template =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/templates/exemption.toml"))
            .expect("template")
            .replace("scope = \"account_type\"", "scope = \"provider\"")
            .replace("name = \"gpu-cluster\"\n", "")
            .replace("starts_on = 2026-06-01", &format!("starts_on = {start}"))
            .replace("ends_on = 2027-05-31", "# no end");
    let file = dir.path().join("exemption.toml");
    std::fs::write(&file, &template).expect("write");
    let decision = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/register-extract-specimen.png");
    let added = cli(&["exemptions", "add", file.to_str().expect("utf-8"), "--decision", decision]);
    assert!(added.status.success(), "{}", stderr(&added));
    assert!(stdout(&added).contains("the provider"), "{}", stdout(&added));

    let listed: serde_json::Value =
        serde_json::from_str(&stdout(&cli(&["exemptions", "list", "--json"]))).expect("json");
    let exemption = &listed[0];
    let id = exemption["id"].as_str().expect("id").to_owned();
    assert_eq!(exemption["standing"], "in_force", "{exemption}");
    assert!(exemption["ends_on"].is_null() && exemption["evidence_id"].is_string(), "{exemption}");
    let initial = |cli: &dyn Fn(&[&str]) -> std::process::Output| {
        let obligations: serde_json::Value =
            serde_json::from_str(&stdout(&cli(&["obligations", "--json"]))).expect("json");
        obligations["obligations"]
            .as_array()
            .and_then(|o| o.iter().find(|o| o["kind"] == "initial_certification").cloned())
            .expect("initial certification")
    };
    assert_eq!(initial(&cli)["status"], "lifted");
    let text = stdout(&cli(&["exemptions", "list"]));
    assert!(text.contains(&format!("from {start} until revoked  the provider")), "{text}");

    // Ended before its term: a day before its start is refused by field, nothing stored.
    let before = (start - chrono::Duration::days(1)).to_string();
    let refused = cli(&["exemptions", "end", &id, "--on", &before, "--reason", "Revoked"]);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("ends_on") && stderr(&refused).contains("before the exemption starts"));
    assert!(
        !cli(&["exemptions", "end", &id, "--on", &start.to_string()]).status.success(),
        "a reason is needed"
    );
    let ended = cli(&[
        "exemptions",
        "end",
        &id,
        "--on",
        &start.to_string(),
        "--reason",
        "Revoked by BIS letter EX-7/R",
    ]);
    assert!(ended.status.success(), "{}", stderr(&ended));
    let text = stdout(&cli(&["exemptions", "list"]));
    assert!(text.contains(&format!("from {start} to {start}")), "{text}");
    assert!(text.contains("lapsed"), "{text}");
    assert!(text.contains(&format!("Last day {start} (was until revoked)")), "{text}");
    assert!(text.contains("Revoked by BIS letter EX-7/R"), "{text}");
    let initial = initial(&cli);
    assert_ne!(initial["status"], "lifted", "owed again: {initial}");
    // It was not due yet while lifted, so it keeps its own date and needs no word on the lapse.
    assert!(initial["exemption"].is_null() && initial["days_left"].as_i64() > Some(0), "{initial}");
}
