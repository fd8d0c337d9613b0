//! SLA targets: `/api/v1/sla/policies` — the jurisdiction's default targets and per-category
//! overrides (admin-editable; everyone signed in may read them). New clocks use them; running
//! clocks keep the target they started with.

mod delete_override;
mod get_policies;
mod put_policy;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use put_policy::PolicyInput;

use crate::db::models::sla_target::SlaTarget;
use crate::domain::calendar::{TargetUnit, MAX_TARGET_MINUTES};
use crate::domain::sla::{Clock, ClockTarget};
use crate::error::ServiceError;

/// All SLA targets of the jurisdiction.
#[derive(Debug, Serialize, ToSchema)]
pub struct PoliciesView {
    /// What every ticket runs by, one entry per clock (the built-in default where none was set).
    pub default: Vec<ClockTarget>,
    pub overrides: Vec<OverrideView>,
}

/// A category's own targets; clocks not listed follow the default.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OverrideView {
    /// Category code.
    #[schema(example = "banjir")]
    pub category: String,
    pub clocks: Vec<ClockTarget>,
}

/// Checks a list of targets: each clock at most once, targets within ten years.
pub fn check_targets(clocks: &[ClockTarget]) -> Result<(), ServiceError> {
    for (i, t) in clocks.iter().enumerate() {
        let field = format!("clocks[{i}].target");
        if clocks[..i].iter().any(|o| o.clock == t.clock) {
            return Err(ServiceError::invalid(
                format!("clocks[{i}].clock"),
                format!("{} is listed twice", t.clock.as_str()),
            ));
        }
        let minutes = match t.unit {
            TargetUnit::WorkingDays | TargetUnit::CalendarDays => t.target as i64 * 24 * 60,
            TargetUnit::Hours => t.target as i64 * 60,
            TargetUnit::Minutes => t.target as i64,
        };
        if t.target < 1 || minutes > MAX_TARGET_MINUTES {
            return Err(ServiceError::invalid(
                field,
                "must be at least 1 and at most ten years",
            ));
        }
    }
    Ok(())
}

pub fn rows(jurisdiction_id: &str, scope: &str, clocks: &[ClockTarget]) -> Vec<SlaTarget> {
    let now = crate::db::now();
    clocks
        .iter()
        .map(|t| SlaTarget {
            jurisdiction_id: jurisdiction_id.to_string(),
            scope: scope.to_string(),
            clock: t.clock.as_str().to_string(),
            enabled: t.enabled,
            target: t.target,
            unit: t.unit.as_str().to_string(),
            updated_at: now,
        })
        .collect()
}

/// Clock order for answers.
pub fn sorted(mut v: Vec<ClockTarget>) -> Vec<ClockTarget> {
    v.sort_by_key(|t| Clock::ALL.iter().position(|c| *c == t.clock));
    v
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_policies::get_policies)
        .service(put_policy::put_default)
        .service(put_policy::put_override)
        .service(delete_override::delete_override);
}
