//! CSV injection (issue 16): whatever a consumer or a merchant typed, the
//! supervisor's export never hands a spreadsheet a formula.

use redress::domain::staff::Role;
use ureq::http::StatusCode;

use crate::helpers::*;

/// Rows of RFC 4180 CSV, each a list of fields, quotes undone.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

#[test]
fn cells_a_spreadsheet_would_run_as_formulas_are_exported_as_text() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("=HYPERLINK(\"http://evil.example/\",\"优选\")").build(&app);
    let formula = "=cmd|' /C calc'!A0";
    ComplaintBuilder::new(merchant)
        .description("+SUM(1+1)*cmd|' /C calc'!A0 主播说是纯棉，实际是化纤。")
        .name(formula)
        .order_ref("-2+3+cmd|' /C calc'!A0")
        .email("=x@example.com")
        .file(&app);
    ComplaintBuilder::new(merchant)
        .description("@SUM(A1:A9) 收到的货与直播间展示的不符。")
        .order_ref("@DY1")
        .file(&app);
    let boss = app.client();
    assert_eq!(boss.sign_in(&app.staff(Role::Supervisor, None), PASSWORD).status, StatusCode::SEE_OTHER);
    let res = boss.get("/supervisor/export.csv?lang=en");
    assert_eq!(res.status, StatusCode::OK);
    let rows = parse_csv(res.body.trim_start_matches('\u{feff}'));
    assert_eq!(rows.len(), 3, "{rows:?}");
    let column = |name: &str| rows[0].iter().position(|h| h == name).unwrap_or_else(|| panic!("{name}: {:?}", rows[0]));
    for row in &rows[1..] {
        assert_eq!(row.len(), rows[0].len(), "{row:?}");
        for cell in row {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "a formula in the export: {cell:?}");
        }
        assert_eq!(row[column("Merchant")], "'=HYPERLINK(\"http://evil.example/\",\"优选\")");
    }
    let (second, first) = (&rows[1], &rows[2]);
    assert_eq!(first[column("Consumer name (masked)")], "'=*****************");
    assert_eq!(first[column("Order number")], "'-2+3+cmd|' /C calc'!A0");
    assert_eq!(first[column("What happened")], "'+SUM(1+1)*cmd|' /C calc'!A0 主播说是纯棉，实际是化纤。");
    assert_eq!(first[column("Consumer e-mail (masked)")], "'=***@example.com");
    assert_eq!(second[column("What happened")], "'@SUM(A1:A9) 收到的货与直播间展示的不符。");
    assert_eq!(second[column("Order number")], "'@DY1");
    assert_eq!(second[column("Consumer name (masked)")], "王*");
}
