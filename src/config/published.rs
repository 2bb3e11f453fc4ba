//! The public register's settings: how often its open data files are
//! built (`REDRESS_OPEN_DATA_EVERY`).

use super::{ConfigError, Env};

const NAME: &str = "REDRESS_OPEN_DATA_EVERY";

/// `REDRESS_OPEN_DATA_EVERY` (minutes, 15): how often this instance builds
/// `/cases.csv`, `/cases.json` and `/cases/merchants.json` again (and at
/// start when they are missing or older than that). `0`: it never builds
/// them (another instance sharing the data folder does).
pub(super) fn open_data_every<F: Fn(&str) -> Option<String>>(
    env: &Env<F>,
) -> Result<Option<std::time::Duration>, ConfigError> {
    match env.get(NAME) {
        None => Ok(Some(std::time::Duration::from_secs(15 * 60))),
        Some(v) => match v.trim().parse::<u64>() {
            Ok(0) => Ok(None),
            Ok(n) if n <= 24 * 60 => Ok(Some(std::time::Duration::from_secs(n * 60))),
            _ => Err(ConfigError { name: NAME, problem: format!("{v:?} is not a number of minutes (0 to 1440)") }),
        },
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use std::time::Duration;

    #[test]
    fn the_open_data_is_built_every_quarter_of_an_hour_unless_told() {
        assert_eq!(Config::from_lookup(|_| None).unwrap().open_data_every, Some(Duration::from_secs(900)));
        let with = |v: &'static str| Config::from_lookup(move |k| (k == super::NAME).then(|| v.into()));
        assert_eq!(with("5").unwrap().open_data_every, Some(Duration::from_secs(300)));
        assert_eq!(with("0").unwrap().open_data_every, None);
        for bad in ["-1", "soon", "1441"] {
            assert_eq!(with(bad).unwrap_err().name, super::NAME, "{bad}");
        }
    }
}
