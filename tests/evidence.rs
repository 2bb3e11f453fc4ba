//! Evidence: sent with the complaint form, told by its content, images made
//! anew without their EXIF, kept under their SHA-256, and served to the
//! consumer, the complaint's merchant and supervisors only.

use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use redress::domain::staff::Role;
use redress::store::complaints;
use ureq::http::StatusCode;

use crate::helpers::*;

pub const BOUNDARY: &str = "----redress-test-boundary-7MA4YWxkTrZu0gW";

/// A `multipart/form-data` body: the text fields, then each file as
/// `evidence`.
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    for (file, bytes) in files {
        body.extend(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"{file}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").bytes());
    body
}

/// Posts `fields` and `files` to `action` as a browser would, with the
/// CSRF token of the form at `form_path`.
pub fn send_with_files(
    client: &Client,
    form_path: &str,
    action: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> Page {
    let token = csrf(&client.get(form_path).body);
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    let body = multipart(&all, files);
    let res = client
        .agent
        .post(client.url(action))
        .header("Content-Type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .send(&body[..])
        .unwrap();
    page(res)
}

/// Files a complaint against `merchant` with `files`.
pub fn file_with(client: &Client, merchant: i64, files: &[(&str, &[u8])]) -> Page {
    send_with_files(client, "/complaints/new", "/complaints", &ComplaintBuilder::new(merchant).fields(), files)
}

fn get_bytes(client: &Client, path: &str) -> (StatusCode, ureq::http::HeaderMap, Vec<u8>) {
    let mut res = client.agent.get(client.url(path)).call().unwrap();
    let bytes = res.body_mut().with_config().limit(64 * 1024 * 1024).read_to_vec().unwrap_or_default();
    (res.status(), res.headers().clone(), bytes)
}

/// A photo as a phone takes it: a JPEG with an EXIF block that holds a GPS
/// position (and a marker to look for).
fn photo_with_gps() -> Vec<u8> {
    let image =
        DynamicImage::ImageRgb8(RgbImage::from_fn(640, 480, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 90])));
    let mut jpeg = std::io::Cursor::new(Vec::new());
    image.write_to(&mut jpeg, ImageFormat::Jpeg).unwrap();
    let jpeg = jpeg.into_inner();
    // TIFF, big-endian: IFD0 with the orientation and a pointer to the GPS
    // IFD, which holds GPSLatitudeRef "N".
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    tiff.extend([0, 2]);
    tiff.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 1, 0, 0]);
    tiff.extend([0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
    tiff.extend([0, 0, 0, 0]);
    tiff.extend([0, 1]);
    tiff.extend([0x00, 0x01, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend([0, 0, 0, 0]);
    tiff.extend(b"REDRESS-GPS-31.2304N-121.4737E");
    let mut app1 = b"Exif\x00\x00".to_vec();
    app1.extend(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn png() -> Vec<u8> {
    let image = DynamicImage::ImageRgb8(RgbImage::from_pixel(200, 100, Rgb([20, 120, 200])));
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every `href` on the page under `prefix`.
pub fn links(html: &str, prefix: &str) -> Vec<String> {
    parse(html).select_attrs("[href]", "href").into_iter().filter(|h| h.starts_with(prefix)).collect()
}

pub fn stored(app: &TestApp) -> i64 {
    complaints::count(&mut app.pool.get().unwrap()).unwrap()
}

#[test]
fn evidence_comes_with_the_complaint_without_its_gps_and_each_audience_sees_it() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let photo = photo_with_gps();
    assert!(contains(&photo, b"Exif") && contains(&photo, b"REDRESS-GPS"), "the photo carries its position");
    let filed =
        file_with(&app.browser, merchant, &[("IMG_0001.JPG", &photo), ("订单.pdf", PDF), ("直播截图.png", &png())]);
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
    let tracking = filed.tracking_path();

    let html = app.get(&tracking).body;
    let files = links(&html, &format!("{tracking}/evidence/"));
    assert_eq!(files.len(), 3, "{files:?}");
    assert!(html.contains(&format!("src=\"{}/thumb\"", files[0])), "a thumbnail for the photo");
    assert!(html.contains("订单.pdf"), "the PDF by its name");

    let (status, headers, bytes) = get_bytes(&app.browser, &files[0]);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get("content-type").unwrap(), "image/jpeg");
    assert_eq!(headers.get("x-content-type-options").unwrap(), "nosniff");
    assert!(headers.get("content-disposition").unwrap().to_str().unwrap().starts_with("inline;"));
    assert!(!contains(&bytes, b"Exif") && !contains(&bytes, b"REDRESS-GPS"), "EXIF and GPS are gone");
    let back = image::load_from_memory(&bytes).unwrap();
    assert_eq!((back.width(), back.height()), (640, 480), "the picture itself is kept");
    let (status, headers, thumb) = get_bytes(&app.browser, &format!("{}/thumb", files[0]));
    assert_eq!((status, headers.get("content-type").unwrap().to_str().unwrap()), (StatusCode::OK, "image/jpeg"));
    assert_eq!(image::load_from_memory(&thumb).unwrap().width(), 320);

    let (status, headers, bytes) = get_bytes(&app.browser, &files[1]);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get("content-type").unwrap(), "application/pdf");
    let disposition = headers.get("content-disposition").unwrap().to_str().unwrap();
    assert!(disposition.starts_with("attachment;") && disposition.contains("filename*=UTF-8''%E8%AE%A2%E5%8D%95.pdf"));
    assert_eq!(bytes, PDF, "a PDF is kept as sent, and only ever downloaded");

    // Kept under its SHA-256, outside the static files.
    let dir = &app.config.upload_dir;
    let kept: Vec<_> = walk(dir);
    assert!(kept.iter().all(|name| name.len() == 64), "{kept:?}");
    assert_eq!(kept.len(), 5, "three files and two thumbnails");

    // The merchant's staff and supervisors see them too.
    let reference = reference(&html);
    let staff = app.merchant_staff(merchant);
    let page = staff.get(&format!("/merchant/complaints/{reference}")).body;
    let theirs = links(&page, &format!("/merchant/complaints/{reference}/evidence/"));
    assert_eq!(theirs.len(), 3);
    assert_eq!(get_bytes(&staff, &theirs[1]).2, PDF);
    let boss = app.client();
    boss.sign_in(&app.staff(Role::Supervisor, None), PASSWORD);
    let page = boss.get(&format!("/supervisor/complaints/{reference}")).body;
    let theirs = links(&page, &format!("/supervisor/complaints/{reference}/evidence/"));
    assert_eq!(theirs.len(), 3);
    assert_eq!(get_bytes(&boss, &theirs[0]).0, StatusCode::OK);
}

pub fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.path().is_dir() {
            names.extend(walk(&entry.path()));
        } else {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    names
}

#[test]
fn evidence_is_refused_to_anyone_but_the_consumer_the_merchant_and_supervisors() {
    let app = spawn_app();
    let a = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let b = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let filed = file_with(&app.browser, a, &[("订单.pdf", PDF)]);
    let tracking = filed.tracking_path();
    let html = app.get(&tracking).body;
    let reference = reference(&html);
    let id = links(&html, &format!("{tracking}/evidence/"))[0].rsplit('/').next().unwrap().to_owned();
    let merchant_path = format!("/merchant/complaints/{reference}/evidence/{id}");

    let anonymous = app.client().get(&merchant_path);
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "an anonymous request is sent to sign in");
    assert!(anonymous.location.unwrap().starts_with("/login"));
    assert_eq!(
        app.client().get(&format!("/supervisor/complaints/{reference}/evidence/{id}")).status,
        StatusCode::SEE_OTHER
    );
    let other = app.merchant_staff(b);
    assert_eq!(other.get(&merchant_path).status, StatusCode::NOT_FOUND, "merchant B cannot fetch merchant A's");
    assert_eq!(other.get(&format!("/supervisor/complaints/{reference}/evidence/{id}")).status, StatusCode::FORBIDDEN);
    assert_eq!(app.client().get(&format!("/t/AAAAAAAAAAAAAAAAAAAAAAAA/evidence/{id}")).status, StatusCode::NOT_FOUND);
    // Another complaint's link cannot reach this one's file.
    let mine = file_with(&app.client(), b, &[]).tracking_path();
    assert_eq!(app.client().get(&format!("{mine}/evidence/{id}")).status, StatusCode::NOT_FOUND);
    assert_eq!(app.client().get(&format!("{tracking}/evidence/{id}/../../etc")).status, StatusCode::NOT_FOUND);
    assert_eq!(app.merchant_staff(a).get(&merchant_path).status, StatusCode::OK);
}

#[test]
fn a_php_script_named_png_is_refused_with_the_form_kept() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let res = file_with(&app.browser, merchant, &[("shell.png", b"<?php system($_GET['c']); ?>")]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&res.body, "evidence").unwrap().contains("“shell.png”不是 JPEG、PNG、WebP 图片或 PDF 文件"));
    assert_eq!(textarea_value(&res.body, "description").as_deref(), Some(DESCRIPTION), "the form is kept");
    assert_eq!(stored(&app), 0, "nothing filed");
    assert!(walk(&app.config.upload_dir).is_empty(), "nothing kept");
}

