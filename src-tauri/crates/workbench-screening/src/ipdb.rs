//! The offline IP-to-country database (R22's jurisdiction check): a MaxMind DB file (`.mmdb`)
//! mapping address ranges to ISO 3166-1 countries, such as the public-domain (CC0)
//! `geo-whois-asn-country` database. The officer imports a file; its version is recorded like a
//! list's (SHA-256, build date, type), and each logged IP address is looked up in it.

use std::net::IpAddr;

use sha2::{Digest, Sha256};

use crate::lists::ListError;

/// An IP-to-country database, read and checked.
pub struct IpCountries {
    reader: maxminddb::Reader<Vec<u8>>,
    sha256: String,
}

impl std::fmt::Debug for IpCountries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IpCountries").field("sha256", &self.sha256).finish_non_exhaustive()
    }
}

/// The record shapes of country databases: `{country_code}` (ip-location-db) or
/// `{country: {iso_code}}` (GeoLite2/GeoIP2).
#[derive(serde::Deserialize)]
struct Record<'a> {
    #[serde(borrow, default)]
    country_code: Option<&'a str>,
    #[serde(borrow, default)]
    country: Option<Country<'a>>,
}

#[derive(serde::Deserialize)]
struct Country<'a> {
    #[serde(borrow, default)]
    iso_code: Option<&'a str>,
}

impl IpCountries {
    /// Reads a database from its bytes; `file` names it in errors. Refused when the bytes are
    /// not a MaxMind DB, or when it answers no country for well-known addresses.
    pub fn from_bytes(file: &str, bytes: Vec<u8>) -> Result<Self, ListError> {
        let fail = |problem: String| ListError { file: file.to_owned(), line: 0, column: None, problem };
        let sha256 = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        let reader = maxminddb::Reader::from_source(bytes)
            .map_err(|e| fail(format!("is not an IP-to-country database (MaxMind DB format): {e}")))?;
        let db = Self { reader, sha256 };
        // A country database answers for a public resolver's address; a city or ASN-only one
        // without country codes does not.
        if db.country("8.8.8.8".parse().map_err(|_| fail("probe".into()))?).is_none() {
            return Err(fail(format!(
                "holds no country for 8.8.8.8: a {} database, not an IP-to-country one",
                db.database_type()
            )));
        }
        Ok(db)
    }

    /// SHA-256 of the file.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The database type its metadata states.
    pub fn database_type(&self) -> String {
        self.reader.metadata().database_type.clone()
    }

    /// When the database was built (UTC date).
    pub fn built_on(&self) -> Option<chrono::NaiveDate> {
        chrono::DateTime::from_timestamp(self.reader.metadata().build_epoch as i64, 0).map(|t| t.date_naive())
    }

    /// The ISO 3166-1 alpha-2 country of an address, if the database places it.
    pub fn country(&self, ip: IpAddr) -> Option<String> {
        let result = self.reader.lookup(ip).ok()?;
        let record: Record<'_> = result.decode().ok().flatten()?;
        record
            .country_code
            .or_else(|| record.country.and_then(|c| c.iso_code))
            .filter(|c| c.len() == 2)
            .map(str::to_ascii_uppercase)
    }
}
