use actix_web::{get, put, web, web::Json};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::extract::ClientAddr;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::recap as recap_rows;
use crate::domain::policy::Permission;
use crate::domain::recap::Weights;
use crate::error::Checks;
use crate::error::ServiceError;
use crate::service::audit::{self, Change, Who};
use crate::state::AppState;

/// The recap score's weights of the caller's jurisdiction (the defaults until an admin sets
/// them): how much response, completion, clocks, patrols and activity count. Only their
/// proportions matter.
#[utoipa::path(tag = "recaps", security(("bearer" = [])), responses(
    (status = 200, body = Weights),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/recaps/weights")]
pub async fn get_weights(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<Json<Weights>, ApiError> {
    caller.require(Permission::ReadRecaps)?;
    let jur = caller.jurisdiction_id.clone();
    let w = state
        .db
        .read(move |c| recap_rows::weights(c, &jur).map_err(ServiceError::from))
        .await?;
    Ok(Json(w))
}

/// New weights: every one a number from 0 to 1,000, and at least one above 0.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutWeights {
    #[schema(example = 30.0)]
    pub response: f64,
    #[schema(example = 25.0)]
    pub completion: f64,
    #[schema(example = 20.0)]
    pub clocks: f64,
    #[schema(example = 15.0)]
    pub patrols: f64,
    #[schema(example = 10.0)]
    pub activity: f64,
}

/// Set the recap score's weights (admin). Previews and recaps frozen from now on use them; a
/// frozen recap keeps the weights it was frozen with.
#[utoipa::path(tag = "recaps", security(("bearer" = [])), request_body = PutWeights, responses(
    (status = 200, body = Weights),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[put("/recaps/weights")]
pub async fn put_weights(
    state: web::Data<AppState>,
    caller: AuthUser,
    from: ClientAddr,
    body: Json<PutWeights>,
) -> Result<Json<Weights>, ApiError> {
    caller.require(Permission::ConfigureRecaps)?;
    let b = body.into_inner();
    let w = Weights {
        response: b.response,
        completion: b.completion,
        clocks: b.clocks,
        patrols: b.patrols,
        activity: b.activity,
    };
    let mut checks = Checks::new();
    for (field, v) in [
        ("response", w.response),
        ("completion", w.completion),
        ("clocks", w.clocks),
        ("patrols", w.patrols),
        ("activity", w.activity),
    ] {
        if !v.is_finite() || !(0.0..=1000.0).contains(&v) {
            checks.fail(field, "must be a number from 0 to 1000");
        }
    }
    if checks.is_empty() && w.response + w.completion + w.clocks + w.patrols + w.activity <= 0.0 {
        checks.fail("response", "at least one weight must be above 0");
    }
    checks.finish()?;
    let jur = caller.jurisdiction_id.clone();
    let by = caller.id.clone();
    let saved = w;
    audit::write(&state, Who::of(&caller, from.0), move |c| {
        recap_rows::save_weights(c, &jur, &saved, &by, crate::db::now())?;
        let change = Change::new("recap_weights.update", "recap_weights", &jur).after(&saved);
        Ok(((), change))
    })
    .await?;
    Ok(Json(w))
}
