//! Build script: embeds migrations afresh when they change, and turns the PostgreSQL test suite
//! on when `ADUAN_TEST_DATABASE_URL` is set (without it those tests are listed as ignored, so
//! they never pass silently).

fn main() {
    println!("cargo::rerun-if-changed=migrations");
    println!("cargo::rerun-if-changed=seed");
    println!("cargo::rerun-if-env-changed=ADUAN_TEST_DATABASE_URL");
    println!("cargo::rustc-check-cfg=cfg(aduan_pg_tests)");
    if std::env::var("ADUAN_TEST_DATABASE_URL").is_ok_and(|v| !v.trim().is_empty()) {
        println!("cargo::rustc-cfg=aduan_pg_tests");
    }
}
