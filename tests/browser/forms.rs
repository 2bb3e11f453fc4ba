//! The complaint form as people use it: with the keyboard alone, with
//! mistakes, on a phone among thousands of merchants.

use fantoccini::key::Key;

use crate::harness::{Driver, run};
use crate::helpers::spawn_app;

fn key(k: Key) -> String {
    char::from(k).to_string()
}

#[test]
fn a_complaint_can_be_filed_with_the_keyboard_alone() {
    let Some(driver) = Driver::start() else { return };
    let app = spawn_app();
    let merchant = app.merchant("杭州星河优选电子商务有限公司");
    run(async {
        let tab = driver.laptop(&app.base, "keyboard").await;
        tab.open("/complaints/new").await;
        // The first Tab reaches the skip link, which shows itself and
        // jumps past the header.
        tab.press(&key(Key::Tab)).await;
        let (focused, ring) = tab.focus().await;
        assert_eq!(focused, "a.skip");
        assert!(ring, "the focus ring shows on the skip link");
        let (x, _, _, _) = tab.el("a.skip").await.rectangle().await.unwrap();
        assert!(x >= 0.0, "the skip link comes on screen when focused (x = {x})");
        tab.press(&key(Key::Enter)).await;

        // Then field after field, in the order they are read, each with a
        // visible focus ring; a choice is made with the arrow keys.
        let steps: [(&str, String); 14] = [
            ("select#merchant", key(Key::Down)),
            ("input#order_ref", "DY77001".into()),
            ("select#category", key(Key::Down)),
            ("select#desired_resolution", key(Key::Down)),
            ("input#amount", "88.50".into()),
            ("textarea#description", "直播间承诺的赠品没有发。".into()),
            ("input#evidence", String::new()),
            // What happens to the contact details, before they are typed.
            ("a", String::new()),
            ("input#consumer_name", "李雷".into()),
            ("input#consumer_phone", "13912345678".into()),
            ("input#consumer_email", "lilei@example.com".into()),
            // Consent to publication is ticked with the space bar; the
            // link beside it says what publishing means.
            ("input#publish", " ".into()),
            ("a", String::new()),
            ("button.button", key(Key::Enter)),
        ];
        for (expected, typed) in steps {
            tab.press(&key(Key::Tab)).await;
            let (focused, ring) = tab.focus().await;
            assert!(focused.starts_with(expected), "Tab reached {focused}, not {expected}");
            assert!(ring, "no visible focus on {focused}");
            if expected.starts_with("button") {
                let before = tab.el("html").await;
                tab.press(&typed).await;
                tab.settle(before).await;
            } else {
                tab.press(&typed).await;
            }
        }
        assert!(tab.path().await.starts_with("/t/"), "filed: {}", tab.path().await);
        assert_eq!(tab.attr("[data-status]", "data-status").await.as_deref(), Some("submitted"));
        assert!(tab.text("main").await.contains("直播间承诺的赠品没有发。"));
        assert!(tab.text("main").await.contains("杭州星河优选电子商务有限公司"), "merchant {merchant} chosen");
        // The consent ticked with the keyboard was kept: the tracking page
        // offers to withdraw it.
        assert_eq!(tab.count("#register button[name=publish][value='0']").await, 1, "consent given at filing");
        tab.shot("keyboard-filed").await;
        tab.close().await;
    });
}

