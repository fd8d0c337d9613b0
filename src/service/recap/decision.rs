//! The leader's decision on a frozen recap — the winner of each prize board and whether the
//! recap is published — and a recap as it is shown: its boards, its winners and the
//! jurisdiction's name, for the console, the public page, the card and the caption.

use super::{boards, Leaderboard, Recap};
use crate::auth::AuthUser;
use crate::db::models::jurisdiction;
use crate::db::models::recap::{self as snapshots, Decision, Snapshot};
use crate::db::DbConnection;
use crate::domain::recap::Board;
use crate::error::ServiceError;

/// What the leader chose: a PIC's username per board (none: no winner named) and publication.
#[derive(Debug, Clone, Default)]
pub struct Choice {
    pub opd_winner: Option<String>,
    pub kecamatan_winner: Option<String>,
    pub publish: bool,
}

/// A frozen recap with what is needed to show it.
#[derive(Debug, Clone)]
pub struct Shown {
    pub row: Snapshot,
    pub recap: Recap,
    pub boards: Vec<Leaderboard>,
    pub decision: Option<Decision>,
    pub jurisdiction: String,
}

impl Shown {
    /// The winner of `board`: the PIC's name and its agency's name.
    pub fn winner(&self, board: Board) -> Option<(String, Option<String>)> {
        let d = self.decision.as_ref()?;
        let key = match board {
            Board::Opd => d.opd_winner.as_ref(),
            Board::Kecamatan => d.kecamatan_winner.as_ref(),
        }?;
        let b = self.boards.iter().find(|b| b.board == board)?;
        let p = b.pics.iter().find(|p| &p.line.key == key)?;
        Some((p.line.name.clone(), p.agency_name.clone()))
    }

    pub fn published(&self) -> bool {
        self.decision.as_ref().is_some_and(|d| d.published)
    }
}

fn shown(
    c: &mut DbConnection,
    row: Snapshot,
    decision: Option<Decision>,
) -> Result<Shown, ServiceError> {
    let recap: Recap = serde_json::from_str(&row.body).map_err(ServiceError::internal)?;
    let boards = boards(c, &row.jurisdiction_id, &recap)?;
    let jurisdiction = jurisdiction::find(c, &row.jurisdiction_id)?.name;
    Ok(Shown {
        row,
        recap,
        boards,
        decision,
        jurisdiction,
    })
}

/// A frozen recap of the caller's jurisdiction.
pub fn frozen(c: &mut DbConnection, caller: &AuthUser, id: &str) -> Result<Shown, ServiceError> {
    let row = snapshots::find(c, &caller.jurisdiction_id, id)?
        .ok_or_else(|| ServiceError::not_found("there is no recap with this id"))?;
    let decision = snapshots::decision(c, id)?;
    shown(c, row, decision)
}

/// The fortnight `p` as it stands, for a preview card: the jurisdiction's name and the boards.
pub fn live(
    c: &mut DbConnection,
    caller: &AuthUser,
    p: &super::Period,
) -> Result<(String, Vec<Leaderboard>), ServiceError> {
    let recap = super::preview(c, caller, p, false)?;
    let boards = boards(c, &caller.jurisdiction_id, &recap)?;
    Ok((jurisdiction::find(c, &caller.jurisdiction_id)?.name, boards))
}

/// A recap its leader published (no sign-in); not found otherwise, whether it exists or not.
pub fn published(c: &mut DbConnection, id: &str) -> Result<Shown, ServiceError> {
    let (row, decision) = snapshots::published(c, id)?
        .ok_or_else(|| ServiceError::not_found("there is no published recap with this id"))?;
    shown(c, row, Some(decision))
}

/// Records the leader's decision on the frozen recap `id`, once: a winner must be a PIC on its
/// board in the frozen figures.
pub fn decide(
    c: &mut DbConnection,
    caller: &AuthUser,
    id: &str,
    choice: Choice,
) -> Result<Shown, ServiceError> {
    let mut s = frozen(c, caller, id)?;
    let on_board = |board: Board, key: &Option<String>, field: &str| match key {
        None => Ok(()),
        Some(k) => {
            let found = s
                .boards
                .iter()
                .filter(|b| b.board == board)
                .any(|b| b.pics.iter().any(|p| &p.line.key == k));
            if found {
                Ok(())
            } else {
                Err(ServiceError::invalid(
                    field,
                    "not a PIC on this board of the recap",
                ))
            }
        }
    };
    on_board(Board::Opd, &choice.opd_winner, "opd_winner")?;
    on_board(
        Board::Kecamatan,
        &choice.kecamatan_winner,
        "kecamatan_winner",
    )?;
    let d = Decision {
        recap_id: s.row.id.clone(),
        opd_winner: choice.opd_winner,
        kecamatan_winner: choice.kecamatan_winner,
        published: choice.publish,
        decided_by: caller.id.clone(),
        decided_at: crate::db::now(),
    };
    if !snapshots::decide(c, &d)? {
        return Err(ServiceError::conflict(
            "already_decided",
            "the winners of this recap were already chosen; decisions are final",
        ));
    }
    s.decision = Some(d);
    Ok(s)
}
