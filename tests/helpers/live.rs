//! Live commerce's test data: a merchant's rooms, hosts, products and
//! sessions, stored directly (as a supervisor's decisions would leave
//! them), for the tests of what is built on them.

use chrono::{DateTime, Duration, Utc};
use redress::clock::Clock;
use redress::domain::live::{HostKind, HostStatus, Platform, ProductCategory, Review, RoomStatus};
use redress::store::live::{self, NewHost, NewProduct, NewRoom, NewSession};

use super::TestApp;

static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

fn n() -> u32 {
    N.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
}

pub fn room(app: &TestApp, merchant: i64) -> i64 {
    let (name, room_ref) = (format!("测试直播间{}", n()), format!("room{}", n()));
    let new = NewRoom { platform: Platform::Douyin, name: &name, room_ref: &room_ref };
    live::insert_room(&mut app.pool.get().unwrap(), merchant, &new, app.clock.now()).unwrap()
}

pub fn host(app: &TestApp, merchant: i64, medical_staff: bool) -> i64 {
    let display_name = format!("主播{}", n());
    let new = NewHost {
        display_name: &display_name,
        real_name: "林晓星",
        kind: HostKind::OwnStaff,
        agency: None,
        medical_staff,
    };
    live::insert_host(&mut app.pool.get().unwrap(), merchant, &new, app.clock.now()).unwrap()
}

/// A product in `review` (decided by no one in particular).
pub fn product(app: &TestApp, merchant: i64, category: ProductCategory, review: Review) -> i64 {
    let name = format!("测试商品{}", n());
    let licence = category.is_regulated().then_some("国食健注G20190123");
    let new = NewProduct { name: &name, category, claims: "如实宣传的卖点", licence };
    let mut conn = app.pool.get().unwrap();
    let id = live::insert_product(&mut conn, merchant, &new, app.clock.now()).unwrap();
    if review != Review::Pending {
        let by = supervisor_id(app);
        live::set_review(&mut conn, id, review, Some("测试用的审核意见"), by, app.clock.now()).unwrap();
    }
    id
}

pub fn session(
    app: &TestApp,
    merchant: i64,
    (room, host): (i64, i64),
    products: &[i64],
    started: DateTime<Utc>,
) -> i64 {
    let new = NewSession {
        room_id: room,
        host_id: host,
        started_at: started,
        ended_at: started + Duration::hours(2),
        products,
    };
    live::insert_session(&mut app.pool.get().unwrap(), merchant, &new, app.clock.now()).unwrap()
}

pub fn cut(app: &TestApp, room: i64) {
    live::set_room_status(&mut app.pool.get().unwrap(), room, RoomStatus::Cut).unwrap();
}

pub fn ban(app: &TestApp, host: i64) {
    live::set_host_status(&mut app.pool.get().unwrap(), host, HostStatus::Banned).unwrap();
}

/// A supervisor's user id, for decisions stored directly.
fn supervisor_id(app: &TestApp) -> i64 {
    let email = app.staff(redress::domain::staff::Role::Supervisor, None);
    let mut conn = app.pool.get().unwrap();
    redress::store::users::find_by_email(&mut conn, &email).unwrap().expect("just made").id
}
