//! Tencent Cloud SMS, `SendSms` (API version 2021-01-11), signed with
//! `TC3-HMAC-SHA256` ([`super::tc3`]).
//!
//! `SMS_URL` names the account, in one line:
//!
//! ```text
//! tencent://SECRET_ID:SECRET_KEY@sms.tencentcloudapi.com/?app=1400000000&sign=售后督办&template=123456&region=ap-guangzhou
//! ```
//!
//! - `SECRET_ID:SECRET_KEY`: an API key (percent-encode any `@ : /` in it);
//! - the host: the API's endpoint (`tencent+http://` speaks plain HTTP, for
//!   a test server only);
//! - `app`: the SMS application's `SmsSdkAppId`; `sign`: the approved sign
//!   name (`SignName`), which Tencent puts in front of every text;
//! - `template`: the approved template every notice is sent with; it has
//!   one parameter, `{1}`, which is the whole text of the notice;
//! - `template.<kind>` (optional, e.g. `template.receipt=234567`): another
//!   template, also with the one parameter, for notices of that kind;
//! - `region` (default `ap-guangzhou`).
//!
//! The answer: `SendStatusSet[0].Code == "Ok"` is delivered; throttling
//! (`LimitExceeded.*`, `RequestLimitExceeded`), Tencent's internal errors,
//! HTTP 5xx, timeouts and unreachable endpoints are worth trying again;
//! every other code (a wrong number, an unapproved template, a bad key…)
//! is not.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::tc3;
use crate::mail::transport::SendError;

/// Every request is answered or given up within this.
const TIMEOUT: Duration = Duration::from_secs(10);
const CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// An account, as `SMS_URL` gives it.
pub struct Tencent {
    /// `https` or `http`.
    scheme: &'static str,
    host: String,
    secret_id: String,
    secret_key: String,
    pub app: String,
    pub sign: String,
    pub template: String,
    /// Templates by the notice kind they are for.
    pub templates: BTreeMap<String, String>,
    pub region: String,
    agent: ureq::Agent,
}

/// Never the secret key.
impl std::fmt::Debug for Tencent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tencent")
            .field("endpoint", &format_args!("{}://{}", self.scheme, self.host))
            .field("secret_id", &self.secret_id)
            .field("app", &self.app)
            .field("sign", &self.sign)
            .field("template", &self.template)
            .field("templates", &self.templates)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

