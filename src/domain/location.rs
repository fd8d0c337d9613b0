//! A point on the map.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A point on the map (WGS 84).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Location {
    #[schema(example = -6.6583)]
    pub lat: f64,
    #[schema(example = 107.6772)]
    pub long: f64,
}

impl Location {
    pub fn check(&self) -> Result<(), &'static str> {
        if !(-90.0..=90.0).contains(&self.lat) {
            return Err("lat must be from -90 to 90");
        }
        if !(-180.0..=180.0).contains(&self.long) {
            return Err("long must be from -180 to 180");
        }
        Ok(())
    }

    pub fn from_columns(lat: Option<f64>, lng: Option<f64>) -> Option<Location> {
        Some(Location {
            lat: lat?,
            long: lng?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_and_columns() {
        assert!(Location {
            lat: -6.6,
            long: 107.7
        }
        .check()
        .is_ok());
        assert!(Location {
            lat: 91.0,
            long: 0.0
        }
        .check()
        .is_err());
        assert!(Location {
            lat: 0.0,
            long: -181.0
        }
        .check()
        .is_err());
        assert!(Location::from_columns(Some(1.0), None).is_none());
    }
}
