use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{
    decision_view, keep_evidence, recap_id, respond_recap, snapshot_of, RecapSnapshot, Table,
};
use crate::api::analytics::export::{format_of, ExportFormat};
use crate::api::extract::PublicBase;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::domain::policy::Permission;
use crate::service::recap;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecapDownload {
    /// `json` (default), `csv` or `xlsx`.
    #[param(value_type = Option<ExportFormat>)]
    pub format: Option<String>,
    /// For CSV and XLSX: `agencies` (default), `pics`, or `evidence` (one row per id behind a
    /// figure).
    pub table: Option<String>,
    /// Include the ids behind each figure (default false; CSV/XLSX `table=evidence` has them
    /// always).
    pub evidence: Option<bool>,
    /// Only the lines of this agency code or PIC username (a drill-down).
    pub key: Option<String>,
}

/// A frozen recap (leader, coordinator, admin), as it was frozen; `evidence=true` adds the ids
/// behind every figure, `key` narrows it to one agency or PIC, `format=csv|xlsx` downloads one
/// of its tables.
#[utoipa::path(tag = "recaps", security(("bearer" = [])), params(
    ("id" = String, Path, format = Uuid), RecapDownload
), responses(
    (status = 200, description = "The answer as JSON, or its rows as a CSV or XLSX download (`format`)", content(
        (RecapSnapshot = "application/json"),
        ("text/csv"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[get("/recaps/{id}")]
pub async fn get_recap(
    state: web::Data<AppState>,
    caller: AuthUser,
    base: PublicBase,
    id: web::Path<String>,
    query: web::Query<RecapDownload>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadRecaps)?;
    let q = query.into_inner();
    let fmt = format_of(q.format.as_deref())?;
    let table = Table::parse(q.table.as_deref())?;
    let id = recap_id(id.into_inner())?;
    let who = caller.clone();
    let shown = state.db.read(move |c| recap::frozen(c, &who, &id)).await?;
    let row = shown.row.clone();
    let name = format!("recap-{}-{}-{}", row.from_day, row.to_day, &row.id[..8]);
    let key = q.key.as_deref().map(str::trim).filter(|k| !k.is_empty());
    let mut snapshot = snapshot_of(
        row,
        caller.timezone(),
        keep_evidence(fmt, table, q.evidence),
        key,
    )?;
    snapshot.decision = decision_view(&shown, &base);
    respond_recap(fmt, &name, &snapshot, &snapshot.recap, table)
}
