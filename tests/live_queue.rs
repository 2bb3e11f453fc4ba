//! The product review queue through the real server: oldest first, risky
//! claims marked, the decision with its reason reaching the merchant's
//! pages and mail, refusals with what was typed kept.

use chrono::Duration;
use redress::domain::live::{ProductCategory, Review};
use ureq::http::StatusCode;

use crate::helpers::live;
use crate::helpers::*;

#[test]
fn supervisors_review_products_oldest_first_and_the_merchant_sees_each_decision() {
    let app = spawn_app();
    let m = MerchantBuilder::new("成都蜀香源食品有限公司").build(&app);
    let staff = app.merchant_staff(m);
    let register = |name: &str, category: &str, claims: &str| {
        let fields =
            [("name", name), ("product_category", category), ("claims", claims), ("licence", "国食健注G20190123")];
        let res = staff.submit("/merchant/products", "/merchant/products", &fields);
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    };
    register("蜂胶软胶囊", "health_food", "增强免疫力，降血压，无副作用");
    app.clock.advance(Duration::minutes(5));
    register("手工川味腊肠", "food", "农家手工，古法烟熏");
    let approved = live::product(&app, m, ProductCategory::General, Review::Approved);

    let supervisor = app.supervisor();
    let queue = supervisor.get("/supervisor/products");
    assert_eq!(queue.status, StatusCode::OK);
    let html = queue.html();
    let ids = html.select_attrs("[data-product]", "data-product");
    assert_eq!(ids.len(), 2, "only what waits");
    assert!(!ids.contains(&approved.to_string()));
    let (capsules, sausage) = (ids[0].clone(), ids[1].clone());
    assert_eq!(html.select_texts("[data-product] h2"), vec!["蜂胶软胶囊", "手工川味腊肠"], "oldest first");
    let marked = html.select_texts(&format!("[data-product=\"{capsules}\"] mark[data-risk]"));
    assert_eq!(marked, vec!["降血压", "无副作用"], "risky wording marked for health food");
    assert!(html.select_texts(&format!("[data-product=\"{sausage}\"] mark")).is_empty());
    assert!(queue.body.contains("国食健注G20190123"), "the licence shown");

    // A rejection needs its reason: refused, nothing decided.
    let path = format!("/supervisor/products/{capsules}");
    let res = supervisor.submit("/supervisor/products", &path, &[("decision", "reject"), ("reason", "")]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("请写明原因"));
    let why = "保健食品不得宣称降血压等疾病治疗作用，“无副作用”属绝对化用语。";
    let res = supervisor.submit("/supervisor/products", &path, &[("decision", "reject"), ("reason", why)]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = supervisor.submit(
        "/supervisor/products",
        &format!("/supervisor/products/{sausage}"),
        &[("decision", "approve")],
    );
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(supervisor.get("/supervisor/products").html().select_attrs("[data-product]", "data-product").is_empty());

    // Deciding again on what was decided is a conflict, not a second decision.
    let again = supervisor.submit("/supervisor/products", &path, &[("decision", "approve")]);
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(supervisor.get("/supervisor/products/999999").status, StatusCode::NOT_FOUND);

    // The merchant sees each decision, the rejection with its reason.
    let page = staff.get(&format!("/merchant/products/{capsules}"));
    assert!(page.body.contains("data-review=\"rejected\""));
    assert!(page.body.contains(why), "the reason");
    assert!(staff.get(&format!("/merchant/products/{sausage}")).body.contains("data-review=\"approved\""));
    app.dispatch();
    let outbox = app.config.data_dir.join("outbox");
    let mails: Vec<String> = std::fs::read_dir(&outbox)
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    assert_eq!(mails.len(), 2, "one notice per decision");

    // Only supervisors review.
    let res = staff.get("/supervisor/products");
    assert_ne!(res.status, StatusCode::OK);
    let forged = supervisor.post(&path, &[("csrf_token", "forged"), ("decision", "approve")]);
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let audit = supervisor.get("/supervisor/audit");
    assert!(audit.body.contains("审核商品"), "on the audit log");
}
