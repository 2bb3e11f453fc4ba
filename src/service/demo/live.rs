//! The demo's live commerce: each of the first four merchants' live room
//! and hosts, products at every stage of review (approved, waiting, one
//! delisted after complaints about its claims), and recent sessions that
//! the demo complaints name; and five complaints about 蜀香源's sausages
//! within a day, which open an incident.

use chrono::{DateTime, Duration, Utc};

use crate::domain::action::ActionKind;
use crate::domain::live::{HostKind, Platform, ProductCategory, Review, RoomStatus};
use crate::store::live::{self, NewHost, NewProduct, NewRoom, NewSession};
use crate::store::{DbConnection, actions};

/// What the demo complaints name.
#[derive(Debug, Default)]
pub struct Live {
    pub down_jacket: i64,
    pub down_session: i64,
    pub face_cream: i64,
    pub cream_session: i64,
    pub sausage: i64,
}

fn room(conn: &mut DbConnection, m: i64, platform: Platform, name: &str, r: &str, at: DateTime<Utc>) -> Res<i64> {
    live::insert_room(conn, m, &NewRoom { platform, name, room_ref: r }, at)
}

type Res<T> = Result<T, diesel::result::Error>;

fn host(
    conn: &mut DbConnection,
    m: i64,
    (display_name, real_name): (&str, &str),
    kind: HostKind,
    agency: Option<&str>,
    medical_staff: bool,
    at: DateTime<Utc>,
) -> Res<i64> {
    live::insert_host(conn, m, &NewHost { display_name, real_name, kind, agency, medical_staff }, at)
}

#[allow(clippy::too_many_arguments)]
fn product(
    conn: &mut DbConnection,
    m: i64,
    name: &str,
    category: ProductCategory,
    claims: &str,
    licence: Option<&str>,
    review: Option<(Review, Option<&str>, i64)>,
    at: DateTime<Utc>,
) -> Res<i64> {
    let id = live::insert_product(conn, m, &NewProduct { name, category, claims, licence }, at)?;
    if let Some((review, reason, by)) = review {
        live::set_review(conn, id, review, reason, by, at + Duration::hours(3))?;
    }
    Ok(id)
}

fn session(
    conn: &mut DbConnection,
    m: i64,
    (room_id, host_id): (i64, i64),
    products: &[i64],
    started: DateTime<Utc>,
    hours: i64,
) -> Res<i64> {
    let s = NewSession { room_id, host_id, started_at: started, ended_at: started + Duration::hours(hours), products };
    live::insert_session(conn, m, &s, started - Duration::hours(1))
}

/// Seeds it for `merchants` (the demo's, in order), reviewed by `supervisor`.
pub fn seed(conn: &mut DbConnection, merchants: &[i64], supervisor: i64, now: DateTime<Utc>) -> Res<Live> {
    let month = now - Duration::days(30);
    let approved = Some((Review::Approved, None, supervisor));
    conn.write(|conn| {
        // 星河优选: its own room on Douyin, an own-staff host and an
        // influencer; the down jacket the first complaint is about.
        let (xh, my, jg, sx) = (merchants[0], merchants[1], merchants[2], merchants[3]);
        let xh_room = room(conn, xh, Platform::Douyin, "星河优选官方直播间", "douyin.com/live/7301928475", month)?;
        let xh_host = host(conn, xh, ("小星", "林晓星"), HostKind::OwnStaff, None, false, month)?;
        host(conn, xh, ("暖暖姐", "何暖"), HostKind::Influencer, Some("杭州星芒文化传媒（MCN）"), false, month)?;
        let down_jacket = product(
            conn,
            xh,
            "90%白鸭绒加厚羽绒服",
            ProductCategory::General,
            "90%白鸭绒，充绒量200克，零下20度不怕冷",
            None,
            approved,
            month,
        )?;
        product(
            conn,
            xh,
            "羊绒混纺围巾",
            ProductCategory::General,
            "内蒙古羊绒混纺，柔软不扎",
            None,
            None,
            now - Duration::hours(5),
        )?;
        let down_session = session(conn, xh, (xh_room, xh_host), &[down_jacket], now - Duration::hours(30), 3)?;

        // 美颜堂: a Kuaishou room whose influencer sold a face cream with
        // claims it could not keep; it was delisted after the complaints.
        let my_room = room(conn, my, Platform::Kuaishou, "美颜堂护肤直播", "kuaishou.com/u/meiyantang", month)?;
        let my_host =
            host(conn, my, ("颜姐", "陈丽华"), HostKind::Influencer, Some("广州颜值传媒（MCN）"), false, month)?;
        host(conn, my, ("王医生说护肤", "王建平"), HostKind::Influencer, None, true, month)?;
        let face_cream = product(
            conn,
            my,
            "焕颜修护面霜",
            ProductCategory::Cosmetics,
            "七天祛斑，医用级修复，无副作用",
            None,
            approved,
            month,
        )?;
        product(conn, my, "玻尿酸补水面膜", ProductCategory::Cosmetics, "深层补水，一盒10片", None, approved, month)?;
        let cream_session = session(conn, my, (my_room, my_host), &[face_cream], now - Duration::hours(26), 4)?;
        let reason = "宣传“七天祛斑、医用级修复、无副作用”，化妆品不得宣称医疗作用；多名消费者投诉无效并过敏。";
        live::set_review(conn, face_cream, Review::Delisted, Some(reason), supervisor, now - Duration::hours(2))?;
        actions::insert_on(conn, my, ActionKind::Delist, face_cream, reason, supervisor, now - Duration::hours(2))?;

        // 极光数码: a room limited after luring consumers off the platform.
        let jg_room = room(conn, jg, Platform::Douyin, "极光数码直播间", "douyin.com/live/jiguang", month)?;
        host(conn, jg, ("阿光", "赵光明"), HostKind::OwnStaff, None, false, month)?;
        product(conn, jg, "降噪蓝牙耳机", ProductCategory::General, "主动降噪，续航40小时", None, approved, month)?;
        let why = "主播在直播间引导消费者加微信私下转账。";
        live::set_room_status(conn, jg_room, RoomStatus::Limited)?;
        actions::insert_on(conn, jg, ActionKind::LimitRoom, jg_room, why, supervisor, now - Duration::hours(100))?;

        // 蜀香源: food on Taobao Live, and a health food waiting for review.
        let sx_room = room(conn, sx, Platform::Taobao, "蜀香源川味小馆", "taobao.com/live/shuxiangyuan", month)?;
        let sx_host = host(conn, sx, ("香香", "吴香"), HostKind::OwnStaff, None, false, month)?;
        let sausage =
            product(conn, sx, "手工川味腊肠", ProductCategory::Food, "农家手工，古法烟熏", None, approved, month)?;
        product(
            conn,
            sx,
            "蜂胶软胶囊",
            ProductCategory::HealthFood,
            "增强免疫力，降血压，中老年人必备",
            Some("国食健注G20190123"),
            None,
            now - Duration::hours(20),
        )?;
        session(conn, sx, (sx_room, sx_host), &[sausage], now - Duration::days(3), 2)?;
        Ok(Live { down_jacket, down_session, face_cream, cream_session, sausage })
    })
}