#[test]
fn a_12_mib_file_or_a_tenth_file_gets_413() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let mut big = photo_with_gps();
    big.resize(12 * 1024 * 1024, 0);
    let res = file_with(&app.browser, merchant, &[("big.jpg", &big)]);
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.body.contains("每个文件最多 10 MB"), "a page that says why");
    let ten: Vec<(&str, &[u8])> = (0..10).map(|_| ("订单.pdf", PDF)).collect();
    assert_eq!(file_with(&app.browser, merchant, &ten).status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(file_with(&app.browser, merchant, &ten[..9]).status, StatusCode::SEE_OTHER, "nine is fine");
    assert_eq!(stored(&app), 1);
}

#[test]
fn replies_from_either_side_carry_evidence() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let tracking = ComplaintBuilder::new(merchant).file(&app);
    let reference = tracking.reference(&app);
    let reply = format!("{tracking}/reply");
    let sent = send_with_files(&app.browser, &tracking, &reply, &[("body", "补充直播截图。")], &[("截图.png", &png())]);
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);

    let staff = app.merchant_staff(merchant);
    let mine = format!("/merchant/complaints/{reference}");
    let fields = [("body", "附上质检报告。"), ("visibility", "public")];
    let sent = send_with_files(&staff, &mine, &format!("{mine}/reply"), &fields, &[("质检报告.pdf", PDF)]);
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);

    let html = app.get(&tracking).body;
    let files = links(&html, &format!("{tracking}/evidence/"));
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(html.contains("您提供") && html.contains("商家提供"), "who sent which, to the consumer");
    let staff_page = staff.get(&mine).body;
    assert!(staff_page.contains("消费者提供") && !staff_page.contains("您提供"), "and to staff");
    assert_eq!(get_bytes(&app.browser, &files[1]).2, PDF, "the consumer gets the merchant's file");

    // An internal note never carries files: the consumer would see them.
    let note = [("body", "内部：这批货确实有问题。"), ("visibility", "internal")];
    let refused = send_with_files(&staff, &mine, &format!("{mine}/reply"), &note, &[("内部.pdf", PDF)]);
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&refused.body, "reply-evidence").unwrap().contains("公开回复"));
    assert_eq!(textarea_value(&refused.body, "body").as_deref(), Some("内部：这批货确实有问题。"), "kept");
    // Nor does a script named like a picture come in with a reply.
    let php: &[u8] = b"<?php echo 1; ?>";
    let refused = send_with_files(&app.browser, &tracking, &reply, &[("body", "再补充一张。")], &[("x.png", php)]);
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&refused.body, "reply-evidence").unwrap().contains("“x.png”"));
    assert_eq!(links(&app.get(&tracking).body, &format!("{tracking}/evidence/")).len(), 2, "nothing more kept");
}
