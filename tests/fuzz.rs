//! Proptest at scale: the form parser, every validator and the register's
//! scrubber fed hostile input for a bounded time (`REDRESS_FUZZ_SECONDS`
//! per target; 1 s under a plain `cargo test`, longer in CI). Each must
//! never panic, and what it accepts must validate again to the same thing:
//! a stored value that no longer passes its own check would be a complaint
//! nobody can edit or resend. What the scrubber gives back it must give
//! back unchanged, with no mobile number left in it.
//!
//! A failure prints the smallest input proptest shrank it to, and the seed
//! (`REDRESS_FUZZ_SEED=…` runs that round again).

use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use redress::domain::amount::{format_yuan, parse_yuan};
use redress::domain::complaint::{ComplaintForm, Field};
use redress::domain::contact::{Email, Phone};
use redress::domain::conversation::{ProposalForm, ReplyForm};
use redress::domain::credit_code::CreditCode;
use redress::domain::limit::RateLimits;
use redress::domain::merchant::MerchantForm;
use redress::domain::register::scrub::scrub;
use redress::service::evidence::{Upload, inspect, prepare};
use redress::web::form;

/// Strings people and scripts send: any text, control characters,
/// full-width digits, digits with separators, e-mail-like text, and
/// percent-encoding.
fn nasty() -> BoxedStrategy<String> {
    prop_oneof![
        "\\PC{0,40}",
        ".{0,40}",
        "[0-9０-９ +\\-().\u{3000}]{0,20}",
        "[A-Za-z0-9@._%+\\-]{0,30}",
        "[%0-9A-Fa-f&=+]{0,30}",
        "[0-9.,¥￥ \\-]{0,12}",
    ]
    .boxed()
}

fn complaint_form() -> impl Strategy<Value = ComplaintForm> {
    let slugs = prop_oneof!["[a-z_]{0,20}", Just("false_advertising".to_owned()), Just("refund".to_owned())];
    ((nasty(), nasty(), slugs.clone(), slugs, nasty()), (nasty(), "\\PC{0,2100}", nasty(), nasty(), nasty())).prop_map(
        |((merchant, order_ref, category, desired_resolution, amount), (_, description, n, p, e))| ComplaintForm {
            merchant,
            order_ref,
            category,
            desired_resolution,
            amount,
            description,
            consumer_name: n,
            consumer_phone: p,
            consumer_email: e,
            publish: String::new(),
        },
    )
}

/// Runs `test` on values of `strategy` until `budget` has passed, in
/// rounds of fresh seeds; returns how many cases ran.
fn fuzz<S: Strategy>(
    name: &str,
    budget: Duration,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) -> Result<u64, String> {
    let started = Instant::now();
    let fixed: Option<u64> = std::env::var("REDRESS_FUZZ_SEED").ok().and_then(|s| s.parse().ok());
    let mut cases = 0u64;
    let mut round = 0u64;
    while started.elapsed() < budget || cases == 0 {
        let seed = fixed.unwrap_or_else(|| {
            let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
            nanos as u64 ^ round.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        });
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
        let config = Config { cases: 500, failure_persistence: None, ..Config::default() };
        let mut runner = TestRunner::new_with_rng(config, rng);
        runner.run(&strategy, &test).map_err(|e| format!("{name}: {e}\n  again with REDRESS_FUZZ_SEED={seed}"))?;
        cases += 500;
        round += 1;
        if fixed.is_some() {
            break;
        }
    }
    Ok(cases)
}