/// The first demo complaint (星河's down jacket) names the jacket and its
/// session; the second (美颜堂's face cream) the cream and its session; the
/// fourth (蜀香源's sausages) the sausages.
pub fn name(conn: &mut DbConnection, live: &Live, complaint_ids: &[i64]) -> Res<()> {
    let named = [
        (0, Some(live.down_jacket), Some(live.down_session)),
        (1, Some(live.face_cream), Some(live.cream_session)),
        (3, Some(live.sausage), None),
    ];
    conn.write(|conn| {
        for (i, product, session) in named {
            live::name_on_complaint(conn, complaint_ids[i], product, session)?;
        }
        Ok(())
    })
}

/// Five consumers of 蜀香源's sausages complain within a day, through the
/// real intake: the fifth opens an incident about the product (and its
/// supervisors are told), as machine discovery would have it; the
/// supervisor has made it a collective case, to be ruled.
pub fn incident(
    conn: &mut DbConnection,
    config: &crate::config::Config,
    live: &Live,
    (merchant, supervisor): (i64, i64),
    now: DateTime<Utc>,
) -> Result<Vec<crate::service::complaints::Submitted>, String> {
    use crate::domain::complaint::ComplaintForm;
    use crate::service::complaints::{Intake, submit};
    const SAUSAGES: [(i64, &str, &str, &str, &str); 5] = [
        (22, "TB5570010001", "腊肠收到后发酸发黏，包装上没有生产日期。", "郑强", "13600010001"),
        (15, "TB5570010002", "同一批腊肠有霉点，商家说是正常的“盐霜”。", "冯雪", "13600010002"),
        (9, "TB5570010003", "吃了直播间买的腊肠后拉肚子，包装没有SC编号。", "韩梅", "13600010003"),
        (5, "TB5570010004", "腊肠外包装印的厂家查不到，怀疑是三无产品。", "曹阳", "13600010004"),
        (2, "TB5570010005", "收到的腊肠有异味，主播说的“古法烟熏”根本不是。", "许静", "13600010005"),
    ];
    let mut filed = Vec::new();
    for (hours, order, description, name, phone) in SAUSAGES {
        let form = ComplaintForm {
            merchant: merchant.to_string(),
            order_ref: order.into(),
            category: "counterfeit".into(),
            desired_resolution: "refund".into(),
            amount: "89.90".into(),
            description: description.into(),
            consumer_name: name.into(),
            consumer_phone: phone.into(),
            consumer_email: String::new(),
            publish: String::new(),
        };
        let mut complaint = form.validate().map_err(|e| format!("demo complaint {order}: {e:?}"))?;
        complaint.product_id = Some(live.sausage);
        let at = Intake { config, now: now - Duration::hours(hours), lang: crate::i18n::Lang::ZhCn };
        filed.push(submit(conn, &at, &complaint).map_err(|e| e.to_string())?);
    }
    let about =
        crate::domain::incident::About { subject: crate::domain::incident::IncidentSubject::Product, id: live.sausage };
    // None when REDRESS_INCIDENT asks for more than five.
    if let Some(opened) = crate::store::incidents::open_of(conn, about).map_err(|e| e.to_string())? {
        let at = crate::service::catch_up::At { config, now: now - Duration::hours(1) };
        crate::service::incidents::case::make_collective(conn, opened.id, supervisor, at).map_err(|e| e.to_string())?;
    }
    Ok(filed)
}
