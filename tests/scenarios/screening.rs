//! `screening lists import|lists|check` through the real binary on the shared SDN snapshot
//! (R22, issue 16).

use crate::support::{in_workspace, new_workspace, stderr, stdout};

fn shared_sdn() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/ofac-sdn-watchman-2021");
    assert!(dir.join("sdn.csv").is_file(), "the shared SDN snapshot is missing at {}", dir.display());
    dir
}

#[test]
fn an_officer_imports_the_sdn_list_and_checks_names_one_by_one_and_from_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, pass) = new_workspace(dir.path());
    let sdn = shared_sdn();

    let output = in_workspace(&ws, &pass, &["screening", "check", "--name", "National Bank of Cuba"]);
    assert!(!output.status.success(), "no list yet");
    assert!(stderr(&output).contains("no screening list is active"), "{}", stderr(&output));

    let sdn_arg = sdn.to_string_lossy();
    let output = in_workspace(
        &ws,
        &pass,
        &["screening", "lists", "import", "--sdn", &sdn_arg, "--published", "2021-07-07", "--json"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let imported: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(imported["version"]["entries"], 8_976);
    assert_eq!(imported["version"]["aliases"], 11_910);
    assert_eq!(imported["version"]["active"], true);
    assert_eq!(imported["version"]["source"], "sdn");

    let output = in_workspace(&ws, &pass, &["screening", "lists", "--json"]);
    let lists: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(lists.as_array().map(Vec::len), Some(1));
    assert_eq!(lists[0]["published_on"], "2021-07-07");

    let output = in_workspace(
        &ws,
        &pass,
        &["screening", "check", "--name", "Banco Nacional de Cuba S.A.", "--type", "entity", "--json"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let result: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    let hit = &result["hits"][0];
    assert_eq!(hit["list"], "sdn");
    assert_eq!(hit["entry_id"], "306");
    let score = hit["score"].as_f64().expect("score");
    assert!((0.85..=1.0).contains(&score), "{score}");
    assert_eq!(hit["explanation"]["set_aside"], serde_json::json!(["sa"]));
    assert!(hit["explanation"]["pairs"].as_array().is_some_and(|p| p.len() == 4));

    // Text output names the entry and the pairs.
    let output = in_workspace(&ws, &pass, &["screening", "check", "--name", "Aerocaribbean Airlines"]);
    let text = stdout(&output);
    assert!(text.contains("OFAC SDN list 36  AEROCARIBBEAN AIRLINES"), "{text}");
    assert!(text.contains("pairs aerocaribbean~aerocaribbean 1.00"), "{text}");

    // A batch: one JSON object per line, in the file's order, each with its hits.
    let batch = dir.path().join("intake.csv");
    std::fs::write(
        &batch,
        "name,type,country,dob\nOlivia Whitfield,individual,GB,1988-04-02\nNational Bank of Cuba,entity,CU,\n王伟,individual,CN,\n",
    )
    .expect("write");
    let output =
        in_workspace(&ws, &pass, &["screening", "check", "--file", &batch.to_string_lossy(), "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let lines: Vec<serde_json::Value> =
        stdout(&output).lines().map(|l| serde_json::from_str(l).expect("a JSON object per line")).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["name"], "Olivia Whitfield");
    assert_eq!(lines[0]["hits"], serde_json::json!([]));
    assert_eq!(lines[1]["hits"][0]["entry_id"], "306");

    // The IP database of the jurisdiction check: a .mmdb file (the public-domain one the UI's
    // npm install brings); a file that is not one is refused by name.
    let mmdb = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("ui/node_modules/@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb");
    let output =
        in_workspace(&ws, &pass, &["screening", "ipdb", "--import", &mmdb.to_string_lossy(), "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let ipdb: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(ipdb["active"], true);
    let output = in_workspace(&ws, &pass, &["screening", "ipdb", "--import", &batch.to_string_lossy()]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("intake.csv") && stderr(&output).contains("not an IP-to-country"),
        "{}",
        stderr(&output)
    );

    // A bad batch names the row and column and checks nothing.
    std::fs::write(&batch, "name,type\nAna,robot\n").expect("write");
    let output =
        in_workspace(&ws, &pass, &["screening", "check", "--file", &batch.to_string_lossy(), "--json"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("row 2, column type"), "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
}

#[test]
fn an_officer_records_the_template_measure_lists_it_and_extends_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, pass) = new_workspace(dir.path());
    let template = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/templates/special-measure.toml");
    let output = in_workspace(&ws, &pass, &["measures", "add", template, "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let m: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(m["kind"], "prohibit_opening");
    assert_eq!(m["persons"].as_array().map(Vec::len), Some(2));
    assert_eq!(m["effective_derived"], true, "the template leaves the dates to the pack");
    let id = m["id"].as_str().expect("id").to_owned();

    let output = in_workspace(&ws, &pass, &["measures", "list", "--json"]);
    let all: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(all.as_array().map(Vec::len), Some(1));
    let end: String = all[0]["current_end"].as_str().expect("end").to_owned();

    let output =
        in_workspace(&ws, &pass, &["measures", "extend", &id, "--citation", "92 FR 77", "--until", &end]);
    assert!(!output.status.success(), "an extension must move the end");
    assert!(stderr(&output).contains("must be after the current end"), "{}", stderr(&output));
    let output = in_workspace(
        &ws,
        &pass,
        &["measures", "extend", &id, "--citation", "92 FR 77", "--until", "2031-01-01"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("to 2031-01-01"), "{}", stdout(&output));

    // A file with a bad key is named by line and key; nothing is recorded.
    let bad = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(template)
        .expect("read")
        .replace("kind = \"prohibit_opening\"", "kind = \"ban\"");
    std::fs::write(&bad, text).expect("write");
    let output = in_workspace(&ws, &pass, &["measures", "add", &bad.to_string_lossy()]);
    assert!(!output.status.success());
    let line = std::fs::read_to_string(template)
        .expect("read")
        .lines()
        .position(|l| l.starts_with("kind ="))
        .expect("kind")
        + 1;
    assert!(stderr(&output).contains(&format!("bad.toml, line {line}, key kind")), "{}", stderr(&output));
    let output = in_workspace(&ws, &pass, &["measures", "list", "--json"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&stdout(&output)).expect("json").as_array().map(Vec::len),
        Some(1)
    );
}