fn main() {
    let seconds: u64 = std::env::var("REDRESS_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    let budget = Duration::from_secs(seconds);
    let mut failed = Vec::new();
    let mut report = |name: &str, outcome: Result<u64, String>| match outcome {
        Ok(cases) => println!("fuzz {name}: {cases} cases, no failure"),
        Err(e) => {
            println!("fuzz {name}: FAILED\n{e}");
            failed.push(name.to_owned());
        }
    };

    report(
        "form::parse (any bytes)",
        fuzz("form::parse", budget, prop::collection::vec(any::<u8>(), 0..300), |body| {
            let _ = form::parse(&body);
            Ok(())
        }),
    );
    report(
        "form::parse (encoded fields round trip)",
        fuzz("form round trip", budget, prop::collection::vec(("[a-z_]{1,12}", nasty()), 0..10), |fields| {
            let body = fields.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&");
            let repeated = fields.iter().enumerate().any(|(i, (k, _))| fields[..i].iter().any(|(k2, _)| k2 == k));
            match form::parse(body.as_bytes()) {
                // A field sent twice is refused: which one would count?
                Err(_) if repeated => {}
                Err(e) => return Err(TestCaseError::fail(format!("refused a well-formed body: {e}"))),
                Ok(_) if repeated => return Err(TestCaseError::fail("a repeated field was accepted")),
                Ok(form) => {
                    for (k, v) in &fields {
                        prop_assert_eq!(&form.get(k), v);
                    }
                }
            }
            Ok(())
        }),
    );
    report(
        "form::parse (only well-formed escapes accepted)",
        fuzz("form escapes", budget, "[a-z=&%+0-9A-Fa-f\\-]{0,24}", |body| {
            if form::parse(body.as_bytes()).is_ok() {
                let bytes = body.as_bytes();
                for (i, _) in body.match_indices('%') {
                    let escape = bytes.get(i + 1..i + 3);
                    prop_assert!(
                        escape.is_some_and(|e| e.iter().all(u8::is_ascii_hexdigit)),
                        "accepted a malformed escape at {}",
                        i
                    );
                }
            }
            Ok(())
        }),
    );
    report(
        "ComplaintForm::validate",
        fuzz("complaint", budget, complaint_form(), |form| {
            match form.validate() {
                Err(errors) => {
                    prop_assert!(!errors.is_empty());
                    for (field, _) in &errors.0 {
                        prop_assert!(Field::from_slug(field.slug()).is_some());
                    }
                }
                Ok(valid) => {
                    // What is stored passes again, unchanged.
                    let again = ComplaintForm {
                        merchant: valid.merchant_id.to_string(),
                        order_ref: valid.order_ref.clone(),
                        category: valid.category.slug().into(),
                        desired_resolution: valid.desired_resolution.slug().into(),
                        amount: valid.amount_fen.map(format_yuan).unwrap_or_default(),
                        description: valid.description.clone(),
                        consumer_name: valid.consumer_name.clone(),
                        consumer_phone: valid
                            .consumer_phone
                            .as_ref()
                            .map(|p| p.as_str().to_owned())
                            .unwrap_or_default(),
                        consumer_email: valid
                            .consumer_email
                            .as_ref()
                            .map(|e| e.as_str().to_owned())
                            .unwrap_or_default(),
                        publish: if valid.publish { "1" } else { "" }.into(),
                    }
                    .validate()
                    .map_err(|e| TestCaseError::fail(format!("stored value refused: {e:?}")))?;
                    prop_assert_eq!(format!("{again:?}"), format!("{valid:?}"));
                }
            }
            Ok(())
        }),
    );
    report(
        "Phone::parse, Email::parse, CreditCode::parse, parse_yuan",
        fuzz("contact", budget, nasty(), |raw| {
            if let Some(phone) = Phone::parse(&raw) {
                prop_assert_eq!(Phone::parse(phone.as_str()), Some(phone.clone()));
                let _ = Phone::masked(phone.as_str());
            }
            let _ = Phone::masked(&raw);
            if let Some(email) = Email::parse(&raw) {
                prop_assert_eq!(Email::parse(email.as_str()), Some(email.clone()));
            }
            if let Ok(code) = CreditCode::parse(&raw) {
                prop_assert_eq!(CreditCode::parse(code.as_str()).ok(), Some(code.clone()));
            }
            if let Ok(fen) = parse_yuan(&raw) {
                prop_assert!(fen >= 0);
                prop_assert_eq!(parse_yuan(&format_yuan(fen)).ok(), Some(fen));
            }
            Ok(())
        }),
    );
    report(
        "ReplyForm, ProposalForm, MerchantForm, RateLimits, passwords",
        fuzz("others", budget, (nasty(), nasty(), nasty(), "\\PC{0,2100}"), |(a, b, c, long)| {
            let _ = ReplyForm { body: long.clone(), visibility: a.clone() }.validate();
            let _ = ProposalForm { resolution: a.clone(), amount: b.clone(), body: long.clone() }.validate();
            let merchant = MerchantForm {
                name: a.clone(),
                credit_code: b.clone(),
                email: c.clone(),
                shop_url: long.clone(),
                phone: a.clone(),
                categories: vec![a.clone(), c.clone()],
                qualification: b.clone(),
            };
            let _ = merchant.validate(true);
            let _ = RateLimits::parse(&a);
            let _ = redress::domain::staff::check_password(&long);
            Ok(())
        }),
    );

    report(
        "evidence: sniffing and images decoded from hostile bytes",
        fuzz(
            "evidence",
            budget,
            (
                prop_oneof![
                    Just(&b"\xFF\xD8\xFF"[..]),
                    Just(&b"\x89PNG\r\n\x1a\n"[..]),
                    Just(&b"RIFF\0\0\0\0WEBPVP8 "[..]),
                    Just(&b"%PDF-"[..]),
                    Just(&b""[..])
                ],
                prop::collection::vec(any::<u8>(), 0..400),
            ),
            |(magic, rest)| {
                let mut bytes = magic.to_vec();
                bytes.extend(rest);
                // Refused or made anew: never a panic, whatever the bytes.
                let upload = Upload { name: "x".into(), bytes };
                if let Ok(plan) = inspect(&upload)
                    && let Ok(ready) = prepare(&upload, plan)
                    && ready.kind.is_image()
                {
                    prop_assert!(image::load_from_memory(&ready.bytes).is_ok(), "what is stored can be read");
                }
                Ok(())
            },
        ),
    );
    report("multipart bodies (the evidence forms)", multipart(budget));
    report(
        "register::scrub (never panics, idempotent, no mobile number left)",
        fuzz("scrub", budget, (scrub_text(), prop::collection::vec(nasty(), 0..3)), |(text, names)| {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let once = scrub(&text, &names);
            prop_assert_eq!(&scrub(&once, &names), &once, "scrubbing again changed it");
            prop_assert!(!has_mobile(&once), "a mobile number is left in {:?}", once);
            Ok(())
        }),
    );

    if !failed.is_empty() {
        eprintln!("fuzzing found failures in: {}", failed.join(", "));
        std::process::exit(1);
    }
}

/// Text for the scrubber: anything, and complaint-like text with mobile
/// numbers spelled every way, keywords and markers among Chinese words.
fn scrub_text() -> BoxedStrategy<String> {
    let mobile =
        ("1[3-9][0-9]{9}", prop_oneof![Just(""), Just("+86"), Just("0086 "), Just("(+86)")], "[ \\-.\u{3000}]{0,2}")
            .prop_map(|(d, prefix, sep)| format!("{prefix}{}{sep}{}{sep}{}", &d[..3], &d[3..7], &d[7..]));
    let wide = "1[3-9][0-9]{9}".prop_map(|d| d.chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap()).collect());
    let piece = prop_oneof![
        "[一-龥，。：]{0,8}",
        mobile,
        wide,
        nasty(),
        prop::sample::select(vec![
            "电话",
            "手机号：",
            "微信",
            "vx",
            "QQ",
            "订单号",
            "单号",
            "客服",
            "小王",
            "地址：",
            "上海市浦东新区",
            "路",
            "88号",
            "5栋",
            "[手机号]",
            "[姓名]",
            "@",
            "qq.com",
            "https://",
            "/",
            "?id=",
            "x",
            "X",
            "TS2026",
        ])
        .prop_map(str::to_owned),
    ];
    prop_oneof!["\\PC{0,200}", prop::collection::vec(piece, 0..12).prop_map(|p| p.concat())].boxed()
}

