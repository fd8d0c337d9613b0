//! Crash points for the tests of crash safety: with `ADUAN_TEST_ABORT=after-commit` (or
//! `before-commit`) the process aborts at once — as if killed with SIGKILL — right after (or
//! just before) a held write commits with its stored answer (`db::held`). Unset in any real
//! deployment; read once.

/// Aborts the process when `ADUAN_TEST_ABORT` names `point`.
pub fn at(point: &str) {
    static CHOSEN: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let chosen = CHOSEN.get_or_init(|| std::env::var("ADUAN_TEST_ABORT").ok());
    if chosen.as_deref() == Some(point) {
        eprintln!("ADUAN_TEST_ABORT: aborting {point}");
        std::process::abort();
    }
}
