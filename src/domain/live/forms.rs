//! The merchant's forms for its live rooms, hosts, products and sessions,
//! as typed, and their validation: every field checked at once, each
//! error next to its field. What needs the database (is the room cut, is
//! the product approved) is checked by `service::live`.

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::{HostKind, Platform, ProductCategory};
use crate::domain::complaint::{Field, FieldErrors, Invalid, check};
use crate::domain::text;

pub const NAME_MAX: usize = 60;
pub const ROOM_REF_MAX: usize = 300;
pub const CLAIMS_MAX: usize = 2000;
pub const LICENCE_MAX: usize = 64;
/// A live session lasts at most this long.
pub const SESSION_MAX_HOURS: i64 = 24;
/// A session features at most this many products.
pub const SESSION_PRODUCTS_MAX: usize = 50;

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RoomForm {
    pub platform: String,
    pub name: String,
    pub room_ref: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidRoom {
    pub platform: Platform,
    pub name: String,
    pub room_ref: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct HostForm {
    pub display_name: String,
    pub real_name: String,
    pub kind: String,
    pub agency: String,
    /// A checkbox: sent (any value) when ticked.
    pub medical_staff: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidHost {
    pub display_name: String,
    pub real_name: String,
    pub kind: HostKind,
    pub agency: Option<String>,
    pub medical_staff: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ProductForm {
    pub name: String,
    pub product_category: String,
    pub claims: String,
    pub licence: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidProduct {
    pub name: String,
    pub category: ProductCategory,
    pub claims: String,
    pub licence: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionForm {
    pub room: String,
    pub host: String,
    pub started_at: String,
    pub ended_at: String,
    pub products: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSession {
    pub room_id: i64,
    pub host_id: i64,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub products: Vec<i64>,
}

fn shown(errors: &mut FieldErrors, field: Field, raw: &str, min: usize, max: usize) -> Option<String> {
    check(errors, field, text::clean_shown(raw, min, max, false).map_err(Invalid::from))
}

fn slug<T>(errors: &mut FieldErrors, field: Field, raw: &str, parse: fn(&str) -> Option<T>) -> Option<T> {
    check(
        errors,
        field,
        match raw.trim() {
            "" => Err(Invalid::Required),
            s => parse(s).ok_or(Invalid::UnknownChoice),
        },
    )
}

/// A room's id on its platform (letters, digits, `_-.`) or its link
/// (`http(s)://…` or a host and path such as `douyin.com/live/123`).
fn room_ref(raw: &str) -> Result<String, Invalid> {
    let r = text::clean(raw, 1, ROOM_REF_MAX, false).map_err(Invalid::from)?;
    let rest = r.strip_prefix("https://").or_else(|| r.strip_prefix("http://")).unwrap_or(&r);
    let fine = !rest.is_empty()
        && rest.chars().all(|c| c.is_ascii_alphanumeric() || "-_.~/?=&%#:@+".contains(c))
        && !rest.starts_with(['/', '.']);
    if fine { Ok(r) } else { Err(Invalid::RoomRef) }
}

impl RoomForm {
    pub fn validate(&self) -> Result<ValidRoom, FieldErrors> {
        let mut errors = FieldErrors::default();
        let platform = slug(&mut errors, Field::Platform, &self.platform, Platform::from_slug);
        let name = shown(&mut errors, Field::Name, &self.name, 2, NAME_MAX);
        let room_ref = check(&mut errors, Field::RoomRef, room_ref(&self.room_ref));
        match (platform, name, room_ref) {
            (Some(platform), Some(name), Some(room_ref)) => Ok(ValidRoom { platform, name, room_ref }),
            _ => Err(errors),
        }
    }
}

impl HostForm {
    pub fn validate(&self) -> Result<ValidHost, FieldErrors> {
        let mut errors = FieldErrors::default();
        let display_name = shown(&mut errors, Field::DisplayName, &self.display_name, 1, NAME_MAX);
        let real_name = shown(&mut errors, Field::RealName, &self.real_name, 2, 50);
        let kind = slug(&mut errors, Field::Kind, &self.kind, HostKind::from_slug);
        let agency = match (self.agency.trim(), kind) {
            ("", _) => None,
            (_, Some(HostKind::OwnStaff)) => {
                errors.add(Field::Agency, Invalid::AgencyNotInfluencer);
                None
            }
            (raw, _) => shown(&mut errors, Field::Agency, raw, 2, 100),
        };
        match (display_name, real_name, kind) {
            (Some(display_name), Some(real_name), Some(kind)) if errors.is_empty() => Ok(ValidHost {
                display_name,
                real_name,
                kind,
                agency,
                medical_staff: !self.medical_staff.trim().is_empty(),
            }),
            _ => Err(errors),
        }
    }
}

impl ProductForm {
    pub fn validate(&self) -> Result<ValidProduct, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = shown(&mut errors, Field::Name, &self.name, 2, 100);
        let category = slug(&mut errors, Field::ProductCategory, &self.product_category, ProductCategory::from_slug);
        let claims = check(
            &mut errors,
            Field::Claims,
            text::clean_shown(&self.claims, 2, CLAIMS_MAX, true).map_err(Invalid::from),
        );
        let licence = match self.licence.trim() {
            "" if category.is_some_and(ProductCategory::is_regulated) => {
                errors.add(Field::Licence, Invalid::LicenceRequired);
                None
            }
            "" => None,
            raw => check(&mut errors, Field::Licence, text::clean(raw, 4, LICENCE_MAX, false).map_err(Invalid::from)),
        };
        match (name, category, claims) {
            (Some(name), Some(category), Some(claims)) if errors.is_empty() => {
                Ok(ValidProduct { name, category, claims, licence })
            }
            _ => Err(errors),
        }
    }
}

/// `YYYY-MM-DDTHH:MM` (what `<input type="datetime-local">` sends, seconds
/// allowed) in the deployment's zone, as UTC.
pub fn local_time(raw: &str, tz: Tz) -> Result<DateTime<Utc>, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Invalid::Required);
    }
    let naive = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%d %H:%M"))
        .map_err(|_| Invalid::DateTime)?;
    // A time the clocks skipped is no time; of a repeated one, the first.
    tz.from_local_datetime(&naive).earliest().map(|t| t.with_timezone(&Utc)).ok_or(Invalid::DateTime)
}

fn id(raw: &str) -> Result<i64, Invalid> {
    match raw.trim() {
        "" => Err(Invalid::Required),
        s => s.parse::<i64>().ok().filter(|id| *id > 0).ok_or(Invalid::NotFound),
    }
}

impl SessionForm {
    pub fn validate(&self, tz: Tz) -> Result<ValidSession, FieldErrors> {
        let mut errors = FieldErrors::default();
        let room_id = check(&mut errors, Field::Room, id(&self.room));
        let host_id = check(&mut errors, Field::Host, id(&self.host));
        let started_at = check(&mut errors, Field::StartedAt, local_time(&self.started_at, tz));
        let ended_at = check(&mut errors, Field::EndedAt, local_time(&self.ended_at, tz));
        if let (Some(start), Some(end)) = (started_at, ended_at) {
            if end <= start {
                errors.add(Field::EndedAt, Invalid::EndBeforeStart);
            } else if end - start > Duration::hours(SESSION_MAX_HOURS) {
                errors.add(Field::EndedAt, Invalid::SessionTooLong);
            }
        }
        let mut products = Vec::new();
        for raw in &self.products {
            match id(raw) {
                Ok(p) if !products.contains(&p) => products.push(p),
                Ok(_) => {}
                Err(_) => errors.add(Field::Products, Invalid::NotFound),
            }
        }
        if products.is_empty() {
            errors.add(Field::Products, Invalid::Required);
        } else if products.len() > SESSION_PRODUCTS_MAX {
            errors.add(Field::Products, Invalid::TooLong { max: SESSION_PRODUCTS_MAX });
        }
        match (room_id, host_id, started_at, ended_at) {
            (Some(room_id), Some(host_id), Some(started_at), Some(ended_at)) if errors.is_empty() => {
                Ok(ValidSession { room_id, host_id, started_at, ended_at, products })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_room_needs_a_platform_a_name_and_an_id_or_link() {
        let ok = RoomForm {
            platform: "douyin".into(),
            name: "星河优选直播间".into(),
            room_ref: "https://live.douyin.com/7301928475".into(),
        };
        assert_eq!(ok.validate().unwrap().platform, Platform::Douyin);
        let bare = RoomForm { room_ref: "kuaishou.com/u/meiyantang".into(), ..ok.clone() };
        assert!(bare.validate().is_ok());
        let errors = RoomForm { platform: "tiktok".into(), name: "".into(), room_ref: "<script>".into() }
            .validate()
            .unwrap_err();
        assert_eq!(errors.get(Field::Platform), Some(Invalid::UnknownChoice));
        assert_eq!(errors.get(Field::Name), Some(Invalid::Required));
        assert_eq!(errors.get(Field::RoomRef), Some(Invalid::RoomRef), "all three at once");
        let javascript = RoomForm { room_ref: "javascript:alert(1) x".into(), ..ok };
        assert_eq!(javascript.validate().unwrap_err().get(Field::RoomRef), Some(Invalid::RoomRef));
    }

    #[test]
    fn an_agency_is_for_influencers_and_the_checkbox_declares_medical_staff() {
        let host = HostForm {
            display_name: "颜姐".into(),
            real_name: "陈丽华".into(),
            kind: "influencer".into(),
            agency: "广州颜值传媒".into(),
            medical_staff: "1".into(),
        };
        let valid = host.validate().unwrap();
        assert!(valid.medical_staff && valid.agency.as_deref() == Some("广州颜值传媒"));
        let staff = HostForm { kind: "own_staff".into(), ..host.clone() };
        assert_eq!(staff.validate().unwrap_err().get(Field::Agency), Some(Invalid::AgencyNotInfluencer));
        let unticked = HostForm { medical_staff: String::new(), agency: String::new(), ..host };
        assert_eq!(
            unticked.validate().unwrap(),
            ValidHost {
                display_name: "颜姐".into(),
                real_name: "陈丽华".into(),
                kind: HostKind::Influencer,
                agency: None,
                medical_staff: false
            }
        );
    }

    #[test]
    fn a_regulated_product_needs_its_licence() {
        let p = ProductForm {
            name: "蜂胶软胶囊".into(),
            product_category: "health_food".into(),
            claims: "增强免疫力".into(),
            licence: "".into(),
        };
        assert_eq!(p.validate().unwrap_err().get(Field::Licence), Some(Invalid::LicenceRequired));
        let licensed = ProductForm { licence: " 国食健注G20190123 ".into(), ..p.clone() };
        assert_eq!(licensed.validate().unwrap().licence.as_deref(), Some("国食健注G20190123"));
        let general = ProductForm { product_category: "general".into(), ..p };
        assert_eq!(general.validate().unwrap().licence, None);
    }

    #[test]
    fn a_session_is_read_in_the_deployment_zone_and_ends_after_it_starts() {
        let tz: Tz = "Asia/Shanghai".parse().unwrap();
        let s = SessionForm {
            room: "3".into(),
            host: "4".into(),
            started_at: "2026-12-01T20:00".into(),
            ended_at: "2026-12-01T23:30".into(),
            products: vec!["7".into(), "7".into(), "8".into()],
        };
        let v = s.validate(tz).unwrap();
        assert_eq!(v.started_at.to_rfc3339(), "2026-12-01T12:00:00+00:00");
        assert_eq!(v.products, vec![7, 8], "each product once");
        let backwards = SessionForm { ended_at: "2026-12-01T19:00".into(), ..s.clone() };
        assert_eq!(backwards.validate(tz).unwrap_err().get(Field::EndedAt), Some(Invalid::EndBeforeStart));
        let marathon = SessionForm { ended_at: "2026-12-03T19:00".into(), ..s.clone() };
        assert_eq!(marathon.validate(tz).unwrap_err().get(Field::EndedAt), Some(Invalid::SessionTooLong));
        let empty = SessionForm::default().validate(tz).unwrap_err();
        for f in [Field::Room, Field::Host, Field::StartedAt, Field::EndedAt, Field::Products] {
            assert_eq!(empty.get(f), Some(Invalid::Required), "{f:?}");
        }
        let garbage = SessionForm { started_at: "tomorrow".into(), room: "x".into(), ..s };
        let e = garbage.validate(tz).unwrap_err();
        assert_eq!((e.get(Field::StartedAt), e.get(Field::Room)), (Some(Invalid::DateTime), Some(Invalid::NotFound)));
    }
}