#[test]
fn mistakes_are_announced_next_to_their_fields_and_nothing_typed_is_lost() {
    let Some(driver) = Driver::start() else { return };
    let app = spawn_app();
    app.merchant("杭州星河优选电子商务有限公司");
    run(async {
        let phone = driver.phone(&app.base, "mistakes", 390).await;
        phone.open("/complaints/new").await;
        // The phone brings up the right keyboard for each field.
        for (field, mode, complete) in [
            ("#consumer_phone", "tel", Some("tel-national")),
            ("#amount", "decimal", Some("off")),
            ("#consumer_email", "email", Some("email")),
        ] {
            assert_eq!(phone.attr(field, "inputmode").await.as_deref(), Some(mode), "{field}");
            assert_eq!(phone.attr(field, "autocomplete").await.as_deref(), complete, "{field}");
        }
        assert_eq!(phone.attr("#consumer_phone", "type").await.as_deref(), Some("tel"));
        assert_eq!(phone.attr("#consumer_name", "autocomplete").await.as_deref(), Some("name"));

        phone.fill("#description", "收到的是假货。").await;
        phone.fill("#consumer_phone", "12345").await;
        phone.click("form.form button[type=submit]").await;
        assert_eq!(phone.path().await, "/complaints");

        // The summary is an alert, takes the focus, and links to each field.
        assert_eq!(phone.attr("#error-summary", "role").await.as_deref(), Some("alert"));
        assert_eq!(phone.focus().await.0, "div#error-summary.alert");
        let links = phone.client.find_all(fantoccini::Locator::Css("#error-summary a")).await.unwrap();
        assert!(links.len() >= 5, "one link per mistake, found {}", links.len());
        // Every field marked invalid points at its message, an alert.
        let unexplained = phone
            .js(r#"return [...document.querySelectorAll('[aria-invalid=true]')].filter(el => {
                const ids = (el.getAttribute('aria-describedby') || '').split(' ');
                return !ids.some(id => { const m = document.getElementById(id);
                  return m && m.getAttribute('role') === 'alert' && m.textContent.trim() !== ''; });
              }).map(el => el.id);"#)
            .await;
        assert_eq!(unexplained, serde_json::json!([]), "invalid fields without an announced message");
        let invalid = phone.js("return document.querySelectorAll('[aria-invalid=true]').length;").await;
        assert!(invalid.as_u64().unwrap() >= 5, "{invalid}");
        assert!(phone.text("#consumer_phone-error").await.contains("手机"), "the phone's message says what is wrong");
        // What was typed is still there.
        assert_eq!(phone.el("#description").await.prop("value").await.unwrap().as_deref(), Some("收到的是假货。"));
        assert_eq!(phone.el("#consumer_phone").await.prop("value").await.unwrap().as_deref(), Some("12345"));
        phone.audit().await;
        phone.shot("mistakes-announced").await;

        // A summary link takes the focus to its field.
        phone.el("#error-summary a[href='#consumer_phone']").await.click().await.unwrap();
        assert_eq!(phone.focus().await.0, "input#consumer_phone");
        phone.close().await;
    });
}

#[test]
fn among_many_merchants_a_phone_finds_one_by_name() {
    let Some(driver) = Driver::start() else { return };
    let app = spawn_app();
    for n in 0..redress::web::consumer::file::LIST_AT_MOST {
        app.merchant(&format!("义乌第{n}号小商品有限公司"));
    }
    let wanted = app.merchant("杭州星河优选电子商务有限公司");
    run(async {
        let phone = driver.phone(&app.base, "search", 360).await;
        phone.open("/complaints/new").await;
        assert_eq!(phone.count("select#merchant").await, 0, "no list of every merchant");
        phone.fill("#description", "直播间说是正品，收到的是仿品。").await;
        phone.fill("#merchant_q", "星河").await;
        phone.click("button[name=find]").await;
        assert_eq!(phone.path().await, "/complaints");
        let only = phone.el("input[name=merchant]").await;
        assert_eq!(only.attr("value").await.unwrap(), Some(wanted.to_string()));
        assert!(only.is_selected().await.unwrap(), "the one merchant found is chosen");
        assert_eq!(phone.count("input[name=merchant]").await, 1);
        assert_eq!(
            phone.el("#description").await.prop("value").await.unwrap().as_deref(),
            Some("直播间说是正品，收到的是仿品。"),
            "the search keeps what was typed"
        );
        phone.audit().await;
        phone.shot("merchant-search").await;

        phone.fill("#merchant_q", "义乌第1").await;
        phone.click("button[name=find]").await;
        assert!(phone.count("input[name=merchant]").await > 1, "several found");
        phone.audit().await;

        // Enter (the phone keyboard's "go") in a field files the complaint;
        // it does not search again.
        phone.el(&format!("input[name=merchant][value='{wanted}']")).await.click().await.unwrap();
        phone.fill("#order_ref", "DY31337").await;
        phone.choose("#category", "counterfeit").await;
        phone.choose("#desired_resolution", "refund").await;
        phone.fill("#consumer_name", "赵敏").await;
        phone.fill("#consumer_phone", "13912345678").await;
        let before = phone.el("html").await;
        phone.el("#consumer_phone").await.send_keys(&key(Key::Enter)).await.unwrap();
        phone.settle(before).await;
        assert!(phone.path().await.starts_with("/t/"), "filed, not searched: {}", phone.path().await);
        assert!(phone.text("main").await.contains("杭州星河优选电子商务有限公司"));
        phone.close().await;
    });
}
