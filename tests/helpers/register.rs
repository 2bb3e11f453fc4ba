//! The public register's test data and jobs: a consumer's consent and a
//! supervisor's hiding stored as their forms store them, the merchant's
//! public response, and the register's jobs (its search index, its open
//! data files) run on demand, as the server runs them.

use diesel::prelude::*;
use redress::clock::Clock;
use redress::domain::register::PublicResponse;
use redress::domain::staff::Role;
use redress::service::published::index::IndexReport;
use redress::service::published::open_data::{Built, folder};
use redress::store::register;
use redress::store::schema::complaints;

use super::app::TestApp;
use super::builders::Filed;

#[allow(dead_code)]
impl TestApp {
    /// One run of the register's search index, as its job runs it.
    pub fn index_register(&self) -> IndexReport {
        let mut conn = self.pool.get().unwrap();
        redress::service::published::index::run(&mut conn, self.clock.now(), || true).unwrap().expect("no other run")
    }

    /// The open data files built now, as their job builds them.
    pub fn build_open_data(&self) -> Built {
        let mut conn = self.pool.get().unwrap();
        let dir = folder(&self.config.data_dir);
        redress::service::published::open_data::build(&mut conn, &dir, self.config.tz, self.clock.now()).unwrap()
    }

    /// The id of the complaint behind a tracking link.
    pub fn complaint_id(&self, filed: &Filed) -> i64 {
        let mut conn = self.pool.get().unwrap();
        complaints::table.filter(complaints::token.eq(filed.token())).select(complaints::id).first(&mut conn).unwrap()
    }

    /// The consumer gives (`true`) or withdraws consent to publish, now.
    pub fn consent(&self, filed: &Filed, publish: bool) {
        let id = self.complaint_id(filed);
        let mut conn = self.pool.get().unwrap();
        conn.write(|c| register::set_consent(c, id, publish, self.clock.now())).unwrap();
    }

    /// A supervisor hides the case, now.
    pub fn hide_case(&self, filed: &Filed) {
        let id = self.complaint_id(filed);
        let email = self.staff(Role::Supervisor, None);
        let mut conn = self.pool.get().unwrap();
        let by = redress::store::users::find_by_email(&mut conn, &email).unwrap().expect("just made").id;
        let hidden = conn.write(|c| register::hide(c, id, by, "含有未被去除的住址", self.clock.now())).unwrap();
        assert!(hidden, "the case was in the register");
    }

    /// The merchant chooses its public response, now.
    pub fn public_response(&self, filed: &Filed, response: PublicResponse) {
        let id = self.complaint_id(filed);
        let mut conn = self.pool.get().unwrap();
        conn.write(|c| register::set_response(c, id, response, self.clock.now())).unwrap();
    }
}
