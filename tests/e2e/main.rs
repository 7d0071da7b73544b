//! End-to-end tests: the real app binary in a real WebKitGTK window, driven through WebDriver
//! (tauri-driver → WebKitWebDriver). Ignored by a plain `cargo test` because they need Xvfb (or a
//! display) and `tauri-driver`; `cargo xtask test` runs them with `--run-ignored only`.

mod harness;

use harness::{App, PASSPHRASE, PrivateBus};
use thirtyfour::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn about_view_shows_the_backends_sqlcipher_version() -> WebDriverResult<()> {
    let app = App::launch().await?;
    app.create_workspace().await?;
    app.go("a").await?;
    let expected = workbench_store::sqlcipher_version().expect("backend probe");

    let shown = app.text_of("[data-testid='sqlcipher-version']").await?;
    app.screenshot("about").await;
    assert_eq!(shown, expected, "the About view must show the SQLCipher version the backend reports");

    let folder = app.text_of("[data-testid='data-dir']").await?;
    assert_eq!(folder, app.workspace().display().to_string());

    let checks = app.text_of("[data-testid='doctor-checks']").await?;
    for name in ["sqlcipher", "keyring", "fonts", "data-folder"] {
        assert!(checks.contains(name), "diagnostics table lacks {name}: {checks}");
    }
    app.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn command_palette_runs_from_the_keyboard() -> WebDriverResult<()> {
    let app = App::launch().await?;
    app.create_workspace().await?;

    let body = app.driver().find(By::Tag("body")).await?;
    body.send_keys(Key::Control + "k").await?;
    let input = app.driver().query(By::Css("dialog[open] input")).first().await?;
    input.send_keys("theme").await?;
    let options = app.driver().find_all(By::Css("dialog[open] [role='option']")).await?;
    assert_eq!(options.len(), 1, "typing 'theme' must leave one command");
    input.send_keys(Key::Enter).await?;

    let theme =
        app.driver().execute("return document.documentElement.dataset.theme ?? 'system'", vec![]).await?;
    assert_eq!(theme.json(), &serde_json::json!("light"), "system → light after one switch");

    app.driver().find(By::Tag("body")).await?.send_keys("t").await?;
    let theme = app.driver().execute("return document.documentElement.dataset.theme", vec![]).await?;
    assert_eq!(theme.json(), &serde_json::json!("dark"), "t switches light → dark");
    app.go("a").await?;
    app.text_of("[data-testid='sqlcipher-version']").await?;
    app.screenshot("about-dark").await;
    app.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn first_run_then_lock_then_unlock_with_the_passphrase() -> WebDriverResult<()> {
    let app = App::launch().await?;
    let code = app.create_workspace().await?;
    assert_eq!(code.len(), 39, "recovery code shown: {code}");
    assert!(app.workspace().join("keyslots.json").is_file());
    assert!(app.text_of("[data-testid='actor']").await?.starts_with("Olivia Officer"));
    app.screenshot("workspace-open").await;

    app.click("[data-testid='lock']").await?;
    app.type_into("[data-testid='unlock-secret']", "not the passphrase").await?;
    app.click("[data-testid='unlock']").await?;
    let error = app.text_of("[data-testid='unlock-error']").await?;
    assert_eq!(error, "the passphrase is not right for this workspace");
    app.screenshot("unlock-wrong").await;

    app.type_into("[data-testid='unlock-secret']", PASSPHRASE).await?;
    app.click("[data-testid='unlock']").await?;
    assert!(app.text_of("[data-testid='actor']").await?.starts_with("Olivia Officer"));

    app.go("l").await?;
    app.click("[data-testid='audit-verify']").await?;
    let result = app.text_of("[data-testid='audit-result']").await?;
    assert!(result.starts_with("✓ Intact: 4 event(s)"), "{result}");
    app.screenshot("audit").await;
    app.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn an_officer_adds_a_reviewer_who_then_acts() -> WebDriverResult<()> {
    let app = App::launch().await?;
    app.create_workspace().await?;
    app.go("s").await?;
    app.type_into("[data-testid='idle-minutes']", "5").await?;
    app.click("[data-testid='save-settings']").await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !app.text_of("[data-testid='lock-countdown']").await?.ends_with("5 min") {
        assert!(std::time::Instant::now() < deadline, "the countdown follows the new idle limit");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    app.type_into("[data-testid='new-actor-name']", "Rita Reviewer").await?;
    let form = app.wait_for("form[aria-label='Add a person']").await?;
    form.find(By::Css("select")).await?.send_keys("reviewer").await?;
    form.find(By::Css("input[type='password']")).await?.send_keys("rita's own passphrase").await?;
    form.find(By::Css("button[type='submit']")).await?.click().await?;
    // Commands run off the main thread (issue 15): the list updates once Argon2id is done.
    app.wait_text("[data-testid='actors']", |t| t.contains("Rita Reviewer")).await?;

    app.click("[data-testid='actors'] button").await?;
    app.type_into("form.form-row input[type='password']", "rita's own passphrase").await?;
    app.click("form.form-row button.primary").await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let actor = app.text_of("[data-testid='actor']").await?;
        if actor.starts_with("Rita Reviewer") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "still acting as {actor}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    app.screenshot("settings").await;

    // Issue 14: Rita unlocks as herself. The lock screen asks who; Olivia's passphrase does not
    // open Rita's slot, Rita's does, and the frame names her.
    app.click("[data-testid='lock']").await?;
    let who = app.wait_for("[data-testid='unlock-person']").await?;
    let people = who.text().await?;
    assert!(people.contains("Rita Reviewer") && people.contains("Olivia Officer"), "{people}");
    who.send_keys("Rita").await?;
    app.type_into("[data-testid='unlock-secret']", PASSPHRASE).await?;
    app.click("[data-testid='unlock']").await?;
    let error = app.text_of("[data-testid='unlock-error']").await?;
    assert_eq!(error, "the passphrase is not right for this workspace");
    app.screenshot("unlock-who").await;
    app.type_into("[data-testid='unlock-secret']", "rita's own passphrase").await?;
    app.click("[data-testid='unlock']").await?;
    let actor = app.text_of("[data-testid='actor']").await?;
    assert!(actor.starts_with("Rita Reviewer"), "unlocked as {actor}");
    app.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn a_screen_lock_signal_locks_the_workspace() -> WebDriverResult<()> {
    let bus = PrivateBus::start();
    let app = App::launch_with_env(&[("DBUS_SESSION_BUS_ADDRESS", &bus.address)]).await?;
    app.create_workspace().await?;
    bus.screen_saver(true);
    app.wait_for("[data-testid='unlock-secret']").await?;
    app.screenshot("locked-by-screensaver").await;
    app.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn an_officer_rotates_the_data_key_and_gets_a_new_recovery_code() -> WebDriverResult<()> {
    let app = App::launch().await?;
    let old_code = app.create_workspace().await?;
    let old_db = std::fs::read(app.workspace().join("workspace.db")).expect("db");
    app.go("s").await?;
    app.type_into("[data-testid='rotate-passphrase']", "not the passphrase").await?;
    app.click("[data-testid='rotate-key']").await?;
    let error = app.text_of("section[aria-labelledby='key-heading'] [role='alert']").await?;
    assert_eq!(error, "the passphrase is not right for this workspace");

    app.type_into("[data-testid='rotate-passphrase']", PASSPHRASE).await?;
    app.click("[data-testid='rotate-key']").await?;
    let new_code = app.text_of("[data-testid='rotated-code']").await?;
    assert_eq!(new_code.len(), 39, "{new_code}");
    assert_ne!(new_code, old_code);
    app.screenshot("rotated-key").await;
    let new_db = std::fs::read(app.workspace().join("workspace.db")).expect("db");
    assert_ne!(old_db[..4096], new_db[..4096], "re-encrypted on disk");

    app.click("[data-testid='lock']").await?;
    app.type_into("[data-testid='unlock-secret']", PASSPHRASE).await?;
    app.click("[data-testid='unlock']").await?;
    app.text_of("[data-testid='actor']").await?; // the frame is back: unlocked
    app.go("l").await?;
    app.click("[data-testid='audit-verify']").await?;
    let result = app.text_of("[data-testid='audit-result']").await?;
    assert!(result.starts_with("✓ Intact: 5 event(s)"), "{result}");
    let records = app.text_of("[data-testid='records-result']").await?;
    // The provider profile, the officer and the program-started event: every record the app
    // writes is under the form (issue 14, item 6).
    assert!(records.starts_with("✓ 3 record(s) match their record/2 digests"), "{records}");
    assert!(
        records.contains("provider 1") && records.contains("actor 1") && records.contains("event 1"),
        "{records}"
    );
    app.screenshot("audit-verified").await;
    app.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn a_cip_copy_request_shows_on_the_dashboard_due_in_the_packs_days_and_in_the_ics()
-> WebDriverResult<()> {
    let app = App::launch().await?;
    app.create_workspace().await?;
    // The landing view is the dashboard; the rule pack is named in the navigation.
    assert_eq!(app.text_of("[data-testid='nav-pack']").await?, "us-bis-iaas-cip-2024-nprm");
    app.go("p").await?;
    app.click("[data-testid='record-cip-request']").await?;
    let created = app.text_of("[data-testid='created-obligation']").await?;
    assert!(created.starts_with("R15: Deliver the CIP"), "{created}");
    assert!(created.contains("(in 10 days)"), "the pack's 10 days: {created}");
    app.screenshot("provider").await;

    app.go("d").await?;
    let urgent = app.text_of("[data-testid='urgent-obligations']").await?;
    assert!(urgent.contains("R15") && urgent.contains("in 10 days"), "{urgent}");
    assert!(urgent.contains("Due soon"), "{urgent}");
    app.screenshot("dashboard").await;
    let body = app.driver().find(By::Tag("body")).await?;
    for _ in 0..3 {
        let theme =
            app.driver().execute("return document.documentElement.dataset.theme ?? ''", vec![]).await?;
        if theme.json() == "dark" {
            break;
        }
        body.send_keys("t").await?;
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    app.screenshot("dashboard-dark").await;
    body.send_keys("t").await?;

    app.go("c").await?;
    body.send_keys("m").await?;
    // Due ten days out: this month or the next one (`]` turns the page). The cells clip long
    // titles, so read the text content rather than WebDriver's visible text.
    let month_text = || async {
        let script = "return document.querySelector(\"[data-testid='calendar-month']\")?.textContent ?? ''";
        let value = app.driver().execute(script, vec![]).await?;
        Ok::<_, WebDriverError>(value.json().as_str().unwrap_or_default().to_owned())
    };
    app.wait_for("[data-testid='calendar-month']").await?;
    let mut month = month_text().await?;
    if !month.contains("R15") {
        body.send_keys("]").await?;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while !month.contains("R15") && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            month = month_text().await?;
        }
    }
    app.screenshot("calendar-month").await;
    assert!(month.contains("R15"), "the month grid shows it: {month}");

    app.go("s").await?;
    let packs = app.text_of("[data-testid='rule-packs']").await?;
    assert!(packs.contains("us-bis-iaas-cip-2024-nprm") && packs.contains("Active"), "{packs}");
    app.click("[data-testid='assumed-values'] summary").await?;
    let assumed = app.text_of("[data-testid='assumed-values']").await?;
    assert!(assumed.contains("deadlines.change_notice"), "assumed values listed with notes: {assumed}");
    app.driver()
        .execute("document.querySelector(\"[data-testid='rule-packs']\").scrollIntoView()", vec![])
        .await?;
    app.screenshot("settings-rule-pack").await;

    // The calendar export (the window saves it through a native dialog; the CLI prints the same
    // file, read here while the app still has the workspace open).
    let ics = app.cli(&["obligations", "--ics"]);
    assert!(ics.contains("SUMMARY:R15 — Deliver the CIP"), "{ics}");
    app.quit().await
}

/// Issue 14: no PII in the window's logs or the WebView's data folder. A customer whose name,
/// e-mail and street are canaries is imported, found and opened in the window; then every file
/// the app and its WebView wrote outside the (encrypted) workspace is read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn a_customer_seen_in_the_window_leaves_no_trace_in_its_logs_or_webview_storage() -> WebDriverResult<()>
{
    const NAME: &str = "Zbigniew Canaryk-Qw7";
    const EMAIL: &str = "canary.qw7@example.org";
    const STREET: &str = "Kanarkowa 7-Qw7";
    let app = App::launch().await?;
    app.create_workspace().await?;
    let template =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/templates/customers.csv"))
            .expect("template");
    let csv = template
        .replace("Ana Souza", NAME)
        .replace("ana.souza@example.com", EMAIL)
        .replace("Rua das Flores 10", STREET);
    let file = app.workspace().parent().expect("temp").join(format!("canary-{}.csv", std::process::id()));
    std::fs::write(&file, csv).expect("csv");
    app.cli(&["customers", "import", file.to_str().expect("utf-8")]);
    std::fs::remove_file(&file).expect("remove");
    app.go("l").await?;
    app.go("u").await?;
    app.type_into("[data-testid='customer-search']", "canaryk").await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !app.text_of("[data-testid='customers']").await?.contains(NAME) {
        assert!(std::time::Instant::now() < deadline, "the canary customer is listed");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    app.screenshot("canary-listed").await;
    let (found, read) = app.quit_and_find(&[NAME, EMAIL, STREET, PASSPHRASE]).await?;
    assert!(read >= 1, "the profile holds at least the app's log");
    assert!(found.is_empty(), "PII or the passphrase outside the workspace: {found:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn customers_imported_from_csv_are_listed_searched_and_counted() -> WebDriverResult<()> {
    let app = App::launch().await?;
    app.create_workspace().await?;
    app.go("u").await?;
    let empty = app.text_of("p.empty").await?;
    assert!(empty.starts_with("No customers yet"), "{empty}");

    // The window imports through a native file dialog; the CLI runs the same use case.
    let template = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/templates/customers.csv");
    app.cli(&["customers", "import", template]);

    app.go("l").await?;
    app.go("u").await?;
    let table = app.text_of("[data-testid='customers']").await?;
    assert!(table.contains("Müller Datentechnik GmbH") && table.contains("Ana Souza"), "{table}");
    let counts = app.text_of("[data-testid='customer-counts']").await?;
    assert!(counts.starts_with("2 foreign customer(s) in 2 countries"), "{counts}");
    app.type_into("[data-testid='customer-search']", "souza").await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let table = app.text_of("[data-testid='customers']").await?;
        if !table.contains("Müller") {
            assert!(table.contains("Ana Souza"), "{table}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the search did not filter: {table}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    app.screenshot("customers").await;
    app.quit().await
}

const QUEUE_CSV: &str = "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on
Q-1,individual,Ana Souza,BR,Rua das Flores 10,,São Paulo,SP,01000-000,ana@example.com,+55 11 91234-5678,no,,QA-1,card,4242,Banco Exemplo,high,2026-01-15
Q-2,entity,Müller Datentechnik GmbH,DE,Hauptstraße 4,,München,BY,80331,it@mueller.example,+49 89 1234567,no,,QA-2,wire,,Sparkasse,medium,2026-02-01
Q-3,individual,Иванов Сергей,RU,ул. Тверская 1,,Москва,,125009,ivanov@example.ru,+7 495 123-45-67,no,,QA-3,card,1111,Bank,low,2026-03-01
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn a_reviewer_clears_three_items_by_keyboard_and_a_refusal_waits_for_a_second_reviewer()
-> WebDriverResult<()> {
    let app = App::launch().await?;
    app.create_workspace().await?;
    app.add_actor("Rita Reviewer", "reviewer", "rita's own passphrase").await?;
    let csv = std::env::temp_dir().join(format!("cipw-e2e-queue-{}.csv", std::process::id()));
    std::fs::write(&csv, QUEUE_CSV).expect("write the CSV");
    app.cli(&["customers", "import", csv.to_str().expect("utf-8 path")]);
    let _ = std::fs::remove_file(&csv);
    let specimen = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/id-card-specimen.png");
    app.cli(&["customers", "attach", "Q-1", specimen, "--element", "identity_document"]);

    app.go("q").await?;
    app.wait_text("[data-testid='queue-health']", |_| true).await?;
    let rows = app.wait_text("[data-testid='queue-rows']", |t| t.contains("Q-3")).await?;
    assert!(rows.find("Q-1") < rows.find("Q-2") && rows.find("Q-2") < rows.find("Q-3"), "SLA order: {rows}");

    // Two approvals: n takes the next item; Shift+D verifies the selected element
    // (documentary) and moves to the next required one; a approves.
    for expected in ["Q-1", "Q-2"] {
        app.keys("n").await?;
        app.wait_text("[data-testid='review'] h2", |t| t.contains(expected)).await?;
        let required = app.driver().find_all(By::Css("[data-testid='elements'] td.result")).await?;
        let mut verified = 0;
        for cell in &required {
            if cell.text().await?.trim() == "?" {
                verified += 1;
            }
        }
        for done in 1..=verified {
            app.keys("D").await?;
            app.wait_text("[data-testid='elements']", |t| t.matches("✓ D").count() == done).await?;
        }
        if expected == "Q-1" {
            // The evidence is decrypted in the backend and shown from memory (a blob: URL).
            let image = app.wait_for("[data-testid='evidence-viewer'] img").await?;
            let src = image.attr("src").await?.unwrap_or_default();
            assert!(src.starts_with("blob:"), "{src}");
            app.screenshot("queue-review").await;
        }
        app.keys("a").await?;
        app.wait_text("[data-testid='queue-notice']", |t| t.contains(&format!("Approved: {expected}")))
            .await?;
    }

    // A notice (R9) for the approved customer: rendered from the pack, kept, shown.
    app.wait_for("[data-testid='notices'] button").await?;
    let issue = app.driver().find_all(By::Css("[data-testid='notices'] button")).await?;
    issue.last().expect("issue button").click().await?;
    app.wait_text("[data-testid='notices']", |t| t.contains("mark sent today")).await?;
    // The PDF is drawn from memory by pdf.js (WebKitGTK has no PDF viewer).
    app.wait_for("[data-testid='pdf-pages'] canvas").await?;
    app.screenshot("queue-notice").await;

    // The third is refused: r opens the dialog, Enter on the reason refuses.
    app.keys("n").await?;
    app.wait_text("[data-testid='review'] h2", |t| t.contains("Q-3")).await?;
    app.keys("r").await?;
    app.wait_for("[data-testid='refuse-reason']").await?.send_keys(Key::Enter).await?;
    app.wait_text("[data-testid='queue-notice']", |t| t.contains("waiting for a second reviewer")).await?;
    let year = chrono::Utc::now().format("%Y").to_string();
    let counts = app.cli(&["counts", "--year", &year, "--json"]);
    assert!(counts.contains("\"refused_in_year\": 0"), "not refused before four eyes: {counts}");

    // The second reviewer confirms with her own passphrase.
    app.wait_for("[data-testid='second-review']").await?;
    app.screenshot("queue-second-review").await;
    app.keys("tt").await?; // system → light → dark
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.screenshot("queue-second-review-dark").await;
    app.wait_for("[data-testid='second-reviewer']").await?.send_keys("Rita").await?;
    app.type_into("[data-testid='second-passphrase']", "rita's own passphrase").await?;
    app.click("[data-testid='second-confirm']").await?;
    app.wait_text("[data-testid='queue-notice']", |t| t.contains("Refusal confirmed: Q-3")).await?;
    let counts = app.cli(&["counts", "--year", &year, "--json"]);
    assert!(counts.contains("\"refused_in_year\": 1"), "{counts}");
    app.keys("n").await?;
    app.wait_text("[data-testid='queue-notice']", |t| t.contains("The queue is empty")).await?;
    app.go("d").await?;
    app.wait_text("[data-testid='queue-health-panel']", |t| t.contains("0 waiting")).await?;
    app.screenshot("dashboard-queue").await;
    app.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn an_officer_registers_a_reseller_and_terminating_it_closes_the_supply_gate() -> WebDriverResult<()> {
    let app = App::launch().await?;
    app.create_workspace().await?;
    app.go("r").await?;
    let empty = app.text_of("p.empty").await?;
    assert!(empty.starts_with("No reseller is registered"), "{empty}");
    app.click("[data-testid='reseller-add']").await?;
    app.type_into("[data-testid='reseller-ref']", "R-01").await?;
    app.type_into("[data-testid='reseller-name']", "Nordic Cloud Resale AB").await?;
    app.type_into("[data-testid='reseller-country']", "SE").await?;
    app.type_into("[data-testid='reseller-contact-name']", "Sara Lind").await?;
    app.type_into("[data-testid='reseller-contact-email']", "cip@nordic-resale.example").await?;
    app.type_into("[data-testid='reseller-contact-phone']", "+46 8 123 456 78").await?;
    app.click("[data-testid='reseller-save']").await?;
    let table = app.wait_text("[data-testid='resellers']", |t| t.contains("Nordic Cloud Resale AB")).await?;
    assert!(table.contains("+46812345678"), "the phone is stored as E.164: {table}");

    // A non-compliance finding (R19): under remediation, and the termination deadline is set.
    let finding = app.driver().find_all(By::XPath("//button[contains(., 'non-compliance')]")).await?;
    finding.first().expect("finding button").click().await?;
    app.click("form.dialog button.primary").await?;
    app.wait_text("p.banner.ok", |t| t.contains("under remediation")).await?;
    let obligations = app.cli(&["obligations", "--json"]);
    assert!(obligations.contains("\"reseller_termination\""), "{obligations}");

    app.wait_for("select[aria-label='Status of R-01']").await?.send_keys("terminated").await?;
    app.wait_text("p.banner.ok", |t| t.contains("no new customer account may come through it")).await?;
    app.screenshot("resellers").await;
    let listed = app.cli(&["resellers", "list", "--json"]);
    assert!(listed.contains("\"status\": \"terminated\""), "{listed}");
    app.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn a_resellers_cip_goes_on_file_and_its_recorded_return_turns_the_matrix_green() -> WebDriverResult<()>
{
    // The open dialog cannot be driven: debug builds take the picked file from the environment.
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reseller-cip.pdf");
    let app = App::launch_with_env(&[("CIPW_TEST_PICK_FILE", fixture)]).await?;
    app.create_workspace().await?;
    app.go("r").await?;
    app.click("[data-testid='reseller-add']").await?;
    app.type_into("[data-testid='reseller-ref']", "R-01").await?;
    app.type_into("[data-testid='reseller-name']", "Nordic Cloud Resale AB").await?;
    app.type_into("[data-testid='reseller-country']", "SE").await?;
    // The agreement began two years ago (set as the date field's value: WebKit's date picker
    // popup would catch the next clicks).
    let start = app.wait_for("dialog[open] input[type='date']").await?;
    app.driver()
        .execute(
            "arguments[0].value = '2024-01-01'; arguments[0].dispatchEvent(new Event('input', { bubbles: true }));",
            vec![start.to_json()?],
        )
        .await?;
    app.type_into("[data-testid='reseller-contact-name']", "Sara Lind").await?;
    app.type_into("[data-testid='reseller-contact-email']", "cip@nordic-resale.example").await?;
    app.type_into("[data-testid='reseller-contact-phone']", "+46 8 123 456 78").await?;
    app.click("[data-testid='reseller-save']").await?;
    app.wait_text("[data-testid='resellers']", |t| t.contains("Nordic Cloud Resale AB")).await?;

    // Its file opens from the keyboard; the CIP goes on file from a PDF, with its hash.
    app.keys("j").await?;
    app.wait_text("[data-testid='cip-none']", |t| t.contains("No CIP on file")).await?;
    app.click("[data-testid='cip-upload']").await?;
    let cips = app.wait_text("[data-testid='reseller-cips']", |t| t.contains("on file")).await?;
    assert!(cips.contains("reseller-cip.pdf"), "{cips}");

    // Last year's attestation: the request PDF is made and shown, then the return recorded.
    let year = app.cli(&["resellers", "matrix", "--json"]);
    let matrix: serde_json::Value = serde_json::from_str(&year).expect("json");
    let period = matrix["periods"]
        .as_array()
        .and_then(|p| p.last())
        .and_then(serde_json::Value::as_i64)
        .expect("a year");
    app.click("[data-testid='pane-tab-attestations']").await?;
    app.click(&format!("[data-testid='request-{period}']")).await?;
    app.wait_text("[data-testid='pane-notice']", |t| {
        t.contains(&format!("Request for {period} made and recorded"))
    })
    .await?;
    app.wait_for(".pdf canvas").await?;
    app.screenshot("reseller-attestation-request").await;
    app.click(&format!("[data-testid='record-return-{period}']")).await?;
    app.type_into("[data-testid='return-customers']", "41").await?;
    app.type_into("[data-testid='return-unverified']", "3").await?;
    app.type_into("[data-testid='return-refused']", "1").await?;
    app.click("[data-testid='return-save']").await?;
    let row =
        app.wait_text(&format!("[data-testid='attestation-{period}']"), |t| t.contains("complete")).await?;
    assert!(row.contains("41"), "{row}");

    // The matrix shows the year green; the CLI agrees.
    app.keys("2").await?;
    let cell = app.wait_for(&format!("[data-testid='cell-R-01-{period}']")).await?;
    assert_eq!(cell.attr("data-status").await?.as_deref(), Some("complete"));
    assert!(cell.class_name().await?.unwrap_or_default().contains("ok"), "coloured as done");
    app.screenshot("reseller-attestation-matrix").await;
    let after: serde_json::Value =
        serde_json::from_str(&app.cli(&["resellers", "matrix", "--json"])).expect("json");
    let last = after["rows"][0]["cells"].as_array().and_then(|c| c.last()).expect("cell");
    assert_eq!((last["status"].as_str(), last["counts"]["customers"].as_u64()), (Some("complete"), Some(41)));

    // Commerce asks for the CIPs (R15): the packet holds the provider's CIP and R-01's, and
    // recording its delivery meets the obligation.
    app.cli(&["cip", "draft", concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/cip.md")]);
    app.cli(&["cip", "approve", "1"]);
    app.cli(&["cip-request", "record", "--requester", "BIS Office of ICTS", "--reference", "ICTS-17"]);
    app.go("o").await?;
    app.wait_text("[data-testid='cip-requests']", |t| t.contains("ICTS-17")).await?;
    app.click("[data-testid='packet-assemble']").await?;
    let manifest = app.wait_text("[data-testid='packet-manifest']", |t| t.contains("R-01")).await?;
    assert!(manifest.contains("Provider"), "{manifest}");
    app.wait_for(".pdf canvas").await?;
    app.screenshot("cip-copy-packet").await;
    app.type_into(
        "form[aria-label='Record delivery'] input:not([type='date'])",
        "secure upload, receipt 4471",
    )
    .await?;
    app.click("[data-testid='packet-deliver']").await?;
    app.wait_text("[data-testid='cip-requests']", |t| t.contains("delivered")).await?;
    let obligations = app.cli(&["obligations", "--json"]);
    assert!(obligations.contains("Packet delivered"), "the R15 obligation is met: {obligations}");
    app.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn an_annual_certification_is_drafted_approved_by_a_second_officer_and_filed() -> WebDriverResult<()> {
    let app = App::launch().await?;
    app.create_workspace().await?;
    app.add_actor("Oscar Officer", "officer", "oscar's own passphrase").await?;
    app.click("[data-testid='filing-four-eyes']").await?;
    app.click("[data-testid='save-settings']").await?;

    // Olivia drafts last year's certification; under four eyes she may not approve it.
    app.go("f").await?;
    app.click("[data-testid='filing-draft']").await?;
    app.wait_text("[data-testid='filing-notice']", |t| t.starts_with("Drafted")).await?;
    app.wait_text("[data-testid='filing-state']", |t| t == "draft").await?;
    let content = app.text_of("[data-testid='filing-content']").await?;
    assert!(content.contains("The CIP was reviewed during the year"), "{content}");
    assert!(content.contains("0 time(s)"), "{content}");
    let approve = app.wait_for("[data-testid='filing-approve']").await?;
    assert!(!approve.is_enabled().await?, "the drafter may not approve under four eyes");
    app.click("[data-testid='filing-pdf-tab']").await?;
    app.wait_for(".pdf canvas").await?;
    tokio::time::sleep(std::time::Duration::from_millis(800)).await; // pdf.js draws in slices
    app.screenshot("filing-draft-pdf").await;

    // Oscar approves it and records the filing.
    app.go("s").await?;
    app.click("[data-testid='actors'] button").await?;
    app.type_into("form.form-row input[type='password']", "oscar's own passphrase").await?;
    app.click("form.form-row button.primary").await?;
    app.wait_text("[data-testid='actor']", |t| t.starts_with("Oscar Officer")).await?;
    app.go("f").await?;
    app.click("[data-testid='filing-item-draft']").await?;
    app.click("[data-testid='filing-approve']").await?;
    app.wait_text("[data-testid='filing-state']", |t| t == "approved").await?;
    app.type_into("[data-testid='filing-reference']", "BIS-ACK-2026-17").await?;
    app.click("[data-testid='filing-mark-filed']").await?;
    app.wait_text("[data-testid='filing-state']", |t| t == "filed").await?;
    app.screenshot("filing-filed").await;

    let list: serde_json::Value =
        serde_json::from_str(&app.cli(&["filing", "list", "--json"])).expect("json");
    let filing = &list[0];
    assert_eq!(filing["state"], "filed");
    assert!(filing["approved"].as_str().is_some_and(|a| a.starts_with("Oscar Officer")), "{filing}");
    assert!(filing["filed"].as_str().is_some_and(|f| f.contains("BIS-ACK-2026-17")), "{filing}");
    // A workspace begun this year owes its first annual certification next year; the filing
    // names the obligation it meets when one is due (the use-case tests check the meeting).
    let year = chrono::Datelike::year(&chrono::Utc::now());
    assert_eq!(filing["obligation_key"].as_str(), Some(format!("annual_certification:{year}").as_str()));
    app.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn an_officer_edits_a_cip_section_by_keyboard_and_a_material_approval_raises_r14() -> WebDriverResult<()>
{
    let app = App::launch().await?;
    app.create_workspace().await?;
    app.cli(&["cip", "draft", concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/cip.md")]);
    app.cli(&["cip", "approve", "1"]);
    app.go("i").await?;
    app.wait_text("[data-testid='cip-state-1']", |t| t == "in force").await?;

    // A new draft carries version 1's text; Alt+↓ walks to section 7 (R8).
    app.click("[data-testid='cip-begin']").await?;
    app.wait_for("[data-testid='cip-text']").await?;
    for _ in 0..6 {
        app.keys(Key::Alt + Key::Down).await?;
    }
    app.wait_text(".guidance", |t| t.starts_with("R8")).await?;
    app.type_into("[data-testid='cip-text']", "Low-risk customers are re-verified every 24 months.").await?;
    app.wait_text("[data-testid='cip-preview']", |t| t.contains("every 24 months")).await?;
    app.type_into("[data-testid='cip-summary']", "Low-risk re-verification every 24 months").await?;
    app.click("[data-testid='cip-material']").await?;
    app.click("[data-testid='cip-save']").await?;
    app.screenshot("cip-editor").await;

    // Approval: the material change raises the R14 notice.
    app.click("[data-testid='cip-approve']").await?;
    app.click("[data-testid='cip-approve-confirm']").await?;
    app.wait_text("[data-testid='cip-state-2']", |t| t == "in force").await?;
    let obligations = app.cli(&["obligations", "--json"]);
    assert!(obligations.contains("material CIP change (version 2)"), "{obligations}");

    // Compare shows the section's old text removed and the new text added.
    app.click("[data-testid='cip-compare']").await?;
    let diff = app.wait_text("[data-testid='cip-diff']", |t| t.contains("every 24 months")).await?;
    assert!(diff.contains("every 36 months for low risk"), "the old text shows as removed: {diff}");
    app.wait_for("[data-testid='cip-diff'] .line.added").await?;
    app.screenshot("cip-compare").await;
    app.quit().await
}

/// Issue 15: every error code reaches the window as itself. A viewer asks for a backup (the
/// button is there for everyone, so that everyone learns who makes them); the backend refuses
/// with `forbidden` before any dialog, and the window shows the backend's own message (a code
/// the UI did not know would have shown "did not answer in a form it should").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn a_viewer_is_refused_by_the_backend_and_the_window_says_why() -> WebDriverResult<()> {
    let app = App::launch().await?;
    app.create_workspace().await?;
    app.add_actor("Vera Viewer", "viewer", "vera's own passphrase").await?;
    app.click("[data-testid='actors'] button").await?;
    app.type_into("form.form-row input[type='password']", "vera's own passphrase").await?;
    app.click("form.form-row button.primary").await?;
    app.wait_text("[data-testid='actor']", |t| t.starts_with("Vera Viewer")).await?;
    app.go("s").await?;
    let backup = app.wait_for("[data-testid='backup']").await?;
    backup.scroll_into_view().await?;
    if let Err(e) = backup.click().await {
        app.screenshot("viewer-backup-not-clickable").await;
        return Err(e);
    }
    let error =
        app.wait_text("section[aria-labelledby='backup-heading'] [role='alert']", |t| !t.is_empty()).await?;
    assert_eq!(error, "only an officer may write a backup");
    app.screenshot("viewer-forbidden").await;
    app.quit().await
}

/// `rows` customers shaped like an intake file: eight countries and their scripts, phone
/// numbers written the ways people write them, individuals and entities (deterministic).
fn intake_csv(rows: usize) -> String {
    type Locale = (&'static str, &'static [&'static str], &'static [&'static str], &'static [&'static str]);
    const LOCALES: [Locale; 8] = [
        ("DE", &["Jonas", "Lea", "Lukas"], &["Müller", "Schmidt", "Weber"], &["München", "Berlin"]),
        ("RU", &["Сергей", "Анна", "Иван"], &["Иванов", "Петрова", "Смирнов"], &["Москва", "Казань"]),
        ("JP", &["翔", "陽菜", "蓮"], &["佐藤", "鈴木", "高橋"], &["東京", "大阪"]),
        ("BR", &["Ana", "João", "Maria"], &["Souza", "Silva", "Costa"], &["São Paulo", "Recife"]),
        ("IN", &["Aarav", "Diya", "Vihaan"], &["Sharma", "Patel", "Iyer"], &["Mumbai", "Pune"]),
        ("GR", &["Ελένη", "Νίκος", "Μαρία"], &["Παππά", "Γεωργίου"], &["Αθήνα", "Πάτρα"]),
        ("KR", &["민준", "서연"], &["김", "이", "박"], &["서울", "부산"]),
        ("EG", &["محمد", "فاطمة"], &["حسن", "علي"], &["القاهرة", "الجيزة"]),
    ];
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut out = String::with_capacity(rows * 170);
    out.push_str("customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on\n");
    for i in 0..rows {
        let (country, given, family, cities) = LOCALES[next(8) as usize];
        let entity = next(10) < 3;
        let family_name = family[next(family.len() as u64) as usize];
        let name = if entity {
            format!("{family_name} {}", ["GmbH", "Ltd", "SA", "LLC"][next(4) as usize])
        } else {
            format!("{} {family_name}", given[next(given.len() as u64) as usize])
        };
        let (a, b) = (1000 + next(9000), 1000 + next(9000));
        let phone = match country {
            "DE" => format!("+49 89 {a}{:03}", next(1000)),
            "RU" => format!("+7 495 {:03}-{:02}-{:02}", 100 + next(900), 10 + next(90), 10 + next(90)),
            "JP" => format!("+81 3-{a}-{b}"),
            "BR" => format!("+55 11 9{a}-{b}"),
            "IN" => format!("+91 98{:03} {:05}", next(1000), 10_000 + next(90_000)),
            "GR" => format!("+30 21 0{:03} {b}", 100 + next(900)),
            "KR" => format!("+82 2-{a}-{b}"),
            _ => format!("+20 2 {a} {b}"),
        };
        let (method, last4) = match next(3) {
            0 => ("card", format!("{:04}", next(10_000))),
            1 => ("wire", String::new()),
            _ => ("invoice", String::new()),
        };
        out.push_str(&format!(
            "W-{i},{},\"{name}\",{country},\"{} {}\",,{},,{:05},w{i}@example.{},\"{phone}\",no,,WA-{i},{method},{last4},Bank {country},{},2026-0{}-1{}\n",
            if entity { "entity" } else { "individual" },
            ["Hauptstraße", "Rua Augusta", "MG Road", "Οδός Ερμού", "세종대로", "ул. Ленина"][next(6) as usize],
            1 + next(200),
            cities[next(cities.len() as u64) as usize],
            next(100_000),
            country.to_lowercase(),
            ["low", "medium", "high"][next(3) as usize],
            1 + next(9),
            next(10),
        ));
    }
    out
}

/// What the window's responsiveness looked like once: a keypress until its dialog showed, and
/// the heartbeat's and a read's round trips through IPC, in milliseconds.
async fn responsiveness(app: &App) -> WebDriverResult<[f64; 3]> {
    let started = std::time::Instant::now();
    app.keys("?").await?;
    app.wait_for("dialog[open]").await?;
    let key = started.elapsed().as_secs_f64() * 1000.0;
    app.keys(Key::Escape).await?;
    let timed = |command: &str, args: &str| {
        format!(
            "const done = arguments[arguments.length - 1]; const t = performance.now(); \
             window.__TAURI_INTERNALS__.invoke('{command}', {args}).then(() => done(performance.now() - t), \
             (e) => done(-1));"
        )
    };
    let heartbeat =
        app.driver().execute_async(&timed("workspace_touch", "{}"), Vec::<serde_json::Value>::new()).await?;
    let read = app
        .driver()
        .execute_async(
            &timed("audit_list", "{ query: { action_prefix: null, limit: 50, offset: null } }"),
            Vec::<serde_json::Value>::new(),
        )
        .await?;
    let ms = |v: &ScriptRet| v.json().as_f64().unwrap_or(-1.0);
    Ok([key, ms(&heartbeat), ms(&read)])
}

/// Issue 15: no command runs on the main thread, and a long import holds the session only while
/// it prepares. While 100,000 customers are checked and then imported through the window, the
/// window answers a keypress, the idle-lock heartbeat and a read. Each figure goes to the log;
/// the bound asserted is generous (a loaded 2-core CI machine), the goal is 100 ms.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn the_window_answers_while_a_100k_import_runs() -> WebDriverResult<()> {
    const ROWS: usize = 100_000;
    let csv = std::env::temp_dir().join(format!("cipw-e2e-100k-{}.csv", std::process::id()));
    std::fs::write(&csv, intake_csv(ROWS)).expect("write the CSV");
    let app = App::launch_with_env(&[("CIPW_TEST_PICK_FILE", csv.to_str().expect("utf-8 path"))]).await?;
    app.create_workspace().await?;
    app.go("u").await?;
    let mut seen = Vec::new();
    // The check (a dry run of the whole import, rolled back) and then the import itself.
    for (phase, button) in
        [("check", "[data-testid='import-check']"), ("import", "[data-testid='import-commit']")]
    {
        app.click(button).await?;
        let started = std::time::Instant::now();
        let mut samples = 0;
        while samples < 5 && started.elapsed() < std::time::Duration::from_secs(120) {
            let running = app.driver().find_all(By::Css("[data-testid='import-check'][disabled]")).await?;
            if running.is_empty() && samples > 0 {
                break;
            }
            let [key, heartbeat, read] = responsiveness(&app).await?;
            eprintln!(
                "watchdog {phase} +{:.1} s: keypress {key:.0} ms, heartbeat {heartbeat:.0} ms, read {read:.0} ms",
                started.elapsed().as_secs_f64()
            );
            seen.push((phase, key, heartbeat, read));
            samples += 1;
            tokio::time::sleep(std::time::Duration::from_millis(700)).await;
        }
        if phase == "check" {
            app.wait_for("[data-testid='import-commit']").await?;
            app.screenshot("import-100k-checked").await;
        }
    }
    let _ = std::fs::remove_file(&csv);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
    // "Imported 100,000 customer(s)." in the window's locale.
    let done = |t: &str| {
        t.starts_with("Imported ")
            && t.chars().filter(char::is_ascii_digit).collect::<String>() == ROWS.to_string()
    };
    while !done(&app.text_of("[data-testid='customers-notice']").await.unwrap_or_default()) {
        assert!(std::time::Instant::now() < deadline, "the import did not finish");
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    // The list and the counts read what was stored.
    app.wait_text("[data-testid='customer-counts']", |t| {
        t.starts_with(&format!("{ROWS} foreign customer(s)"))
    })
    .await?;
    app.wait_text("[data-testid='customers']", |t| t.contains("W-")).await?;
    app.screenshot("import-100k-done").await;
    assert!(seen.len() >= 2, "no sample was taken while the import ran: {seen:?}");
    for (phase, key, heartbeat, read) in &seen {
        assert!(*key < 2000.0, "{phase}: a keypress took {key:.0} ms");
        assert!((0.0..2000.0).contains(heartbeat), "{phase}: the heartbeat took {heartbeat:.0} ms");
        assert!((0.0..2000.0).contains(read), "{phase}: a read took {read:.0} ms");
    }
    app.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn an_officer_records_a_measure_and_checks_a_name_against_the_sdn_list() -> WebDriverResult<()> {
    let app = App::launch().await?;
    app.create_workspace().await?;
    app.go("m").await?;
    let empty = app.text_of("[data-testid='no-measures']").await?;
    assert!(empty.starts_with("No special measure recorded"), "{empty}");

    // The window picks sdn.csv in a native dialog; the CLI runs the same use case.
    let sdn = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/ofac-sdn-watchman-2021");
    app.cli(&["screening", "lists", "import", "--sdn", sdn, "--published", "2021-07-07"]);

    app.click("[data-testid='measure-new']").await?;
    app.type_into("[data-testid='measure-title']", "Prohibition on opening accounts: persons in KP").await?;
    app.type_into("[data-testid='measure-citation']", "91 FR 12345").await?;
    app.type_into("[data-testid='measure-jurisdictions']", "KP").await?;
    app.click("[data-testid='measure-record']").await?;
    let measures = match app.wait_text("[data-testid='measures']", |t| t.contains("persons in KP")).await {
        Ok(text) => text,
        Err(e) => {
            app.screenshot("measure-not-recorded").await;
            return Err(e);
        }
    };
    assert!(measures.contains("91 FR 12345") && measures.contains("No new accounts"), "{measures}");
    // A new measure rescreens everyone (none yet here).
    let notice = app.wait_text("p.banner.ok", |t| t.contains("Screened")).await?;
    assert!(
        notice.starts_with("Recorded: Prohibition on opening accounts")
            && notice.contains("Screened 0 customers"),
        "{notice}"
    );

    app.go("l").await?;
    app.go("m").await?;
    let lists = app.text_of("[data-testid='screening-lists']").await?;
    assert!(lists.contains("OFAC SDN list") && lists.contains("8,976") || lists.contains("8976"), "{lists}");
    app.type_into("[data-testid='check-name']", "National Bank of Cuba").await?;
    app.click("[data-testid='check-run']").await?;
    let hit = app.text_of("[data-testid='screening-hit']").await?;
    assert!(hit.contains("BANCO NACIONAL DE CUBA") && hit.contains("OFAC SDN 306"), "{hit}");
    assert!(hit.contains("met aka: NATIONAL BANK OF CUBA") && hit.contains("threshold 0.85"), "{hit}");
    app.screenshot("screening").await;
    app.quit().await
}

const SCREENED_CSV: &str = "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on
S-1,entity,Banco Nacional de Cuba S.A.,CU,Calle 1,,La Habana,,10400,it@bnc.example,+53 7 123 4567,no,,SA-1,wire,,Banco,high,2026-01-01
S-2,individual,Olivia Whitfield,GB,1 High Street,,London,,EC1A 1BB,olivia@example.co.uk,+44 20 7946 0000,no,,SA-2,card,4242,Barclays,low,2026-01-02
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn a_reviewer_reads_a_hit_marks_it_a_false_positive_and_a_rescreen_does_not_bring_it_back()
-> WebDriverResult<()> {
    let app = App::launch().await?;
    app.create_workspace().await?;
    let sdn = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/ofac-sdn-watchman-2021");
    app.cli(&["screening", "lists", "import", "--sdn", sdn]);
    let csv = app.workspace().join("screened.csv");
    std::fs::write(&csv, SCREENED_CSV).expect("write");
    app.cli(&["customers", "import", &csv.to_string_lossy()]);

    // Intake screened the imported customers: the hit waits in the queue's hits tab too.
    app.go("q").await?;
    app.click("[data-testid='queue-tab-hits']").await?;
    let in_queue = app.text_of("[data-testid='hit-detail']").await?;
    assert!(in_queue.contains("BANCO NACIONAL DE CUBA"), "{in_queue}");
    app.screenshot("queue-hits").await;
    app.go("m").await?;
    app.click("[data-testid='rescreen']").await?;
    let detail = app.text_of("[data-testid='hit-detail']").await?;
    assert!(
        detail.contains("Banco Nacional de Cuba S.A.") && detail.contains("BANCO NACIONAL DE CUBA"),
        "{detail}"
    );
    assert!(detail.contains("Programs: CUBA") && detail.contains("set aside: sa"), "{detail}");
    app.screenshot("screening-hit").await;

    // Decide every hit as a false positive, by keyboard: f focuses the reason.
    loop {
        let hits = app.driver().find_all(By::Css("[data-testid='hit-reason']")).await?;
        if hits.is_empty() {
            break;
        }
        app.keys("f").await?;
        app.keys("Other bank: same name, different records").await?;
        app.click("[data-testid='hit-false-positive']").await?;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    let empty = app.text_of("[data-testid='no-hits']").await?;
    assert_eq!(empty, "No hit waits for a decision.");

    // The same list of hits is a tab of the verification queue: empty now.
    app.go("q").await?;
    app.click("[data-testid='queue-tab-hits']").await?;
    let none = app.text_of("[data-testid='queue-no-hits']").await?;
    assert!(none.starts_with("No screening hit waits"), "{none}");
    app.go("m").await?;

    let run: serde_json::Value =
        serde_json::from_str(&app.cli(&["screening", "run", "--json"])).expect("json");
    assert_eq!(run["new_hits"], 0, "{run}");
    assert!(run["remembered"].as_u64().is_some_and(|n| n >= 1), "{run}");
    app.click("[data-testid='rescreen']").await?;
    let notice = app.text_of("p.banner.ok").await?;
    assert!(notice.contains("0 new hit(s)"), "{notice}");
    app.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn the_demo_shows_screening_on_the_dashboard_and_its_hits_in_the_screening_view() -> WebDriverResult<()>
{
    let app = App::launch().await?;
    // The demo workspace is made by the CLI in the window's folder, then unlocked in the window.
    let made = std::process::Command::new(env!("CARGO_BIN_EXE_cip-workbench"))
        .args(["demo", "--customers", "60", "--workspace"])
        .arg(app.workspace())
        .env("CIPW_PASSPHRASE", PASSPHRASE)
        .output()
        .expect("demo");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    app.driver().refresh().await?;
    app.type_into("[data-testid='unlock-secret']", PASSPHRASE).await?;
    app.click("[data-testid='unlock']").await?;
    app.text_of("[data-testid='actor']").await?;
    app.go("d").await?;
    let panel = app.text_of("[data-testid='screening-panel']").await?;
    assert!(panel.contains("2 measure(s) in force") && panel.contains("1 true match(es)"), "{panel}");
    assert!(panel.contains("older than 30 days"), "the 2021 sample is flagged as stale: {panel}");
    app.screenshot("dashboard-screening").await;
    // R27: what is at risk, each overdue item with its ceiling and how it is reached.
    let risk = app.text_of("[data-testid='risk-panel']").await?;
    assert!(risk.contains("What is at risk (R27)") && risk.contains("per violation"), "{risk}");
    assert!(risk.contains("not legal advice"), "{risk}");
    let panel = app.wait_for("[data-testid='risk-panel']").await?;
    panel.scroll_into_view().await?;
    app.screenshot("dashboard-risk").await;
    app.go("m").await?;
    let detail = app.text_of("[data-testid='hit-detail']").await?;
    assert!(detail.contains("Park Min-jun") && detail.contains("phone +85023812345 (KP)"), "{detail}");
    app.screenshot("demo-screening").await;
    // Names in many scripts, drawn with the system's fallback fonts (looked at, never asserted).
    app.go("u").await?;
    app.wait_text("[data-testid='customers']", |t| t.contains("C-")).await?;
    app.screenshot("demo-customers").await;
    app.quit().await
}

/// Sets a form field's value as a person would leave it (an `input` event Svelte's binding reads);
/// WebKitGTK's date fields do not take typed keys reliably.
async fn set_field(app: &App, css: &str, value: &str) -> WebDriverResult<()> {
    app.wait_for(css).await?;
    let script = "const el = document.querySelector(arguments[0]); el.value = arguments[1]; \
                  el.dispatchEvent(new Event('input', { bubbles: true }));";
    app.driver().execute(script, vec![serde_json::json!(css), serde_json::json!(value)]).await?;
    Ok(())
}

const AI_CUSTOMERS: &str = "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on
K-1,entity,Kappa Compute Pte Ltd,SG,1 Fusionopolis Way,#10-01,Singapore,,138632,ops@kappa.example,+65 6123 4567,no,,KA-1,card,4242,DBS Bank,high,2026-01-15
K-2,entity,Nordlicht KI GmbH,DE,Torstraße 5,,Berlin,,10119,it@nordlicht.example,+49 30 1234567,no,,KA-2,wire,,Deutsche Bank,medium,2026-02-01
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn a_usage_import_opens_a_case_whose_arrangement_is_reported_and_filed() -> WebDriverResult<()> {
    let files = tempfile::tempdir().expect("tempdir");
    let today = chrono::Utc::now().date_naive();
    let (start, end) = (today - chrono::Duration::days(20), today - chrono::Duration::days(1));
    let usage = files.path().join("usage.csv");
    std::fs::write(
        &usage,
        format!(
            "account_ref,period_start,period_end,accelerator,accelerator_hours,peak_accelerators,interconnect_gbps\n\
             KA-1,{start},{end},h100-sxm,1200000,70000,400\nKA-2,{start},{end},A100,12.5,4,25\n"
        ),
    )
    .expect("write");
    let app = App::launch_with_env(&[("CIPW_TEST_PICK_FILE", usage.to_str().expect("utf-8 path"))]).await?;
    app.create_workspace().await?;
    let customers = files.path().join("customers.csv");
    std::fs::write(&customers, AI_CUSTOMERS).expect("write");
    app.cli(&["customers", "import", customers.to_str().expect("utf-8")]);

    // The usage file is checked, then imported: K-1's cluster reaches the could-be fraction.
    app.go("t").await?;
    app.wait_for("[data-testid='ai-no-cases']").await?;
    app.click("[data-testid='ai-usage-import']").await?;
    app.wait_text("[data-testid='ai-usage-check']", |t| t.contains("every row is good")).await?;
    app.click("[data-testid='ai-usage-commit']").await?;
    let notice = app.wait_text("[data-testid='ai-notice']", |t| t.contains("opened for review")).await?;
    assert!(notice.contains("1 case(s) opened for review: K-1"), "{notice}");
    let register = app.text_of("[data-testid='ai-cases']").await?;
    assert!(register.contains("in review") && register.contains("from usage"), "{register}");

    // A person records what is contracted: 12,288 H100 for 120 days — covered.
    app.click("[data-testid='ai-case-row'] button.link").await?;
    app.click("[data-testid='ai-add-arrangement']").await?;
    let (tx, known) = (today - chrono::Duration::days(5), today - chrono::Duration::days(2));
    set_field(&app, "[data-testid='ai-f-accel']", "H100").await?;
    set_field(&app, "[data-testid='ai-f-count']", "12288").await?;
    set_field(&app, "[data-testid='ai-f-net']", "400").await?;
    set_field(&app, "[data-testid='ai-f-tx']", &tx.to_string()).await?;
    set_field(&app, "[data-testid='ai-f-known']", &known.to_string()).await?;
    set_field(&app, "[data-testid='ai-f-start']", &tx.to_string()).await?;
    set_field(&app, "[data-testid='ai-f-days']", "120").await?;
    app.click("[data-testid='ai-f-save']").await?;
    app.wait_text("[data-testid='ai-notice']", |t| t.contains("Version 1 recorded: covered")).await?;
    let version = app.text_of("[data-testid='ai-version']").await?;
    for needle in ["Cluster peak", "12,288 accelerators × 9.8940e14 op/s", "1.2605…e26 op", "126.05 %"] {
        assert!(version.contains(needle), "{needle} not shown: {version}");
    }
    app.screenshot("ai-case").await;

    // The report is drafted through the filing engine, approved and filed.
    app.click("[data-testid='ai-draft-report']").await?;
    app.wait_text("[data-testid='filing-state']", |t| t == "draft").await?;
    let content = app.text_of("[data-testid='filing-content']").await?;
    assert!(content.contains("Kappa Compute Pte Ltd") && content.contains("DBS Bank"), "{content}");
    app.click("[data-testid='filing-approve']").await?;
    app.wait_text("[data-testid='filing-state']", |t| t == "approved").await?;
    app.type_into("[data-testid='filing-reference']", "BIS-AI-2026-3").await?;
    app.click("[data-testid='filing-mark-filed']").await?;
    app.wait_text("[data-testid='filing-state']", |t| t == "filed").await?;

    let cases: serde_json::Value = serde_json::from_str(&app.cli(&["ai", "cases", "--json"])).expect("json");
    assert_eq!(cases[0]["report"]["state"], "filed", "{cases}");
    assert_eq!(cases[0]["due"], serde_json::Value::Null, "the report meets its obligation");
    app.go("t").await?;
    app.wait_text("[data-testid='ai-cases']", |t| t.contains("filed")).await?;
    app.screenshot("ai-register").await;
    // The same screen in the dark theme (t: system → light → dark).
    app.keys("t").await?;
    app.keys("t").await?;
    app.click("[data-testid='ai-case-row'] button.link").await?;
    app.wait_for("[data-testid='ai-version']").await?;
    let theme = app.driver().execute("return document.documentElement.dataset.theme", vec![]).await?;
    assert_eq!(theme.json(), &serde_json::json!("dark"));
    app.screenshot("ai-case-dark").await;
    app.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn a_reviewer_places_a_pending_account_under_restricted_terms_with_a_date_to_decide()
-> WebDriverResult<()> {
    let app = App::launch().await?;
    app.create_workspace().await?;
    let files = tempfile::tempdir().expect("tempdir");
    let csv = files.path().join("queue.csv");
    std::fs::write(&csv, QUEUE_CSV).expect("write");
    app.cli(&["customers", "import", csv.to_str().expect("utf-8")]);
    app.go("q").await?;
    app.wait_text("[data-testid='queue-rows']", |t| t.contains("Q-1")).await?;
    app.keys("n").await?;
    app.wait_text("[data-testid='review'] h2", |t| t.contains("Q-1")).await?;
    let panel = app.text_of("[data-testid='terms']").await?;
    assert!(panel.contains("run on no special terms"), "{panel}");
    app.click("[data-testid='terms'] label.check input").await?;
    app.click("[data-testid='terms-place']").await?;
    let panel = app.wait_text("[data-testid='terms']", |t| t.contains("decide by")).await?;
    assert!(panel.contains("restricted") && panel.contains("No accelerator (GPU, TPU) instances"), "{panel}");
    assert!(panel.contains("30 day(s) left"), "the pack's 30 days: {panel}");
    let head = app.text_of("[data-testid='review'] header").await?;
    assert!(head.contains("QA-1 restricted"), "{head}");
    app.screenshot("review-terms").await;
    app.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn the_customers_the_list_shows_are_exported_through_the_save_dialog() -> WebDriverResult<()> {
    let saves = tempfile::tempdir().expect("tempdir");
    let app =
        App::launch_with_env(&[("CIPW_TEST_SAVE_DIR", saves.path().to_str().expect("utf-8 path"))]).await?;
    app.create_workspace().await?;
    let template = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/templates/customers.csv");
    app.cli(&["customers", "import", template]);
    app.go("l").await?;
    app.go("u").await?;
    app.wait_text("[data-testid='customers']", |t| t.contains("Ana Souza")).await?;
    app.click("[data-testid='export-all']").await?;
    let notice = app.wait_text("p.banner.ok, [role='status']", |t| t.contains("Exported")).await?;
    assert!(notice.contains("Exported 2 customer(s) as CSV"), "{notice}");
    let csv = std::fs::read_to_string(saves.path().join("customers.csv")).expect("saved");
    assert!(csv.starts_with("customer_ref,kind,name,country") && csv.contains("Ana Souza"), "{csv}");
    app.quit().await
}

const OWNED_CSV: &str = "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on
E-1,entity,Nordlys Data AB,SE,Gatan 1,,Stockholm,,11122,ops@nordlys.example,+46 8 123 456 78,no,,EA-1,card,4242,Bank,medium,2026-03-01
";

const OWNERS_CSV: &str = "customer_ref,name,country,ownership_pct,control,us_person,emails,phones,address_line1,city,postal_code,ip_accesses
E-1,Astrid Lind,SE,60,no,no,astrid@nordlys.example,+46 8 765 432 10,Gatan 9,Stockholm,11123,198.51.100.7@2026-02-27T08:15:00Z
E-1,Ben Carter,US,30,no,yes,ben@example.com,+1 402 555 0199,3 Elm St,Omaha,68102,
E-1,Mika Saari,FI,10,no,no,,,,,,
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn a_reviewer_steps_through_the_owners_by_keyboard_and_verifies_each_before_approval()
-> WebDriverResult<()> {
    let app = App::launch().await?;
    app.create_workspace().await?;
    let files = tempfile::tempdir().expect("tempdir");
    let customers = files.path().join("owned.csv");
    std::fs::write(&customers, OWNED_CSV).expect("write");
    app.cli(&["customers", "import", customers.to_str().expect("utf-8")]);
    let owners = files.path().join("owners.csv");
    std::fs::write(&owners, OWNERS_CSV).expect("write");
    app.cli(&["customers", "owners", owners.to_str().expect("utf-8")]);
    let specimen = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/id-card-specimen.png");
    app.cli(&["customers", "attach", "E-1", specimen, "--element", "identity_document"]);

    app.go("q").await?;
    app.wait_text("[data-testid='queue-rows']", |t| t.contains("E-1")).await?;
    app.keys("n").await?;
    app.wait_text("[data-testid='review'] h2", |t| t.contains("E-1")).await?;
    app.wait_for("[data-testid='owner-list']").await?;
    app.screenshot("review-owners-list").await;
    let list = app.wait_text("[data-testid='owner-list']", |t| t.contains("Mika Saari")).await?;
    assert!(list.contains("not beneficial"), "10 %, no control: {list}");
    assert_eq!(list.matches("4 to verify").count(), 2, "two beneficial owners, neither verified: {list}");
    // The first owner still to verify is selected; ] and [ step through the list.
    let detail = app.text_of("[data-testid='owner-detail']").await?;
    assert!(detail.contains("astrid@nordlys.example") && detail.contains("198.51.100.7"), "{detail}");
    app.keys("]").await?;
    app.wait_text("[data-testid='owner-detail']", |t| t.contains("ben@example.com")).await?;
    app.keys("]").await?;
    app.wait_text("[data-testid='owner-detail']", |t| t.contains("Address") && !t.contains("ben@")).await?;
    app.keys("[[").await?;
    app.wait_text("[data-testid='owner-detail']", |t| t.contains("astrid@nordlys.example")).await?;

    // Approval is refused while the owners are unverified.
    app.keys("a").await?;
    let banner =
        app.wait_text("[data-testid='review'] p.banner.bad", |t| t.contains("Cannot approve")).await?;
    assert!(banner.contains("beneficial owner 1 of 3: not verified yet"), "{banner}");

    // Astrid: the determination rests on the evidence on show, then each element is checked.
    app.wait_for("[data-testid='evidence-viewer'] img").await?;
    app.click("[data-testid='owner-determine']").await?;
    app.wait_for("[data-testid='us-reason']").await?.send_keys("Swedish passport seen").await?;
    app.wait_for("[data-testid='us-reason']").await?.send_keys(Key::Enter).await?;
    app.wait_text("[data-testid='owner-element-us_person']", |t| t.contains("determined with evidence"))
        .await?;
    for element in ["name", "address", "identity_document"] {
        app.click(&format!("[data-testid='owner-verify-{element}-documentary']")).await?;
        app.wait_text(&format!("[data-testid='owner-element-{element}']"), |t| t.contains('✓')).await?;
    }
    let list = app.wait_text("[data-testid='owner-list']", |t| t.contains("✓ verified")).await?;
    assert_eq!(list.matches("4 to verify").count(), 1, "{list}");
    app.screenshot("review-owners").await;
    app.keys("a").await?;
    let banner = app.wait_text("[data-testid='review'] p.banner.bad", |t| t.contains("owner 2 of 3")).await?;
    assert!(!banner.contains("owner 1 of 3"), "{banner}");
    app.keys("tt").await?; // system → light → dark
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.screenshot("review-owners-dark").await;
    app.quit().await
}

const EXEMPT_CSV: &str = "customer_ref,kind,name,country,address_line1,address_line2,city,region,postal_code,emails,phones,us_person,reseller_ref,account_ref,payment_method,payment_last4,payment_source,risk_tier,opened_on,account_type
G-1,entity,Kaito Compute KK,JP,1-1 Marunouchi,,Tokyo,,100-0005,ops@kaito.example,+81 3 1234 5678,no,,GA-1,card,4242,MUFG,high,2026-03-01,gpu-cluster
G-2,individual,Lena Vogt,DE,Hauptstraße 4,,Berlin,,10115,lena@vogt.example,+49 30 1234567,no,,GA-2,card,1111,Sparkasse,low,2026-03-02,object-storage
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn a_reviewer_approves_an_exempt_customer_without_checks_and_an_officer_ends_the_exemption()
-> WebDriverResult<()> {
    let app = App::launch().await?;
    app.create_workspace().await?;
    let files = tempfile::tempdir().expect("tempdir");
    let customers = files.path().join("exempt.csv");
    std::fs::write(&customers, EXEMPT_CSV).expect("write");
    app.cli(&["customers", "import", customers.to_str().expect("utf-8")]);
    let exemption = files.path().join("exemption.toml");
    let yesterday = chrono::Local::now().date_naive() - chrono::Days::new(1);
    std::fs::write(
        &exemption,
        format!(
            "scope = \"account_type\"\nname = \"gpu-cluster\"\nstarts_on = {yesterday}\n\
             conditions = \"Keep the ADP current.\"\nreference = \"BIS-EX-2026-7\"\n"
        ),
    )
    .expect("write");
    app.cli(&["exemptions", "add", exemption.to_str().expect("utf-8")]);

    app.go("q").await?;
    app.wait_text("[data-testid='queue-rows']", |t| t.contains("G-1") && t.contains("G-2")).await?;
    app.keys("n").await?; // high risk first
    app.wait_text("[data-testid='review'] h2", |t| t.contains("G-1")).await?;
    let why = app.wait_text("[data-testid='review-exemption']", |t| t.contains("BIS-EX-2026-7")).await?;
    assert!(why.contains("identity verification is not required (R20)"), "{why}");
    app.screenshot("review-exemption").await;
    app.keys("a").await?;
    app.wait_text("[data-testid='queue-notice']", |t| t.contains("Approved: G-1")).await?;
    app.click("[data-testid='decisions'] summary").await?;
    let decisions =
        app.wait_text("[data-testid='decisions']", |t| t.contains("under exemption BIS-EX-2026-7")).await?;
    assert!(decisions.contains("without identity verification"), "{decisions}");
    app.driver()
        .execute("document.querySelector(\"[data-testid='decisions']\").scrollIntoView()", vec![])
        .await?;
    app.screenshot("review-exemption-decided").await;
    // Left out of the unverified count as exempt, not counted as verified (R12, R20).
    let year = chrono::Local::now().format("%Y").to_string();
    let counts: serde_json::Value =
        serde_json::from_str(&app.cli(&["counts", "--year", &year, "--json"])).expect("json");
    assert_eq!(counts["foreign_accounts_unverified"], 1, "{counts}");
    assert_eq!(counts["exempt_accounts"], 1, "{counts}");

    // The other customer's account type is not exempt: approval still needs the checks.
    app.keys("n").await?;
    app.wait_text("[data-testid='review'] h2", |t| t.contains("G-2")).await?;
    app.keys("a").await?;
    let banner =
        app.wait_text("[data-testid='review'] p.banner.bad", |t| t.contains("Cannot approve")).await?;
    assert!(banner.contains("not verified yet"), "{banner}");

    // Commerce revokes it: End… on its row, the reason, Enter. Today stays its last day.
    app.go("e").await?;
    app.wait_text("[data-testid='exemption-row']", |t| t.contains("BIS-EX-2026-7")).await?;
    app.click("[data-testid='exemption-end']").await?;
    let reason = app.wait_for("[data-testid='exemption-end-reason']").await?;
    reason.send_keys("Revoked by BIS letter EX-2026-7/R").await?;
    reason.send_keys(Key::Enter).await?;
    let table = app
        .wait_text("[data-testid='exemptions']", |t| t.contains("Revoked by BIS letter EX-2026-7/R"))
        .await?;
    assert!(table.contains("(was until revoked)") && table.contains("in force"), "{table}");
    app.screenshot("exemption-ended").await;
    // Escape closes the form without a change.
    app.click("[data-testid='exemption-end']").await?;
    app.wait_for("[data-testid='exemption-end-reason']").await?.send_keys(Key::Escape).await?;
    for _ in 0..50 {
        if app.driver().find_all(By::Css("[data-testid='exemption-end-form']")).await?.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        app.driver().find_all(By::Css("[data-testid='exemption-end-form']")).await?.is_empty(),
        "Escape closes the form"
    );
    app.keys("tt").await?; // system → light → dark
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.screenshot("exemption-ended-dark").await;
    app.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn an_officer_records_an_assessment_in_the_form_and_notes_a_findings_remediation() -> WebDriverResult<()>
{
    let app = App::launch().await?;
    app.create_workspace().await?;
    app.go("e").await?;
    let empty = app.wait_text("[data-testid='assessments-empty']", |_| true).await?;
    assert!(empty.contains("No compliance assessment is recorded"), "{empty}");
    app.click("[data-testid='assessment-new']").await?;
    app.type_into("[data-testid='assessment-reference']", "BIS-OICTS-2026-0142").await?;
    app.type_into("[data-testid='assessment-scope']", "Verification procedures").await?;
    app.type_into("[aria-label='Finding 1']", "Beneficial owners are not verified").await?;
    app.type_into("[aria-label='R-ids']", "r5, R4").await?;
    app.type_into("[aria-label='Owner']", "Olivia Officer").await?;
    app.click("[data-testid='assessment-record']").await?;
    let notice = app.wait_text("[data-testid='assessments-notice']", |t| t.contains("recorded")).await?;
    assert!(notice.contains("1 finding(s) on the calendar"), "{notice}");
    let row = app.wait_text("[data-testid='finding-row']", |t| t.contains("R5, R4")).await?;
    assert!(row.contains("30 day(s) left") && row.contains("medium"), "{row}");
    // j opens the first finding; n focuses its note.
    app.keys("j").await?;
    app.wait_for("[data-testid='finding-detail']").await?;
    app.keys("n").await?;
    let focused = app.driver().active_element().await?;
    assert_eq!(focused.attr("data-testid").await?.as_deref(), Some("finding-note"), "n focuses the note");
    focused.send_keys("Owner checks added to the review screen").await?;
    app.click("[data-testid='finding-detail'] .form-row button").await?;
    let detail = app
        .wait_text("[data-testid='finding-detail']", |t| {
            t.contains("Owner checks added to the review screen")
        })
        .await?;
    assert!(detail.contains("Olivia Officer"), "{detail}");
    let calendar = app.cli(&["obligations", "--json"]);
    assert!(
        calendar.contains("Remediate finding 1 (R5, R4): Beneficial owners are not verified"),
        "{calendar}"
    );

    // An exemption of the whole provider (R20): recorded in the form, in force from today, it
    // lifts the initial certification — which says why.
    let scope = app.wait_for("[data-testid='exemption-scope']").await?;
    scope.send_keys("the provider").await?;
    app.type_into("[data-testid='exemption-reference']", "BIS-EX-2026-7").await?;
    app.click("[data-testid='exemption-record']").await?;
    let row = app.wait_text("[data-testid='exemption-row']", |t| t.contains("BIS-EX-2026-7")).await?;
    assert!(row.contains("in force") && row.contains("the provider"), "{row}");
    let listed: serde_json::Value = serde_json::from_str(&app.cli(&["obligations", "--json"])).expect("json");
    let initial = listed["obligations"]
        .as_array()
        .and_then(|o| o.iter().find(|o| o["kind"] == "initial_certification"))
        .expect("initial certification")
        .clone();
    assert_eq!(initial["status"], "lifted", "{initial}");
    assert!(initial["exemption"].as_str().is_some_and(|w| w.contains("BIS-EX-2026-7")), "{initial}");
    app.screenshot("assessments").await;
    app.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "end-to-end: needs tauri-driver and a display; run by `cargo xtask test`"]
async fn an_officer_builds_an_adp_criterion_with_evidence_and_drafts_the_exemption_application()
-> WebDriverResult<()> {
    let app = App::launch().await?;
    app.create_workspace().await?;
    app.go("x").await?;
    let coverage =
        app.wait_text("[data-testid='adp-coverage']", |t| t.contains("Handling of red flags")).await?;
    assert_eq!(coverage.matches("no evidence").count(), 5, "{coverage}");
    // j moves to the second criterion (red flags); e focuses its narrative.
    app.keys("j").await?;
    app.wait_text("[data-testid='adp-editor'] h2", |t| t.contains("Handling of red flags")).await?;
    app.keys("e").await?;
    let focused = app.driver().active_element().await?;
    assert_eq!(focused.attr("data-testid").await?.as_deref(), Some("adp-narrative"), "e edits the narrative");
    focused
        .send_keys("Sign-ups in bulk and mining spikes are escalated to the officer within a day.")
        .await?;
    app.click("[data-testid='adp-save']").await?;
    app.wait_text("[data-testid='adp-coverage']", |t| t.contains("narrative only")).await?;
    app.click("[data-testid='adp-cite']").await?;
    let coverage = app.wait_text("[data-testid='adp-coverage']", |t| t.contains("evidenced")).await?;
    assert_eq!(coverage.matches("no evidence").count(), 4, "{coverage}");
    let evidence = app.text_of("[data-testid='adp-evidence']").await?;
    assert!(evidence.contains("Verification queue (R4)"), "{evidence}");
    app.screenshot("adp-dossier").await;

    // The application, drafted through the filing engine, opens in Filings with its PDF.
    app.click("[data-testid='application-draft']").await?;
    app.wait_text("[data-testid='filing-state']", |t| t == "draft").await?;
    let detail =
        app.wait_text("section.detail", |t| t.contains("Exemption application: the provider")).await?;
    assert!(detail.contains("Handling of red flags") && detail.contains("Not answered yet."), "{detail}");
    let listed = app.cli(&["filing", "list", "--json"]);
    assert!(listed.contains("Exemption application: the provider"), "{listed}");
    app.screenshot("adp-application").await;
    app.quit().await
}
