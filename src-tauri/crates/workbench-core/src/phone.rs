//! Telephone numbers (R2: a customer's and an owner's telephone numbers; R17 a reseller contact's;
//! the screening issue's jurisdiction check reads the region).
//!
//! Every phone check in the workbench goes through [`parse`]: form entry, the customers and owners
//! files, reseller contacts. Numbers are read with Google's libphonenumber metadata through the
//! `rlibphonenumber` port, whose patterns are compiled once each and then shared by every thread
//! without a lock. (The `phonenumber` crate used before kept its compiled patterns in one
//! 100-entry cache behind a global mutex: on a file with numbers of many countries they evicted
//! each other and nearly every number recompiled its region's patterns, ~3.9 ms a number.)
//!
//! `tests/fixtures/phones/numbers.tsv` records, for 2,200 numbers of 48 regions written as
//! people write them, what the old crate answered and what Google's libphonenumber answers; the
//! tests below hold this module to both (see that folder's README for the rows where they differ).

use rlibphonenumber::{PhoneNumber, PhoneNumberFormat, Region};

/// A valid telephone number: its E.164 form and the region the number belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    /// `+4915112345678`.
    pub e164: String,
    /// ISO 3166-1 alpha-2 region of the number (`DE`), when the number maps to one region
    /// (non-geographic numbers such as `+800` map to none).
    pub region: Option<String>,
}

/// Reads `text` as a telephone number. `default_country` (ISO 3166-1 alpha-2, any case, may be
/// empty) is the region assumed for a number written without `+` or an international prefix.
/// `None` when the text is not a valid number of any region.
#[must_use]
pub fn parse(text: &str, default_country: &str) -> Option<Phone> {
    let region = Region::from_code(&default_country.trim().to_ascii_uppercase()).ok();
    let number = PhoneNumber::parse(text, region).ok()?;
    if !number.is_valid() {
        return None;
    }
    Some(Phone {
        e164: number.format_as(PhoneNumberFormat::E164).to_string(),
        // libphonenumber names non-geographic numbers' "region" 001: no country.
        region: number
            .get_region_code()
            .map(|r| r.as_region_str().to_string())
            .filter(|r| r.len() == 2 && r.bytes().all(|b| b.is_ascii_uppercase())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One row of the recorded table.
    struct Row<'a> {
        input: &'a str,
        country: &'a str,
        old: (&'a str, &'a str),
        google: (&'a str, &'a str),
    }

    fn table() -> Vec<Row<'static>> {
        include_str!("../../../../tests/fixtures/phones/numbers.tsv")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                assert_eq!(f.len(), 6, "bad fixture row {l:?}");
                Row { input: f[0], country: f[1], old: (f[2], f[3]), google: (f[4], f[5]) }
            })
            .collect()
    }

    fn answer(row: &Row<'_>) -> (String, String) {
        parse(row.input, row.country)
            .map_or_else(Default::default, |p| (p.e164, p.region.unwrap_or_default()))
    }

    #[test]
    fn the_recorded_table_reads_as_the_old_crate_did_and_as_libphonenumber_does_twice_over() {
        let rows = table();
        let regions: std::collections::BTreeSet<&str> =
            rows.iter().map(|r| r.google.1).filter(|r| !r.is_empty()).collect();
        assert!(regions.len() >= 30, "the table covers {} regions", regions.len());
        let mut corrected = 0;
        // Twice: the second pass reads patterns compiled by the first (a cache must not change
        // an answer).
        for pass in 0..2 {
            for row in &rows {
                let got = answer(row);
                let google = (row.google.0.to_owned(), row.google.1.to_owned());
                assert_eq!(got, google, "pass {pass}: {:?} with {:?}", row.input, row.country);
                if row.old != row.google {
                    corrected += usize::from(pass == 0);
                } else {
                    assert_eq!(got, (row.old.0.to_owned(), row.old.1.to_owned()));
                }
            }
        }
        // The rows where phonenumber 0.3.10 and libphonenumber differ are few and listed in the
        // fixture's README; more would mean a different reading of ordinary numbers.
        assert_eq!(corrected, 27, "rows where the old crate's answer was corrected");
        assert!(rows.len() > 2_000);
    }

    #[test]
    fn numbers_of_many_regions_read_on_two_threads_agree() {
        let rows = table();
        let expected: Vec<_> = rows.iter().map(answer).collect();
        std::thread::scope(|s| {
            let workers: Vec<_> = (0..2)
                .map(|k| {
                    let rows = &rows;
                    s.spawn(move || {
                        // Each thread walks the table in its own order.
                        let order: Vec<usize> =
                            if k == 0 { (0..rows.len()).collect() } else { (0..rows.len()).rev().collect() };
                        order.into_iter().map(|i| (i, answer(&rows[i]))).collect::<Vec<_>>()
                    })
                })
                .collect();
            for worker in workers {
                for (i, got) in worker.join().expect("worker") {
                    assert_eq!(got, expected[i]);
                }
            }
        });
    }

    #[test]
    fn default_country_is_read_in_any_case_and_may_be_empty() {
        let de = parse("030 1234567", "de").expect("German number");
        assert_eq!(de.e164, "+49301234567");
        assert_eq!(de.region.as_deref(), Some("DE"));
        assert_eq!(parse("030 1234567", " DE "), Some(de));
        assert_eq!(parse("030 1234567", ""), None, "national form without a region");
        assert_eq!(parse("+49 30 1234567", "zz").map(|p| p.e164).as_deref(), Some("+49301234567"));
        assert_eq!(parse("not a number", "DE"), None);
        assert_eq!(parse("", "DE"), None);
    }

    #[test]
    fn non_geographic_numbers_have_no_region() {
        let freephone = parse("+800 1234 5678", "").expect("universal freephone");
        assert_eq!(freephone.e164, "+80012345678");
        assert_eq!(freephone.region, None);
    }
}