/// A mainland mobile number among the runs of digits and separators of
/// `s` (full-width digits read as digits).
fn has_mobile(s: &str) -> bool {
    let folded: String = s
        .chars()
        .map(|c| match c {
            '０'..='９' | '－' | '．' | '（' | '）' | '＋' => char::from_u32(c as u32 - 0xFEE0).unwrap(),
            '\u{3000}' => ' ',
            c => c,
        })
        .collect();
    folded.split(|c: char| !(c.is_ascii_digit() || " \t-.()+".contains(c))).any(|run| {
        let d: String = run.chars().filter(char::is_ascii_digit).collect();
        let d = d
            .strip_prefix("0086")
            .filter(|_| d.len() == 15)
            .or(d.strip_prefix("86").filter(|_| d.len() == 13))
            .unwrap_or(&d);
        d.len() == 11 && d.starts_with('1') && matches!(d.as_bytes()[1], b'3'..=b'9')
    })
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A multipart body with `fields` and `files` (as `evidence`), its parts
/// cut, doubled or corrupted by `damage`.
fn multipart_body(fields: &[(String, String)], files: &[(String, Vec<u8>)], damage: &[(usize, u8)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--B0undary\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    for (file, bytes) in files {
        body.extend(
            format!("--B0undary\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"{file}\"\r\n\r\n")
                .bytes(),
        );
        body.extend(bytes);
        body.extend(b"\r\n");
    }
    body.extend(b"--B0undary--\r\n");
    for (at, byte) in damage {
        if !body.is_empty() {
            let i = at % body.len();
            body[i] = *byte;
        }
    }
    body
}

/// The multipart reader under well-formed and damaged bodies: it answers
/// with the fields and files sent, or refuses (400, 413); never a panic,
/// never another error.
fn multipart(budget: Duration) -> Result<u64, String> {
    use actix_web::FromRequest;
    use redress::error::AppError;
    let system = actix_web::rt::System::new();
    let strategy = (
        // Field names never "evidence" (no v); file names as browsers send
        // them (a quote or a backslash comes percent-encoded).
        prop::collection::vec(("[a-d_]{1,10}", "\\PC{0,30}"), 0..5),
        prop::collection::vec(("[\\p{L}\\p{N} ._()（）-]{0,20}", prop::collection::vec(any::<u8>(), 0..200)), 0..4),
        prop::collection::vec((any::<usize>(), any::<u8>()), 0..3),
    );
    fuzz("multipart", budget, strategy, |(fields, files, damage)| {
        let body = multipart_body(&fields, &files, &damage);
        let (req, mut payload) = actix_web::test::TestRequest::post()
            .insert_header(("content-type", "multipart/form-data; boundary=B0undary"))
            .set_payload(body)
            .to_http_parts();
        let result = system.block_on(async {
            let payload = actix_web::web::Payload::from_request(&req, &mut payload).await.unwrap();
            form::read_with_files(&req, payload, "evidence").await
        });
        match result {
            Ok((form, uploads)) if damage.is_empty() => {
                let unique = fields.iter().enumerate().all(|(i, (k, _))| !fields[..i].iter().any(|(k2, _)| k2 == k));
                prop_assert!(unique, "a repeated field was accepted");
                for (k, v) in &fields {
                    prop_assert_eq!(&form.get(k), v);
                }
                let sent: Vec<&Vec<u8>> =
                    files.iter().filter(|(n, b)| !(n.is_empty() && b.is_empty())).map(|(_, b)| b).collect();
                prop_assert_eq!(uploads.len(), sent.len());
                for (u, b) in uploads.iter().zip(sent) {
                    prop_assert_eq!(&u.bytes, b);
                }
            }
            Ok(_) | Err(AppError::BadRequest(_)) | Err(AppError::PayloadTooLarge) => {}
            Err(e) => return Err(TestCaseError::fail(format!("unexpected answer: {e}"))),
        }
        Ok(())
    })
}
