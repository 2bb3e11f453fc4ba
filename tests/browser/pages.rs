//! Every page of the three audiences on a 360 px phone: axe-core finds no
//! serious or critical violation, nothing scrolls sideways, every control
//! is a 44 px target (`target/e2e/page-*.png`).

use chrono::Duration;
use redress::domain::staff::Role;
use ureq::http::StatusCode;

use crate::harness::{Driver, run};
use crate::helpers::{PASSWORD, spawn_app};
use crate::tab::Tab;

/// Opens `path`, notes what fails the audit, and keeps a screenshot named
/// after `name`, or after the path (a tracking link's token is a secret).
async fn visit(tab: &Tab, path: &str, name: Option<&str>, problems: &mut Vec<String>) {
    tab.open(path).await;
    problems.extend(tab.problems().await);
    let slug: String =
        path.trim_matches('/').chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).take(40).collect();
    let name = name.unwrap_or(if slug.is_empty() { "home" } else { &slug });
    tab.shot(&format!("page-{name}")).await;
}

#[test]
fn axe_core_finds_what_it_should() {
    let Some(driver) = Driver::start() else { return };
    let app = spawn_app();
    run(async {
        let tab = driver.laptop(&app.base, "axe-control").await;
        tab.open("/complaints/new").await;
        assert_eq!(tab.axe().await, Vec::<String>::new());
        // A field with no label, and grey on grey: both must be caught.
        tab.js("const main = document.querySelector('main');
             const bare = document.createElement('input');
             const faint = document.createElement('p');
             faint.textContent = '看不清的字';
             faint.style.color = '#bbb';
             faint.style.background = '#ccc';
             main.append(bare, faint);
             return true;")
            .await;
        let found = tab.axe().await.join("\n");
        assert!(found.contains("label"), "{found}");
        assert!(found.contains("color-contrast"), "{found}");
        tab.close().await;
    });
}

#[test]
fn every_page_passes_axe_and_fits_a_360_px_phone() {
    let Some(driver) = Driver::start() else { return };
    let app = spawn_app();
    let merchant = app.merchant("杭州星河优选电子商务有限公司");
    let tracking = app.file_complaint(merchant, &[]);
    // Consented to publication: in the public register 15 days on.
    let late = app.file_complaint(merchant, &[("order_ref", "DY0000000002"), ("publish", "1")]);
    app.clock.advance(Duration::hours(49));
    app.sweep();
    let staff = app.staff(Role::Merchant, Some(merchant));
    let supervisor = app.staff(Role::Supervisor, None);
    // A warning, so the merchant has an action to appeal.
    let desk = app.client();
    assert_eq!(desk.sign_in(&supervisor, PASSWORD).status, StatusCode::SEE_OTHER);
    let page = format!("/supervisor/merchants/{merchant}");
    let res = desk.submit(&page, &format!("{page}/actions"), &[("kind", "warning"), ("reason", "三次超时未回复。")]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let reference = app.get(&late).body;
    let reference = crate::helpers::between(&reference, "<h1 class=\"reference\">", "<").unwrap().to_owned();

    run(async {
        let mut problems = Vec::new();
        let phone = driver.phone(&app.base, "phone-360", 360).await;
        for path in ["/", "/complaints/new", "/track", "/merchants", &format!("/merchants/{merchant}"), "/login"] {
            visit(&phone, path, None, &mut problems).await;
        }
        visit(&phone, &tracking, Some("tracking"), &mut problems).await;
        visit(&phone, &late, Some("tracking-escalated"), &mut problems).await;
        visit(&phone, "/no-such-page", None, &mut problems).await;
        // The form answered with errors.
        phone.open("/complaints/new").await;
        phone.click("form.form button[type=submit]").await;
        problems.extend(phone.problems().await);
        phone.shot("page-complaint-form-errors").await;

        phone.sign_in(&staff).await;
        for path in
            ["/merchant", &format!("/merchant/complaints/{reference}"), "/merchant/actions", "/account", "/account/2fa"]
        {
            visit(&phone, path, None, &mut problems).await;
            assert_eq!(phone.attr("header", "data-audience").await.as_deref(), Some("merchant"), "{path}");
        }
        phone.click(".site-header form[action='/logout'] button").await;

        phone.sign_in(&supervisor).await;
        for path in [
            "/supervisor".to_owned(),
            format!("/supervisor/complaints/{reference}"),
            "/supervisor/overview".into(),
            "/supervisor/flags".into(),
            "/supervisor/merchants".into(),
            format!("/supervisor/merchants/{merchant}"),
            "/supervisor/merchants/new".into(),
            "/supervisor/mail".into(),
            "/supervisor/audit".into(),
        ] {
            visit(&phone, &path, None, &mut problems).await;
            assert_eq!(phone.attr("header", "data-audience").await.as_deref(), Some("supervisor"), "{path}");
        }
        // An action refused: the message next to its field, the rest kept.
        phone.open(&format!("/supervisor/merchants/{merchant}")).await;
        phone.choose("#kind", "deduction").await;
        phone.fill("#action-reason", "直播间虚构原价。").await;
        phone.click_and_confirm("form[action$='/actions'] button[type=submit]").await;
        assert!(phone.text("#points-error").await.contains("1 到 100"));
        assert_eq!(phone.el("#action-reason").await.prop("value").await.unwrap().as_deref(), Some("直播间虚构原价。"));
        problems.extend(phone.problems().await);
        phone.shot("page-supervisor-action-refused").await;

        // The public register, once the consented complaint is published:
        // the list, a search, one that cannot be searched for (its message
        // next to the box), and the case.
        app.clock.advance(Duration::days(15));
        app.index_register();
        for path in [
            "/cases".to_owned(),
            format!("/cases?merchant={merchant}&q=%E7%BE%BD%E7%BB%92"),
            format!("/cases/{reference}"),
        ] {
            visit(&phone, &path, None, &mut problems).await;
        }
        assert!(phone.text("[data-narrative]").await.contains("羽绒服"), "the case's narrative is shown");
        visit(&phone, "/cases?q=%E7%BE%8A", Some("cases-too-short"), &mut problems).await;
        assert!(phone.text("main").await.contains("两个汉字"), "a one-character search says why it finds nothing");
        phone.close().await;
        assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    });
}
