//! A merchant registers its live rooms, hosts, products and sessions, one
//! transaction each. The rules that need what is stored are checked here,
//! inside the transaction that writes: a session may not be put on a cut
//! room, with a banned host, with a product that is not approved, nor with
//! a host declared as medical staff selling health food, medical devices
//! or drugs (2023 joint notice of nine departments).

use chrono::{DateTime, Utc};

use crate::domain::complaint::{Field, FieldErrors, Invalid};
use crate::domain::live::forms::{ValidHost, ValidProduct, ValidRoom, ValidSession};
use crate::domain::live::{HostStatus, Review, RoomStatus};
use crate::store::DbConnection;
use crate::store::live::{self, NewHost, NewProduct, NewRoom, NewSession, ProductRow};

#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// Refused for what is stored; each reason next to its field, and the
    /// products at fault by name (with their review status).
    #[error("refused: {0:?}")]
    Fields(FieldErrors, Vec<ProductRow>),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

fn refused(field: Field, why: Invalid) -> LiveError {
    let mut errors = FieldErrors::default();
    errors.add(field, why);
    LiveError::Fields(errors, Vec::new())
}

pub fn register_room(
    conn: &mut DbConnection,
    merchant: i64,
    r: &ValidRoom,
    now: DateTime<Utc>,
) -> Result<i64, LiveError> {
    conn.write(|conn| {
        let taken = live::rooms(conn, merchant)?.iter().any(|x| x.platform == r.platform && x.room_ref == r.room_ref);
        if taken {
            return Err(refused(Field::RoomRef, Invalid::DuplicateRoom));
        }
        let new = NewRoom { platform: r.platform, name: &r.name, room_ref: &r.room_ref };
        Ok(live::insert_room(conn, merchant, &new, now)?)
    })
}

pub fn register_host(
    conn: &mut DbConnection,
    merchant: i64,
    h: &ValidHost,
    now: DateTime<Utc>,
) -> Result<i64, LiveError> {
    let new = NewHost {
        display_name: &h.display_name,
        real_name: &h.real_name,
        kind: h.kind,
        agency: h.agency.as_deref(),
        medical_staff: h.medical_staff,
    };
    conn.write(|conn| Ok(live::insert_host(conn, merchant, &new, now)?))
}

/// A new product waits for review.
pub fn register_product(
    conn: &mut DbConnection,
    merchant: i64,
    p: &ValidProduct,
    now: DateTime<Utc>,
) -> Result<i64, LiveError> {
    let new = NewProduct { name: &p.name, category: p.category, claims: &p.claims, licence: p.licence.as_deref() };
    conn.write(|conn| Ok(live::insert_product(conn, merchant, &new, now)?))
}

/// A session, if every rule allows it; every reason at once otherwise.
pub fn register_session(
    conn: &mut DbConnection,
    merchant: i64,
    s: &ValidSession,
    now: DateTime<Utc>,
) -> Result<i64, LiveError> {
    conn.write(|conn| {
        let mut errors = FieldErrors::default();
        match live::room_of(conn, merchant, s.room_id)? {
            None => errors.add(Field::Room, Invalid::NotFound),
            Some(r) if r.status == RoomStatus::Cut => errors.add(Field::Room, Invalid::RoomCut),
            Some(_) => {}
        }
        let host = live::host_of(conn, merchant, s.host_id)?;
        match &host {
            None => errors.add(Field::Host, Invalid::NotFound),
            Some(h) if h.status == HostStatus::Banned => errors.add(Field::Host, Invalid::HostBanned),
            Some(_) => {}
        }
        let mut not_approved = Vec::new();
        let mut barred = false;
        for id in &s.products {
            match live::product_of(conn, merchant, *id)? {
                None => errors.add(Field::Products, Invalid::NotFound),
                Some(p) if p.review != Review::Approved => not_approved.push(p),
                Some(p) => barred |= p.category.barred_to_medical_staff(),
            }
        }
        if !not_approved.is_empty() {
            errors.add(Field::Products, Invalid::ProductNotApproved);
        }
        if barred && host.as_ref().is_some_and(|h| h.medical_staff) {
            errors.add(Field::Host, Invalid::MedicalStaff);
        }
        if !errors.is_empty() {
            return Err(LiveError::Fields(errors, not_approved));
        }
        let new = NewSession {
            room_id: s.room_id,
            host_id: s.host_id,
            started_at: s.started_at,
            ended_at: s.ended_at,
            products: &s.products,
        };
        Ok(live::insert_session(conn, merchant, &new, now)?)
    })
}
