//! The offline IP-to-country database: the public-domain geo-whois-asn-country MMDB that the UI's
//! npm install brings (`ui/node_modules/@ip-location-db/geo-whois-asn-country-mmdb`).

use std::path::PathBuf;

use workbench_screening::ipdb::IpCountries;

fn mmdb() -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(
        "../../../ui/node_modules/@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb",
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (run `npm ci` in ui/)", path.display()))
}

#[test]
fn addresses_map_to_countries_v4_and_v6() {
    let db = IpCountries::from_bytes("geo-whois-asn-country.mmdb", mmdb()).expect("reads");
    assert_eq!(db.sha256().len(), 64);
    assert!(db.built_on().is_some());
    for (ip, country) in [("8.8.8.8", "US"), ("175.45.176.1", "KP"), ("2001:4860:4860::8888", "US")] {
        assert_eq!(db.country(ip.parse().expect("ip")).as_deref(), Some(country), "{ip}");
    }
    assert_eq!(db.country("10.0.0.1".parse().expect("ip")), None, "private ranges are nowhere");
}

#[test]
fn a_file_that_is_not_one_is_refused_by_name() {
    let err =
        IpCountries::from_bytes("sdn.csv", b"36,\"AEROCARIBBEAN AIRLINES\"".to_vec()).expect_err("not a db");
    assert!(err.to_string().starts_with("sdn.csv"), "{err}");
    assert!(err.problem.contains("not an IP-to-country database"), "{err}");
}