impl Tencent {
    /// Reads `SMS_URL`; the error says what is wrong, never the key.
    pub fn parse(url: &str) -> Result<Tencent, String> {
        let bad = |what: &str| format!("SMS_URL: {what}");
        let (scheme, rest) = if let Some(rest) = url.strip_prefix("tencent://") {
            ("https", rest)
        } else if let Some(rest) = url.strip_prefix("tencent+http://") {
            ("http", rest)
        } else {
            let shown = url.split_once("://").map_or("(none)", |(s, _)| s);
            return Err(bad(&format!("the scheme {shown:?} is not tencent:// or tencent+http://")));
        };
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        let (user, host) = authority.rsplit_once('@').ok_or_else(|| bad("no SECRET_ID:SECRET_KEY@ before the host"))?;
        let (id, key) = user.split_once(':').ok_or_else(|| bad("no :SECRET_KEY after the SECRET_ID"))?;
        let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8().map(|s| s.into_owned());
        let secret_id = decode(id).map_err(|_| bad("the SECRET_ID is not UTF-8"))?;
        let secret_key = decode(key).map_err(|_| bad("the SECRET_KEY is not UTF-8"))?;
        if secret_id.is_empty() || secret_key.is_empty() {
            return Err(bad("the SECRET_ID and the SECRET_KEY must not be empty"));
        }
        if host.is_empty() || host.contains(char::is_whitespace) {
            return Err(bad("no host (e.g. sms.tencentcloudapi.com)"));
        }
        // The signature covers the Host header as sent, which leaves out
        // the scheme's own port.
        let default_port = if scheme == "https" { ":443" } else { ":80" };
        let host = host.strip_suffix(default_port).unwrap_or(host);
        let query = tail.strip_prefix('/').unwrap_or(tail);
        let query = match query.strip_prefix('?') {
            Some(q) => q,
            None if query.is_empty() => "",
            None => return Err(bad("the path must be / (settings go after ?)")),
        };
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).map_err(|e| bad(&e.to_string()))?;
        let (mut app, mut sign, mut template, mut region) = (None, None, None, None);
        let mut templates = BTreeMap::new();
        for (name, value) in pairs {
            let slot = match name.as_str() {
                "app" => &mut app,
                "sign" => &mut sign,
                "template" => &mut template,
                "region" => &mut region,
                other => match other.strip_prefix("template.") {
                    Some(kind) if !kind.is_empty() => {
                        templates.insert(kind.to_owned(), digits(&name, value)?);
                        continue;
                    }
                    _ => {
                        return Err(bad(&format!(
                            "unknown setting {other:?} (app, sign, template, template.<kind>, region)"
                        )));
                    }
                },
            };
            if slot.replace(value).is_some() {
                return Err(bad(&format!("{name} is given twice")));
            }
        }
        let app = digits("app", app.ok_or_else(|| bad("no app= (the SmsSdkAppId)"))?)?;
        let template = digits("template", template.ok_or_else(|| bad("no template= (the default template id)"))?)?;
        let sign = sign.filter(|s| !s.trim().is_empty()).ok_or_else(|| bad("no sign= (the approved sign name)"))?;
        let region = region.unwrap_or_else(|| "ap-guangzhou".into());
        let agent = ureq::Agent::config_builder().timeout_global(Some(TIMEOUT)).http_status_as_error(false).build();
        Ok(Tencent {
            scheme,
            host: host.to_owned(),
            secret_id,
            secret_key,
            app,
            sign,
            template,
            templates,
            region,
            agent: agent.into(),
        })
    }

    /// Where requests go, for the start-up banner (no key in it).
    pub fn endpoint(&self) -> String {
        format!("{}://{}/", self.scheme, self.host)
    }

    /// Sends `text` to the mainland number `to` (11 digits) with the
    /// template for `kind`; `context` (the outbox row's name) comes back in
    /// Tencent's delivery reports.
    pub fn send(&self, to: &str, kind: &str, text: &str, context: &str, now: DateTime<Utc>) -> Result<(), SendError> {
        let template = self.templates.get(kind).unwrap_or(&self.template);
        let body = json!({
            "PhoneNumberSet": [format!("+86{to}")],
            "SmsSdkAppId": self.app,
            "SignName": self.sign,
            "TemplateId": template,
            "TemplateParamSet": [text],
            "SessionContext": context,
        })
        .to_string();
        let timestamp = now.timestamp();
        let authorization = tc3::authorization(&tc3::Signed {
            secret_id: &self.secret_id,
            secret_key: &self.secret_key,
            service: "sms",
            host: &self.host,
            content_type: CONTENT_TYPE,
            timestamp,
            body: body.as_bytes(),
        });
        let answer = self
            .agent
            .post(self.endpoint())
            .header("Content-Type", CONTENT_TYPE)
            .header("Authorization", authorization)
            .header("X-TC-Action", "SendSms")
            .header("X-TC-Version", "2021-01-11")
            .header("X-TC-Timestamp", timestamp.to_string())
            .header("X-TC-Region", &self.region)
            .send(body.as_bytes())
            .and_then(|mut res| Ok((res.status().as_u16(), res.body_mut().read_to_string()?)));
        let outcome = match answer {
            Ok((status, body)) => answered(status, &body),
            Err(e) => Err(SendError { permanent: false, message: format!("SMS provider unreachable: {e}") }),
        };
        // The provider's words may quote the number: never in a log or a page.
        outcome
            .map_err(|e| SendError { message: e.message.replace(to, &crate::domain::contact::Phone::masked(to)), ..e })
    }
}

fn digits(name: &str, value: String) -> Result<String, String> {
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(value)
    } else {
        Err(format!("SMS_URL: {name}={value:?} is not a number"))
    }
}

/// What Tencent's answer (HTTP status, body) means.
pub fn answered(status: u16, body: &str) -> Result<(), SendError> {
    let transient = |message: String| SendError { permanent: false, message };
    if status >= 500 {
        return Err(transient(format!("SMS provider answered HTTP {status}")));
    }
    let Ok(json) = serde_json::from_str::<Value>(body) else {
        let message = format!("SMS provider answered HTTP {status} without JSON");
        return Err(SendError { permanent: (400..500).contains(&status), message });
    };
    let response = &json["Response"];
    let (code, message) = match (&response["Error"], &response["SendStatusSet"][0]) {
        (Value::Object(error), _) => (&error["Code"], &error["Message"]),
        (_, Value::Object(sent)) => (&sent["Code"], &sent["Message"]),
        _ => return Err(transient(format!("SMS provider answered HTTP {status} with neither a status nor an error"))),
    };
    let (code, message) = (code.as_str().unwrap_or(""), message.as_str().unwrap_or(""));
    if code == "Ok" {
        return Ok(());
    }
    Err(SendError { permanent: !worth_retrying(code), message: format!("{code}: {message}") })
}

/// Throttling and Tencent's own trouble pass; nothing else does by itself.
fn worth_retrying(code: &str) -> bool {
    let family = code.split('.').next().unwrap_or(code);
    matches!(family, "LimitExceeded" | "RequestLimitExceeded" | "InternalError")
}

#[cfg(test)]
#[path = "tencent_tests.rs"]
mod tests;
