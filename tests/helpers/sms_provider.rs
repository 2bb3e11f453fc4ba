//! A stand-in for Tencent Cloud SMS on 127.0.0.1: it checks each request's
//! TC3-HMAC-SHA256 signature with its own implementation of Tencent's
//! published algorithm (not the product's signer), answers a bad one as
//! Tencent does (`AuthFailure.SignatureFailure`), and otherwise answers
//! each number as the test scripted it (`Ok` unless told).

#![allow(dead_code)] // tests/browser shares the helpers and uses none of this

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub const SECRET_ID: &str = "AKIDredressTEST";
pub const SECRET_KEY: &str = "redress-test-secret-key";
/// The account the provider knows.
pub const APP: &str = "1400000000";
pub const TEMPLATE: &str = "1000001";

/// One request as the provider saw it.
#[derive(Debug, Clone)]
pub struct Received {
    /// Whether its signature was right (a wrong one is answered with
    /// `AuthFailure.SignatureFailure` and nothing else is looked at).
    pub signed: bool,
    pub phone: String,
    pub app: String,
    pub sign: String,
    pub template: String,
    pub params: Vec<String>,
    pub context: String,
    /// Every header, names lowercased.
    pub headers: HashMap<String, String>,
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    script: HashMap<String, VecDeque<String>>,
}

pub struct SmsProvider {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl SmsProvider {
    pub fn start() -> SmsProvider {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        // Lives as long as the test binary; each test has its own port.
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let _ = serve(stream, &shared);
            }
        });
        SmsProvider { port, state }
    }

    /// `SMS_URL` for this provider with the right key, and `extra` query
    /// settings (`&template.receipt=…`).
    pub fn url(&self, extra: &str) -> String {
        self.url_with_key(SECRET_KEY, extra)
    }

    pub fn url_with_key(&self, key: &str, extra: &str) -> String {
        format!(
            "tencent+http://{SECRET_ID}:{key}@127.0.0.1:{}/?app={APP}&sign=%E5%94%AE%E5%90%8E%E7%9D%A3%E5%8A%9E&template={TEMPLATE}&region=ap-guangzhou{extra}",
            self.port
        )
    }

    /// The next answers for `phone` (`+86…`), in order; `Ok` after them.
    pub fn answer(&self, phone: &str, codes: &[&str]) {
        let mut state = self.state.lock().unwrap();
        state.script.entry(phone.to_owned()).or_default().extend(codes.iter().map(|c| c.to_string()));
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or("").to_owned(), parts.next().unwrap_or("").to_owned());
    let mut headers = HashMap::new();
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        let Some((name, value)) = line.trim_end().split_once(':') else { break };
        headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
    }
    let length: usize = headers.get("content-length").and_then(|l| l.parse().ok()).unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let answer = respond(&method, &target, headers, &body, state);
    let answer = answer.to_string();
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
        answer.len()
    )?;
    stream.flush()
}

fn respond(method: &str, target: &str, headers: HashMap<String, String>, body: &[u8], state: &Mutex<State>) -> Value {
    let request_id = "5b6c1c8e-test";
    let signed = method == "POST" && target == "/" && signature_holds(&headers, body);
    let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
    let received = Received {
        signed,
        phone: text(&json["PhoneNumberSet"][0]),
        app: text(&json["SmsSdkAppId"]),
        sign: text(&json["SignName"]),
        template: text(&json["TemplateId"]),
        params: json["TemplateParamSet"].as_array().map(|a| a.iter().map(text).collect()).unwrap_or_default(),
        context: text(&json["SessionContext"]),
        headers,
    };
    let mut state = state.lock().unwrap();
    let phone = received.phone.clone();
    let context = received.context.clone();
    state.received.push(received);
    if !signed {
        return json!({"Response": {"Error": {
            "Code": "AuthFailure.SignatureFailure",
            "Message": "The provided credentials could not be validated. Please check your signature is correct."
        }, "RequestId": request_id}});
    }
    let code = state.script.get_mut(&phone).and_then(VecDeque::pop_front).unwrap_or_else(|| "Ok".into());
    let message = match code.as_str() {
        "Ok" => "send success",
        "LimitExceeded.PhoneNumberThirtySecondLimit" => "触发30秒频率限制",
        "InvalidParameterValue.IncorrectPhoneNumber" => "手机号格式错误",
        _ => "error",
    };
    json!({"Response": {"SendStatusSet": [{
        "SerialNo": "2645:323360192716594018701",
        "PhoneNumber": phone,
        "Fee": 1,
        "SessionContext": context,
        "Code": code,
        "Message": message,
        "IsoCode": "CN"
    }], "RequestId": request_id}})
}

/// Tencent's signature v3, from its documentation: rebuild the canonical
/// request from what was actually sent (the headers it names, the body),
/// the string to sign from the credential scope and `X-TC-Timestamp`, and
/// compare.
fn signature_holds(headers: &HashMap<String, String>, body: &[u8]) -> bool {
    let Some(auth) = headers.get("authorization") else { return false };
    let Some(rest) = auth.strip_prefix("TC3-HMAC-SHA256 ") else { return false };
    let fields: HashMap<&str, &str> = rest.split(", ").filter_map(|kv| kv.split_once('=')).collect();
    let (Some(credential), Some(signed_headers), Some(signature)) =
        (fields.get("Credential"), fields.get("SignedHeaders"), fields.get("Signature"))
    else {
        return false;
    };
    let mut scope = credential.splitn(4, '/');
    let (Some(id), Some(date), Some(service), Some("tc3_request")) =
        (scope.next(), scope.next(), scope.next(), scope.next())
    else {
        return false;
    };
    let Some(timestamp) = headers.get("x-tc-timestamp").and_then(|t| t.parse::<i64>().ok()) else { return false };
    let day = chrono::DateTime::from_timestamp(timestamp, 0).map(|t| t.format("%Y-%m-%d").to_string());
    if id != SECRET_ID || service != "sms" || day.as_deref() != Some(date) {
        return false;
    }
    if headers.get("x-tc-action").map(String::as_str) != Some("SendSms")
        || headers.get("x-tc-version").map(String::as_str) != Some("2021-01-11")
        || !headers.contains_key("x-tc-region")
    {
        return false;
    }
    let names: Vec<&str> = signed_headers.split(';').collect();
    if !names.contains(&"content-type") || !names.contains(&"host") {
        return false;
    }
    let mut canonical_headers = String::new();
    for name in &names {
        let Some(value) = headers.get(*name) else { return false };
        canonical_headers.push_str(&format!("{name}:{}\n", value.trim().to_ascii_lowercase()));
    }
    let canonical = format!("POST\n/\n\n{canonical_headers}\n{signed_headers}\n{}", hex(&Sha256::digest(body)));
    let string_to_sign = format!(
        "TC3-HMAC-SHA256\n{timestamp}\n{date}/{service}/tc3_request\n{}",
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let k_date = mac(format!("TC3{SECRET_KEY}").as_bytes(), date.as_bytes());
    let k_service = mac(&k_date, service.as_bytes());
    let k_signing = mac(&k_service, b"tc3_request");
    hex(&mac(&k_signing, string_to_sign.as_bytes())) == *signature
}

fn mac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap();
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
