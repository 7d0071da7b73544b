//! The TOML files officers write (assessments, exemptions): read into their types with every
//! date accepted as TOML's own date (`2026-10-01`) or as a quoted string, and a problem named by
//! its line (syntax) or its field path (`findings[1].severity`).

use serde::de::DeserializeOwned;

use crate::error::CoreError;

/// Reads `text` as a `T`.
///
/// # Errors
/// [`CoreError::Invalid`]: field `file` with the line of a syntax error, or the path of the
/// field whose value does not fit.
pub fn from_toml<T: DeserializeOwned>(text: &str) -> Result<T, CoreError> {
    let mut value: toml::Value = toml::from_str(text).map_err(|e| {
        let reason = e.message().to_owned();
        let line = e.span().map(|s| text[..s.start.min(text.len())].lines().count().max(1));
        CoreError::invalid("file", line.map_or(reason.clone(), |n| format!("line {n}: {reason}")))
    })?;
    dates_as_text(&mut value);
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = Some(e.path().to_string()).filter(|p| !p.is_empty() && p != ".");
        let message = e.into_inner().to_string().trim().to_owned();
        match (message.strip_prefix("missing field `").and_then(|m| m.strip_suffix('`')), path) {
            (Some(field), None) => CoreError::invalid(field, "is missing"),
            (Some(field), Some(path)) => CoreError::invalid(format!("{path}.{field}"), "is missing"),
            (None, path) => CoreError::invalid(path.unwrap_or_else(|| "file".to_owned()), message),
        }
    })
}

fn dates_as_text(value: &mut toml::Value) {
    match value {
        toml::Value::Datetime(d) => *value = toml::Value::String(d.to_string()),
        toml::Value::Array(items) => items.iter_mut().for_each(dates_as_text),
        toml::Value::Table(table) => table.iter_mut().for_each(|(_, v)| dates_as_text(v)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Dated {
        on: chrono::NaiveDate,
        list: Vec<Item>,
    }

    #[derive(Debug, serde::Deserialize)]
    struct Item {
        #[expect(dead_code, reason = "read only to be checked")]
        n: u8,
    }

    #[test]
    fn dates_are_read_either_way_and_problems_are_named() {
        let quoted: Dated = from_toml("on = \"2026-10-01\"\nlist = []\n").expect("quoted");
        let bare: Dated = from_toml("on = 2026-10-01\nlist = []\n").expect("bare");
        assert_eq!(quoted.on, bare.on);
        assert!(quoted.list.is_empty() && bare.list.is_empty());
        let err = from_toml::<Dated>("on = 2026-10-01\nlist = [{ n = 300 }]\n").expect_err("too big");
        assert!(err.to_string().contains("list[0].n"), "{err}");
        let err = from_toml::<Dated>("list = []\n").expect_err("missing");
        assert!(err.to_string().contains("on: is missing"), "{err}");
        let err = from_toml::<Dated>("on = \n").expect_err("syntax");
        assert!(err.to_string().contains("line 1"), "{err}");
    }
}
