//! A recap as the two leaderboards the prizes are given on: perangkat daerah and kecamatan
//! (`domain::recap::Board`), each with its agencies and its PICs ranked among themselves.

use std::collections::HashMap;

use diesel::QueryResult;

use super::{Recap, RecapLine};
use crate::db::models::agency;
use crate::db::DbConnection;
use crate::domain::recap::{rank, Board};
use crate::domain::reference::AgencyKind;

/// A line with its place on its board and the name of its agency (for a PIC).
#[derive(Debug, Clone)]
pub struct Placed {
    pub rank: u32,
    pub agency_name: Option<String>,
    pub line: RecapLine,
}

/// One board: its agencies and its PICs, best first.
#[derive(Debug, Clone)]
pub struct Leaderboard {
    pub board: Board,
    pub agencies: Vec<Placed>,
    pub pics: Vec<Placed>,
}

/// The recap's lines on the two boards (perangkat daerah first), by the kind of their agency.
pub fn boards(
    c: &mut DbConnection,
    jurisdiction_id: &str,
    recap: &Recap,
) -> QueryResult<Vec<Leaderboard>> {
    let agencies: HashMap<String, (Board, String)> = agency::all(c, jurisdiction_id)?
        .into_iter()
        .map(|a| {
            let kind = AgencyKind::parse(&a.kind).unwrap_or(AgencyKind::Other);
            (a.code, (Board::of(kind), a.name))
        })
        .collect();
    let board_of = |code: Option<&str>| {
        code.and_then(|c| agencies.get(c))
            .map_or(Board::Opd, |(b, _)| *b)
    };
    Ok(Board::ALL
        .into_iter()
        .map(|board| Leaderboard {
            board,
            agencies: placed(
                recap
                    .agencies
                    .iter()
                    .filter(|l| board_of(Some(&l.key)) == board),
                &agencies,
            ),
            pics: placed(
                recap
                    .pics
                    .iter()
                    .filter(|l| board_of(l.agency.as_deref()) == board),
                &agencies,
            ),
        })
        .collect())
}

/// `lines` ranked among themselves (equal scores share a place).
fn placed<'a>(
    lines: impl Iterator<Item = &'a RecapLine>,
    agencies: &HashMap<String, (Board, String)>,
) -> Vec<Placed> {
    let lines: Vec<&RecapLine> = lines.collect();
    let scores: Vec<(&str, f64)> = lines.iter().map(|l| (l.key.as_str(), l.score)).collect();
    rank(&scores)
        .into_iter()
        .filter_map(|(key, _, rank)| {
            let line = lines.iter().find(|l| l.key == key)?;
            Some(Placed {
                rank,
                agency_name: line
                    .agency
                    .as_ref()
                    .and_then(|c| agencies.get(c))
                    .map(|(_, n)| n.clone()),
                line: (*line).clone(),
            })
        })
        .collect()
}
