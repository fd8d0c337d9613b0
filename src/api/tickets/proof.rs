//! Proof of real response: the photos of a ticket shown to the public (`public-photos`) and the
//! proof card a PIC replies with (`proof.png`).

use crate::api::extract::Body;
use actix_web::http::header;
use actix_web::{delete, get, put, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::extract::PublicBase;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::cards::proof::{ProofCard, ProofFacts};
use crate::db::models::published_photo::{self as photos, PublishedPhoto};
use crate::error::ServiceError;
use crate::service::proof::{self, Proof};
use crate::service::tickets::load_visible;
use crate::state::AppState;

/// A photo of the complaint that the public may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicPhotoView {
    #[schema(format = Uuid)]
    pub attachment_id: String,
    /// `before` (filed with the complaint) or `after` (from a field visit).
    pub role: String,
    #[schema(format = Uuid)]
    pub published_by: String,
    pub published_at: DateTime<Utc>,
}

impl From<PublishedPhoto> for PublicPhotoView {
    fn from(p: PublishedPhoto) -> Self {
        PublicPhotoView {
            attachment_id: p.attachment_id,
            role: p.role,
            published_by: p.published_by,
            published_at: p.published_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishPhoto {
    /// Must be true: the photo shows no face or personal data ("tampilkan ke publik").
    pub confirm_no_personal_data: bool,
}

/// The ticket's photos shown to the public (whoever sees the ticket).
#[utoipa::path(tag = "tickets", security(("bearer" = [])), params(("id" = String, Path, format = Uuid)), responses(
    (status = 200, body = Vec<PublicPhotoView>),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[get("/tickets/{id}/public-photos")]
pub async fn list_public_photos(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let rows = state
        .db
        .read(move |c| {
            let t = load_visible(c, &caller, &id)?;
            Ok::<_, ServiceError>(photos::of_ticket(c, &t.id)?)
        })
        .await?;
    let views: Vec<PublicPhotoView> = rows.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(views))
}

/// Show a photo of the ticket to the public ("tampilkan ke publik"): one filed with it
/// (`before`) or taken on a field visit (`after`), once staff confirm it shows no face or
/// personal data. The public gets re-encoded copies (at most 1600 px, and 640 px for lists and
/// cards) with no EXIF; the original stays private. Publishing it again changes nothing.
#[utoipa::path(tag = "tickets", security(("bearer" = [])), params(
    ("id" = String, Path, format = Uuid), ("attachment_id" = String, Path, format = Uuid)
), request_body = PublishPhoto, responses(
    (status = 200, body = PublicPhotoView),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "A confidential complaint", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[put("/tickets/{id}/public-photos/{attachment_id}")]
pub async fn publish_photo(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(String, String)>,
    body: Body<PublishPhoto>,
) -> Result<HttpResponse, ApiError> {
    let (id, attachment) = path.into_inner();
    let row = proof::publish(
        &state,
        caller,
        id,
        attachment,
        body.confirm_no_personal_data,
    )
    .await?;
    Ok(HttpResponse::Ok().json(PublicPhotoView::from(row)))
}

/// Withdraw a photo from the public.
#[utoipa::path(tag = "tickets", security(("bearer" = [])), params(
    ("id" = String, Path, format = Uuid), ("attachment_id" = String, Path, format = Uuid)
), responses(
    (status = 204, description = "Withdrawn"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[delete("/tickets/{id}/public-photos/{attachment_id}")]
pub async fn withdraw_photo(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, attachment) = path.into_inner();
    proof::withdraw(&state, caller, id, attachment).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Draws the proof card of `p`: the published photos are read from the blob store.
pub async fn proof_png(
    state: &AppState,
    p: Proof,
    base: &PublicBase,
) -> Result<Vec<u8>, ServiceError> {
    let blobs = state.blobs.clone();
    let address = base.at(&format!("/lacak/{}", p.public.code));
    web::block(move || {
        let read = |sha: &Option<String>| match sha {
            Some(s) => blobs.get(s).map(Some).map_err(ServiceError::internal),
            None => Ok(None),
        };
        let (before, after) = (read(&p.before)?, read(&p.after)?);
        let v = &p.public;
        let card = ProofCard::of(&ProofFacts {
            jurisdiction: &v.jurisdiction,
            words: v.title.as_deref(),
            category: v.category.as_deref(),
            place: p.place.as_deref(),
            agency: v.agency.as_deref(),
            fixed_on: p.fixed_on,
            working_days: p.working_days,
            code: &v.code,
            address: &address,
            before: before.as_deref(),
            after: after.as_deref(),
        });
        card.png().map_err(ServiceError::from)
    })
    .await
    .map_err(ServiceError::internal)?
}

/// The proof card of a resolved or closed complaint (1080×1080 PNG), to paste as the reply:
/// the complaint as the public may see it (an anonymous one by category and place only), the
/// published "sebelum" and "sesudah" photos (none published: drawn without photos), the
/// agency, the day it was fixed and in how many working days, the tracking code and address.
#[utoipa::path(tag = "tickets", security(("bearer" = [])), params(("id" = String, Path, format = Uuid)), responses(
    (status = 200, description = "The card, 1080×1080", content_type = "image/png", body = Vec<u8>),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Not resolved yet, or confidential", body = Problem, content_type = "application/problem+json"),
))]
#[get("/tickets/{id}/proof.png")]
pub async fn proof_card(
    state: web::Data<AppState>,
    caller: AuthUser,
    base: PublicBase,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let p = state
        .db
        .read(move |c| proof::proof_for(c, &caller, &id))
        .await?;
    let name = format!("bukti-{}", p.public.code);
    let png = proof_png(&state, p, &base).await?;
    Ok(HttpResponse::Ok()
        .content_type("image/png")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{name}.png\""),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .body(png))
}
