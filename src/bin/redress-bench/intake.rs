//! What the intake phase sends: a consumer's form session and the
//! complaints, real ones, spread over every merchant.

use crate::load::{Conn, cookie_jar, csrf_field, get, post};

/// A consumer's browser: the form's CSRF cookie and its hidden token.
pub struct FormSession {
    cookies: String,
    token: String,
}

pub fn form_session(conn: &mut Conn, _: usize) -> FormSession {
    let page = conn.send(&get("/complaints/new", "")).expect("the complaint form");
    assert_eq!(page.status, 200, "the complaint form answers");
    let token = csrf_field(&page.body).expect("the form carries a CSRF token");
    FormSession { cookies: cookie_jar(&page.set_cookies), token }
}

pub fn form_session_none(_: &mut Conn, _: usize) -> FormSession {
    FormSession { cookies: "redress_csrf=none".into(), token: "none".into() }
}

/// The `n`th complaint of worker `w`: a real one, Chinese text and all,
/// against a merchant spread over all of them.
pub fn intake_request(s: &FormSession, w: usize, n: u64, merchants: i64, live_share: u64) -> Vec<u8> {
    let k = (w as u64) * 1_000_003 + n * 7_919;
    let merchant = (1 + k % merchants as u64).to_string();
    // The seed gives each merchant a product and a session with its own id.
    let live = (k / 7) % 100 < live_share;
    let order = format!("DY{}", 200_000_000 + k);
    let amount = format!("{}.{:02}", 10 + k % 2000, k % 100);
    let phone = format!("139{:08}", k % 100_000_000);
    let email = format!("buyer{k}@example.com");
    post(
        "/complaints",
        &s.cookies,
        &[
            ("csrf_token", &s.token),
            ("merchant", &merchant),
            ("order_ref", &order),
            ("category", if k.is_multiple_of(3) { "false_advertising" } else { "counterfeit" }),
            ("desired_resolution", "return_refund"),
            ("amount", &amount),
            (
                "description",
                "直播间主播承诺“正品保障、假一赔十”，收到的耳机序列号查询不到，客服一直不回复。要求退货退款。",
            ),
            ("consumer_name", "王女士"),
            ("consumer_phone", &phone),
            ("consumer_email", &email),
            ("product", if live { &merchant } else { "" }),
            ("live_session", if live { &merchant } else { "" }),
            // Three in ten agree to publication (the register's row is
            // written with the complaint).
            ("publish", if (k / 11) % 10 < 3 { "1" } else { "" }),
        ],
    )
}
