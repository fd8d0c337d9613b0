//! Console benchmark at scale: prints figures, asserts nothing.
//!
//! For each backend it takes a database filled with synthetic tickets (the analytics bench's,
//! shared: `scale/`) up to `ADUAN_BENCH_TICKETS` (default 1,000,000; run it again with 10000
//! for the small figure), starts the real server and times over HTTP, as a browser asks for
//! them with its session cookie:
//! 1. the home page "Perlu tindakan" of a coordinator (the whole jurisdiction's queue) and of
//!    an agency head (Dinas PUPR, the agency with most complaints);
//! 2. the list: newest first, most urgent first, and a word search, first page each;
//!
//! each beside its anchor: the API's own list of the same tickets (`GET /api/v1/tickets`,
//! newest first, first page), which the list page's query shares.
//! Then the first-load weight of each page: its HTML with the stylesheet and the script it
//! names (no photos), against the bound of 100 KB.
//!
//! `ADUAN_BENCH_BACKENDS` (`sqlite,postgres`), `ADUAN_BENCH_RUNS` (requests per figure, 30).
//!
//! `cargo bench --bench console`

mod scale;

use std::time::Instant;

use scale::{p, prepare, token, Scaled};

/// p50 and p99 of `runs` GETs of `url` with `cookie` (or the bearer token), in ms, and the
/// body of the last.
async fn time_page(
    client: &awc::Client,
    url: &str,
    auth: &Auth<'_>,
    runs: usize,
) -> (f64, f64, Vec<u8>) {
    let mut lat = Vec::with_capacity(runs);
    let mut body = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let mut r = auth
            .on(client.get(url))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        let got = r.body().limit(64 << 20).await.expect("body");
        lat.push(t.elapsed());
        assert_eq!(r.status(), 200, "{url}: {}", String::from_utf8_lossy(&got));
        body = got.to_vec();
    }
    lat.sort();
    (p(&lat, 0.5), p(&lat, 0.99), body)
}

enum Auth<'a> {
    /// The console's session cookie (the same signed token the API takes).
    Page(&'a str),
    Api(&'a str),
}

impl Auth<'_> {
    fn on(&self, req: awc::ClientRequest) -> awc::ClientRequest {
        match self {
            Auth::Page(t) => req.insert_header(("Cookie", format!("aduan_sesi={t}"))),
            Auth::Api(t) => req.bearer_auth(t),
        }
    }
}

/// The paths of the stylesheet and script a page names.
fn assets(html: &str) -> Vec<String> {
    html.match_indices("/app/aset/")
        .map(|(i, _)| {
            let rest = &html[i..];
            rest[..rest.find('"').unwrap_or(rest.len())].to_string()
        })
        .collect()
}

async fn bench(backend: &str, tickets: usize, days: i64, runs: usize) {
    let Scaled {
        base,
        client,
        admin,
        ..
    } = prepare(backend, tickets, days).await;
    let coordinator = token(&client, &base, &admin, "coordinator", "setda.prokompim").await;
    let head = token(&client, &base, &admin, "agency_head", "dpupr").await;
    let pic = token(&client, &base, &admin, "pic", "dpupr").await;
    let cases: Vec<(&str, &str, Auth)> = vec![
        ("inbox coordinator", "/app/", Auth::Page(&coordinator)),
        ("inbox agency head (PUPR)", "/app/", Auth::Page(&head)),
        ("list newest", "/app/aduan", Auth::Page(&coordinator)),
        (
            "list most urgent",
            "/app/aduan?urut=mendesak",
            Auth::Page(&coordinator),
        ),
        (
            "list search 'jalan'",
            "/app/aduan?q=jalan",
            Auth::Page(&coordinator),
        ),
        (
            "anchor: API list newest",
            "/api/v1/tickets?limit=25",
            Auth::Api(&coordinator),
        ),
    ];
    for (name, path, auth) in &cases {
        let url = format!("{base}{path}");
        let _ = time_page(&client, &url, auth, 1).await;
        let (p50, p99, body) = time_page(&client, &url, auth, runs).await;
        println!(
            "  {backend:<8} {tickets:>8} tickets  {name:<26} p50 {p50:>8.2} ms  p99 {p99:>8.2} ms  ({} bytes)",
            body.len()
        );
    }
    let pages: Vec<(&str, &str, &str)> = vec![
        ("sign-in", "/app/masuk", ""),
        ("inbox", "/app/", coordinator.as_str()),
        ("list", "/app/aduan", coordinator.as_str()),
        ("filing", "/app/aduan/baru", pic.as_str()),
        ("duties", "/app/tugas", pic.as_str()),
        ("users", "/app/pengguna", admin.as_str()),
        ("reference", "/app/referensi", admin.as_str()),
    ];
    let list = time_page(
        &client,
        &format!("{base}/app/aduan"),
        &Auth::Page(&coordinator),
        1,
    )
    .await
    .2;
    let list = String::from_utf8_lossy(&list).to_string();
    let first_code = list
        .find("/app/aduan/SBG-")
        .map(|i| list[i..].split('"').next().unwrap_or_default().to_string());
    let mut all = pages
        .iter()
        .map(|(n, p, t)| (n.to_string(), p.to_string(), t.to_string()))
        .collect::<Vec<_>>();
    if let Some(path) = first_code {
        all.push(("complaint".into(), path, coordinator.clone()));
    }
    for (name, path, t) in all {
        let (_, _, html) = time_page(&client, &format!("{base}{path}"), &Auth::Page(&t), 1).await;
        let html = String::from_utf8_lossy(&html).to_string();
        let mut weight = html.len();
        for asset in assets(&html) {
            let (_, _, bytes) =
                time_page(&client, &format!("{base}{asset}"), &Auth::Page(&t), 1).await;
            weight += bytes.len();
        }
        println!(
            "  {backend:<8} first load {name:<10} {:>6.1} KB (HTML {:.1} KB + stylesheet and script; bound 100 KB)",
            weight as f64 / 1024.0,
            html.len() as f64 / 1024.0
        );
    }
}

fn main() {
    scale::run_each(bench);
}
